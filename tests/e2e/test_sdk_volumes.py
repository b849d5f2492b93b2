"""openstacksdk, unmodified, against a live fakenova's Cinder: volumes, boot from volume, attach and detach."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


def connect(auth_url: str):
    return openstack.connect(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version="2.79")


def test_create_volume_waits_until_available_and_delete_volume_waits_until_gone(pace, auth_url):
    conn = connect(auth_url)
    volume = conn.create_volume(size=2, name="sdk-vol", wait=True, timeout=30)
    assert (volume.status, volume.size, volume.name) == ("available", 2, "sdk-vol")
    assert conn.block_storage.get_volume(volume.id).volume_type == "__DEFAULT__"
    assert volume.id in {v.id for v in conn.block_storage.volumes()}
    assert conn.delete_volume(volume.id, wait=True, timeout=30) is True
    assert conn.get_volume(volume.id) is None


def test_boot_from_volume_then_attach_and_detach_a_volume(pace, auth_url):
    conn = connect(auth_url)
    server = conn.create_server("bfv", image="cirros", flavor="m1.tiny", network="private", boot_from_volume=True,
                                volume_size=1, terminate_volume=True, wait=True, timeout=30)
    assert server.status == "ACTIVE" and not server.image.get("id")
    (root,) = [v for v in conn.block_storage.volumes() if v.attachments]
    assert root.status == "in-use" and root.is_bootable and root.attachments[0]["server_id"] == server.id
    data = conn.create_volume(size=1, name="data", wait=True, timeout=30)
    attachment = conn.attach_volume(server, data, wait=True, timeout=30)
    assert attachment["volumeId"] == data.id and attachment["device"] == "/dev/vdb"
    assert conn.get_volume(data.id).status == "in-use"
    conn.detach_volume(server, data, wait=True, timeout=30)
    assert conn.get_volume(data.id).status == "available"
    conn.delete_server(server.id, wait=True, timeout=30)
    assert conn.get_volume(data.id).status == "available"  # released as the delete ended
    conn.block_storage.wait_for_delete(root, interval=0.01, wait=30)  # deleted on termination, at the pace
    assert conn.get_volume(root.id) is None


def test_a_volume_in_use_cannot_be_deleted(auth_url):
    conn = connect(auth_url)
    server = conn.create_server("vm", image="cirros", flavor="m1.tiny", network="private", wait=True, timeout=30)
    data = conn.create_volume(size=1, wait=True, timeout=30)
    conn.attach_volume(server, data, wait=True, timeout=30)
    with pytest.raises(openstack.exceptions.BadRequestException) as refused:
        conn.block_storage.delete_volume(data)
    assert "must not be migrating, attached" in str(refused.value)
