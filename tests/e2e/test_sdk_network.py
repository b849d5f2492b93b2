"""openstacksdk and the ``openstack`` CLI creating Neutron networks, subnets and ports against a live fakenova,
and booting a server on a port they made."""
from __future__ import annotations

import json

import pytest
from support.cli import AVAILABLE, MISSING, credentials, run_cli

openstack = pytest.importorskip("openstack")


def run(auth_url: str, *args: str) -> str:
    """``openstack ARGS`` (the CLI, in-process) as the demo user: its stdout."""
    return run_cli(credentials(auth_url), *args)


def connect(auth_url: str, user: str = "demo", project: str = "demo"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=project,
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")


def test_sdk_network_subnet_port_lifecycle(auth_url):
    conn = connect(auth_url)
    net = conn.network.create_network(name="sdk-net")
    assert (net.name, net.status, net.is_admin_state_up, net.is_shared, net.mtu) == ("sdk-net", "ACTIVE", True,
                                                                                    False, 1450)
    subnet = conn.network.create_subnet(network_id=net.id, cidr="192.168.50.0/24", ip_version=4, name="sdk-sub")
    assert (subnet.gateway_ip, subnet.allocation_pools) == (
        "192.168.50.1", [{"start": "192.168.50.2", "end": "192.168.50.254"}])
    port = conn.network.create_port(network_id=net.id, name="sdk-port")
    assert port.fixed_ips == [{"subnet_id": subnet.id, "ip_address": "192.168.50.2"}]
    port = conn.network.update_port(port, name="renamed", fixed_ips=[{"ip_address": "192.168.50.9"}])
    assert (port.name, port.fixed_ips[0]["ip_address"], port.revision_number) == ("renamed", "192.168.50.9", 2)
    assert [p.id for p in conn.network.ports(network_id=net.id)] == [port.id]
    assert conn.network.find_network("sdk-net").id == net.id
    conn.network.set_tags(net, ["a", "b"])
    assert conn.network.get_network(net.id).tags == ["a", "b"]
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.delete_network(net)
    conn.network.delete_port(port)
    conn.network.delete_subnet(subnet)
    conn.network.delete_network(net)
    assert conn.network.find_network("sdk-net") is None
    assert conn.create_network("cloud-layer").name == "cloud-layer"  # the cloud layer's create_network


def test_sdk_server_on_a_users_port(auth_url):
    conn = connect(auth_url)
    private = conn.network.find_network("private")
    port = conn.network.create_port(network_id=private.id, name="for-server")
    server = conn.create_server("on-port", image="cirros", flavor="m1.tiny", nics=[{"port-id": port.id}],
                                wait=True, timeout=30, auto_ip=False)
    assert server.status == "ACTIVE"
    bound = conn.network.get_port(port.id)
    assert (bound.device_id, bound.device_owner, bound.status) == (server.id, "compute:nova", "ACTIVE")
    assert server.private_v4 == port.fixed_ips[0]["ip_address"]
    assert conn.delete_server(server.id, wait=True, timeout=30) is True
    kept = conn.network.get_port(port.id)
    assert (kept.device_id, kept.device_owner, kept.name) == ("", "", "for-server")


@pytest.mark.skipif(not AVAILABLE, reason=MISSING)
def test_cli_network_subnet_port_and_server(auth_url):
    net = json.loads(run(auth_url, "network", "create", "-f", "json", "cli-net"))
    assert (net["name"], net["status"], net["admin_state_up"]) == ("cli-net", "ACTIVE", True)
    subnet = json.loads(run(auth_url, "subnet", "create", "-f", "json", "--network", "cli-net",
                            "--subnet-range", "192.168.60.0/24", "cli-sub"))
    assert (subnet["cidr"], subnet["gateway_ip"]) == ("192.168.60.0/24", "192.168.60.1")
    port = json.loads(run(auth_url, "port", "create", "-f", "json", "--network", "cli-net", "cli-port"))
    assert port["fixed_ips"][0]["ip_address"] == "192.168.60.2"
    server = json.loads(run(auth_url, "server", "create", "-f", "json", "--flavor", "m1.tiny", "--image",
                            "cirros", "--port", "cli-port", "--wait", "cli-vm"))
    assert server["status"] == "ACTIVE" and server["addresses"] == {"cli-net": ["192.168.60.2"]}
    shown = json.loads(run(auth_url, "port", "show", "-f", "json", "cli-port"))
    assert shown["device_id"] == server["id"]
    run(auth_url, "server", "delete", "--wait", server["id"])
    run(auth_url, "port", "delete", "cli-port")
    run(auth_url, "subnet", "delete", "cli-sub")
    run(auth_url, "network", "delete", "cli-net")
    assert "cli-net" not in run(auth_url, "network", "list", "-f", "value", "-c", "Name")
