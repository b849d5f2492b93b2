"""openstacksdk's default floating IP flow against a live fakenova: auto IP on create, reuse, detach, release.

``create_server(..., wait=True)`` (``auto_ip`` on) finds the external network ``public``, the server's port,
and creates a floating IP on that port through Neutron, as it does on devstack.
"""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")


def connect(auth_url: str, user: str = "demo", project: str = "demo"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=project,
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")


def floating_of(server) -> list:
    return [entry["addr"] for entries in server.addresses.values() for entry in entries
            if entry["OS-EXT-IPS:type"] == "floating"]


def test_create_server_attaches_a_floating_ip_and_delete_releases_it(auth_url):
    conn = connect(auth_url)
    server = conn.create_server("fip", image="cirros", flavor="m1.tiny", network="private", wait=True,
                                timeout=30)
    assert server.status == "ACTIVE"
    [address] = floating_of(server)
    assert address.startswith("172.24.4.")
    # After attaching, the SDK hands back the server as compute.get_server read it, without the computed
    # interface fields (its own functional tests wrap it in get_openstack_vars); get_server fills them in.
    expanded = conn.get_server(server.id)
    assert expanded.public_v4 == address and expanded.private_v4.startswith("10.0.0.")
    [port] = conn.network.ports(device_id=server.id)
    [fip] = conn.list_floating_ips()
    assert (fip.floating_ip_address, fip.status, fip.port_id, fip.fixed_ip_address) == (
        address, "ACTIVE", port.id, expanded.private_v4)
    assert conn.delete_server(server.id, wait=True, timeout=30, delete_ips=True) is True
    assert conn.list_floating_ips() == []
    assert conn.get_server(server.id) is None


def test_free_floating_ip_is_reused_then_detached(auth_url):
    conn = connect(auth_url)
    spare = conn.create_floating_ip(network="public")
    assert (spare.status, spare.port_id) == ("DOWN", None)
    server = conn.create_server("reuse", image="cirros", flavor="m1.tiny", network="private", wait=True,
                                timeout=30)
    assert floating_of(server) == [spare.floating_ip_address]
    assert [fip.id for fip in conn.list_floating_ips()] == [spare.id]
    assert conn.detach_ip_from_server(server.id, spare.id) is True
    assert floating_of(conn.get_server(server.id)) == []
    assert conn.get_floating_ip(spare.id).status == "DOWN"
    assert conn.delete_floating_ip(spare.id) is True
    assert conn.list_floating_ips() == []


def test_deleting_the_server_alone_leaves_the_ip_allocated_and_free(auth_url):
    conn = connect(auth_url)
    server = conn.create_server("keep", image="cirros", flavor="m1.tiny", network="private", wait=True,
                                timeout=30)
    [address] = floating_of(server)
    assert conn.delete_server(server.id, wait=True, timeout=30) is True
    [fip] = conn.list_floating_ips()
    assert (fip.floating_ip_address, fip.status, fip.port_id, fip.fixed_ip_address) == (
        address, "DOWN", None, None)
