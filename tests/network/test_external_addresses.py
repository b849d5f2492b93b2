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
