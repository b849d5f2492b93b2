"""openstacksdk and the ``openstack`` CLI on routers, security groups and floating IPs through a router,
against a live fakenova."""
from __future__ import annotations

import json

import pytest
from support.cli import AVAILABLE, MISSING
from test_sdk_network import connect, run

openstack = pytest.importorskip("openstack")

PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"


def test_sdk_security_group_and_rules(auth_url):
    conn = connect(auth_url)
    group = conn.network.create_security_group(name="sdk-web", description="web")
    assert sorted((r["direction"], r["ethertype"]) for r in group.security_group_rules) == [
        ("egress", "IPv4"), ("egress", "IPv6")]
    rule = conn.network.create_security_group_rule(security_group_id=group.id, direction="ingress",
                                                   protocol="tcp", port_range_min=22, port_range_max=22,
                                                   remote_ip_prefix="10.0.0.0/8")
    assert (rule.protocol, rule.port_range_min, rule.remote_ip_prefix, rule.ether_type) == (
        "tcp", 22, "10.0.0.0/8", "IPv4")
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.create_security_group_rule(security_group_id=group.id, direction="ingress", protocol="6",
                                                port_range_min=22, port_range_max=22,
                                                remote_ip_prefix="10.0.0.0/8")
    with pytest.raises(openstack.exceptions.BadRequestException):
        conn.network.create_security_group_rule(security_group_id=group.id, direction="ingress",
                                                protocol="tcp", port_range_min=30, port_range_max=20)
    assert conn.network.find_security_group("default") is not None
    conn.network.delete_security_group_rule(rule)
    conn.network.delete_security_group(group)
    assert conn.network.find_security_group("sdk-web") is None


def test_sdk_router_interface_and_floating_ip(auth_url):
    conn = connect(auth_url)
    net = conn.network.create_network(name="sdk-l3-net")
    subnet = conn.network.create_subnet(network_id=net.id, cidr="192.168.70.0/24", ip_version=4)
    router = conn.network.create_router(name="sdk-router", external_gateway_info={"network_id": PUBLIC})
    assert router.external_gateway_info["network_id"] == PUBLIC and router.status == "ACTIVE"
    info = conn.network.add_interface_to_router(router, subnet=subnet.id)
    assert info["subnet_id"] == subnet.id
    server = conn.create_server("fip-vm", image="cirros", flavor="m1.tiny", network=net.id, wait=True,
                                timeout=30, auto_ip=False)
    port = next(conn.network.ports(device_id=server.id))
    fip = conn.network.create_ip(floating_network_id=PUBLIC, port_id=port.id)
    assert (fip.router_id, fip.port_id, fip.status) == (router.id, port.id, "ACTIVE")
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.delete_router(router)
    conn.network.delete_ip(fip)
    assert conn.delete_server(server.id, wait=True, timeout=30) is True
    conn.network.remove_interface_from_router(router, subnet=subnet.id)
    conn.network.delete_router(router)
    assert conn.network.find_router("sdk-router") is None


@pytest.mark.skipif(not AVAILABLE, reason=MISSING)
def test_cli_security_group_rule_router_and_subnet(auth_url):
    group = json.loads(run(auth_url, "security", "group", "create", "-f", "json", "cli-sg"))
    assert group["name"] == "cli-sg"
    rule = json.loads(run(auth_url, "security", "group", "rule", "create", "-f", "json", "--protocol", "tcp",
                          "--dst-port", "80:81", "--remote-ip", "192.0.2.0/24", "cli-sg"))
    assert (rule["port_range_min"], rule["port_range_max"], rule["remote_ip_prefix"]) == (
        80, 81, "192.0.2.0/24")
    run(auth_url, "network", "create", "cli-l3-net")
    run(auth_url, "subnet", "create", "--network", "cli-l3-net", "--subnet-range", "192.168.80.0/24", "cli-l3-sub")
    router = json.loads(run(auth_url, "router", "create", "-f", "json", "cli-router"))
    assert router["name"] == "cli-router"
    run(auth_url, "router", "add", "subnet", "cli-router", "cli-l3-sub")
    ports = json.loads(run(auth_url, "port", "list", "-f", "json", "--router", "cli-router"))
    assert [p["Fixed IP Addresses"][0]["ip_address"] for p in ports] == ["192.168.80.1"]
    run(auth_url, "router", "remove", "subnet", "cli-router", "cli-l3-sub")
    run(auth_url, "router", "delete", "cli-router")
    run(auth_url, "security", "group", "delete", "cli-sg")
