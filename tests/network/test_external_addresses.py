"""Every holder of an address on the external network (a port, a router's gateway, a floating IP) goes through
one allocation record, so none is handed an address another already holds (tempest's shared ``public``)."""
from __future__ import annotations

from typing import Any, Dict

import pytest

PUBLIC, PUBLIC_SUBNET = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718", "9a5c1d7b-4e6f-4081-9c23-d4e5f6071829"
N = "/network/v2.0"


def _created(response, key: str) -> Dict[str, Any]:
    assert response.status_code == 201, response.get_json()
    assert response.headers["Content-Type"] == "application/json"
    return response.get_json()[key]


def _port(client) -> str:
    body = {"port": {"network_id": PUBLIC}}
    port = _created(client.post(f"{N}/ports", json=body, headers=client.admin), "port")
    return port["fixed_ips"][0]["ip_address"]


def _router(client) -> str:
    body = {"router": {"name": "r", "external_gateway_info": {"network_id": PUBLIC}}}
    router = _created(client.post(f"{N}/routers", json=body, headers=client.admin), "router")
    return router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]


def _fip(client) -> str:
    body = {"floatingip": {"floating_network_id": PUBLIC}}
    return _created(client.post(f"{N}/floatingips", json=body, headers=client.demo), "floatingip")[
        "floating_ip_address"]


HOLDERS = {"port": _port, "router": _router, "floatingip": _fip}


@pytest.mark.parametrize("first", sorted(HOLDERS))
@pytest.mark.parametrize("second", sorted(HOLDERS))
def test_holders_of_external_addresses_never_share_one(client, first, second):
    one = HOLDERS[first](client)
    two = HOLDERS[second](client)
    assert one != two
    assert {one, two} <= {f"172.24.4.{n}" for n in range(2, 255)}


def test_a_deleted_floating_ips_address_is_free_again_for_a_port(client):
    body = {"floatingip": {"floating_network_id": PUBLIC}}
    fip = _created(client.post(f"{N}/floatingips", json=body, headers=client.demo), "floatingip")
    address = fip["floating_ip_address"]
    wanted = {"port": {"network_id": PUBLIC, "fixed_ips": [{"subnet_id": PUBLIC_SUBNET, "ip_address": address}]}}
    taken = client.post(f"{N}/ports", json=wanted, headers=client.admin)
    assert taken.status_code == 409
    assert taken.get_json()["NeutronError"]["type"] == "IpAddressAlreadyAllocated"
    assert client.delete(f"{N}/floatingips/{fip['id']}", headers=client.demo).status_code == 204
    port = _created(client.post(f"{N}/ports", json=wanted, headers=client.admin), "port")
    assert port["fixed_ips"] == [{"subnet_id": PUBLIC_SUBNET, "ip_address": address}]


@pytest.mark.parametrize("network, external", [(PUBLIC, True), ("6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6", False)])
def test_subnets_say_whether_their_network_is_external(client, network, external):
    """The ``subnet-external-network`` extension: a reader outside the owning project sees public's subnets
    (``rule:external_network`` of ``get_subnet``) and each subnet carries its network's ``router:external``."""
    listed = client.get(f"{N}/subnets?network_id={network}", headers=client.demo)
    assert listed.status_code == 200
    subnets = listed.get_json()["subnets"]
    assert subnets and all(subnet["router:external"] is external for subnet in subnets)
    filtered = client.get(f"{N}/subnets?router:external={external}", headers=client.demo).get_json()["subnets"]
    assert {subnet["id"] for subnet in subnets} <= {subnet["id"] for subnet in filtered}
    assert all(subnet["router:external"] is external for subnet in filtered)
    aliases = [ext["alias"] for ext in client.get(f"{N}/extensions", headers=client.demo).get_json()["extensions"]]
    assert "subnet-external-network" in aliases


def test_a_router_gateway_takes_a_wanted_address_on_an_ipv6_external_subnet(client):
    body = {"network": {"name": "ext6", "router:external": True}}
    network = _created(client.post(f"{N}/networks", json=body, headers=client.admin), "network")
    body = {"subnet": {"network_id": network["id"], "ip_version": 6, "cidr": "2001:db8:77::/64"}}
    subnet = _created(client.post(f"{N}/subnets", json=body, headers=client.admin), "subnet")
    fixed = [{"subnet_id": subnet["id"], "ip_address": "2001:db8:77::10"}]
    body = {"router": {"name": "r6", "external_gateway_info": {"network_id": network["id"],
                                                               "external_fixed_ips": fixed}}}
    router = _created(client.post(f"{N}/routers", json=body, headers=client.admin), "router")
    assert router["external_gateway_info"]["external_fixed_ips"] == fixed
    taken = client.post(f"{N}/ports", json={"port": {"network_id": network["id"], "fixed_ips": fixed}},
                        headers=client.admin)
    assert taken.status_code == 409
    assert taken.get_json()["NeutronError"]["type"] == "IpAddressAlreadyAllocated"


def _external_with_fip(client):
    net = _created(client.post(f"{N}/networks", json={"network": {"router:external": True}},
                               headers=client.admin), "network")
    subnet = _created(client.post(f"{N}/subnets", json={"subnet": {
        "network_id": net["id"], "cidr": "10.99.0.0/24", "ip_version": 4, "enable_dhcp": False}},
        headers=client.admin), "subnet")
    fip = _created(client.post(f"{N}/floatingips", json={"floatingip": {"floating_network_id": net["id"]}},
                               headers=client.admin), "floatingip")
    return net, subnet, fip


def test_deleting_an_external_network_takes_its_unassociated_floating_ips(client):
    net, subnet, fip = _external_with_fip(client)
    listed = client.get(f"{N}/floatingips?floating_network_id={net['id']}", headers=client.admin).get_json()
    assert [f["id"] for f in listed["floatingips"]] == [fip["id"]]
    deleted = client.delete(f"{N}/networks/{net['id']}", headers=client.admin)
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.get(f"{N}/floatingips/{fip['id']}", headers=client.admin).status_code == 404
    assert fip["id"] not in [f["id"] for f in client.get(f"{N}/floatingips", headers=client.admin)
                             .get_json()["floatingips"]]
    assert client.get(f"{N}/subnets/{subnet['id']}", headers=client.admin).status_code == 404


def test_a_refused_external_network_delete_has_released_its_floating_ips_first(client):
    net, _, fip = _external_with_fip(client)
    port = _created(client.post(f"{N}/ports", json={"port": {"network_id": net["id"]}}, headers=client.admin),
                    "port")
    refused = client.delete(f"{N}/networks/{net['id']}", headers=client.admin)
    assert refused.status_code == 409 and refused.get_json()["NeutronError"]["message"] == (
        f"Unable to complete operation on network {net['id']}. There are one or more ports still in use on the "
        f"network, id for these ports is: {port['id']}.")
    # Neutron deletes the disassociated floating IPs on the network's BEFORE_DELETE, before its in-use check
    assert client.get(f"{N}/floatingips/{fip['id']}", headers=client.admin).status_code == 404


def test_sdk_delete_external_network_with_floating_ip(live_server):
    openstack = pytest.importorskip("openstack")
    from support.apps import control

    control(live_server.app).reset()
    conn = openstack.connect(auth_url=f"{live_server.url}/identity", username="admin", password="admin",
                             project_name="admin", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")
    net = conn.network.create_network(is_router_external=True)
    conn.network.create_subnet(network_id=net.id, cidr="10.98.0.0/24", ip_version=4, is_dhcp_enabled=False)
    fip = conn.network.create_ip(floating_network_id=net.id)
    assert [f.id for f in conn.network.ips(floating_network_id=net.id)] == [fip.id]
    conn.network.delete_network(net)
    assert conn.network.find_ip(fip.id) is None and list(conn.network.subnets(network_id=net.id)) == []
