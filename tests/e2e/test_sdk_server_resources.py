"""openstacksdk, unmodified, against a live fakenova: metadata, tags, interfaces and volume attachments."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
VOLUME = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01"


def connect(auth_url: str, version: str = "2.79"):
    return openstack.connect(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


def boot(conn, **extra):
    server = conn.compute.create_server(name="sub", flavor_id="1", networks=[{"uuid": conn.get_network("private").id}],
                                        **({"image_id": IMAGE} if "block_device_mapping" not in extra else {}),
                                        **extra)
    return conn.compute.wait_for_server(server, status="ACTIVE", wait=30)


def test_metadata_round_trip(auth_url):
    conn = connect(auth_url)
    server = boot(conn)
    conn.compute.set_server_metadata(server, role="web", tier="1")
    assert conn.compute.get_server_metadata(server).metadata == {"role": "web", "tier": "1"}
    conn.compute.delete_server_metadata(server, ["tier"])
    assert conn.compute.get_server_metadata(server).metadata == {"role": "web"}


def test_tags_round_trip(auth_url):
    conn = connect(auth_url)
    server = boot(conn)
    server.add_tag(conn.compute, "blue")
    server.set_tags(conn.compute, ["a", "b"])
    assert server.fetch_tags(conn.compute).tags == ["a", "b"]
    server.remove_tag(conn.compute, "a")
    assert conn.compute.get_server(server.id).tags == ["b"]
    server.remove_all_tags(conn.compute)
    assert conn.compute.get_server(server.id).tags == []


def test_interface_attach_list_detach(auth_url):
    conn = connect(auth_url)
    server = boot(conn)
    made = conn.compute.create_server_interface(server, net_id=conn.get_network("private").id)
    assert made.port_state == "ACTIVE" and made.net_id == conn.get_network("private").id
    assert {i.port_id for i in conn.compute.server_interfaces(server)} >= {made.port_id}
    assert made.port_id in {port.id for port in conn.network.ports(device_id=server.id)}
    conn.compute.delete_server_interface(made, server=server)
    assert made.port_id not in {i.port_id for i in conn.compute.server_interfaces(server)}


def test_volume_attachments_of_a_boot_from_volume_server(auth_url):
    conn = connect(auth_url)
    bdm = [{"source_type": "image", "uuid": IMAGE, "destination_type": "volume", "boot_index": 0,
            "volume_size": 1, "delete_on_termination": True}]
    server = boot(conn, block_device_mapping=bdm)
    (root,) = list(conn.compute.volume_attachments(server))
    assert root.device == "/dev/vda" and root.delete_on_termination is True
    attached = conn.compute.create_volume_attachment(server, volume_id=VOLUME)
    assert attached.device == "/dev/vdb"
    assert {a.volume_id for a in conn.compute.volume_attachments(server)} == {root.volume_id, VOLUME}
