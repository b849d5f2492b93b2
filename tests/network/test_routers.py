"""Neutron routers: gateway, interfaces by subnet and port, their errors, RouterInUse, and floating IPs that
need a router between the port's subnet and the external network."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.neutron import neutron_error

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
PUBLIC, PUBLIC_SUBNET = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718", "9a5c1d7b-4e6f-4081-9c23-d4e5f6071829"
PRIVATE, PRIVATE_SUBNET = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6", "7e3a9b5f-2c4d-4e6f-9a01-b2c3d4e5f607"
ROUTER1 = "5c3f1a0e-7d2b-4e8f-9a61-0b2c4d6e8f10"
MISSING = "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"
N = "/network/v2.0"


def _router(client, **given: Any) -> Dict[str, Any]:
    response = client.post(f"{N}/routers", json={"router": {"name": "r", **given}}, headers=client.demo)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["router"]


def _network(client, cidr: str = "192.168.7.0/24") -> Dict[str, Any]:
    net = client.post(f"{N}/networks", json={"network": {"name": "n"}}, headers=client.demo).get_json()["network"]
    subnet = client.post(f"{N}/subnets", json={"subnet": {"network_id": net["id"], "cidr": cidr,
                                                          "ip_version": 4}}, headers=client.demo)
    assert subnet.status_code == 201
    return subnet.get_json()["subnet"]


def _put(client, router_id: str, action: str, body: Any, headers=None):
    return client.put(f"{N}/routers/{router_id}/{action}", json=body, headers=headers or client.demo)


def test_devstack_router1_joins_private_and_public(client):
    shown = client.get(f"{N}/routers/{ROUTER1}", headers=client.demo)
    assert shown.status_code == 200
    router = shown.get_json()["router"]
    assert router["name"] == "router1" and router["external_gateway_info"]["network_id"] == PUBLIC
    assert "distributed" not in router and "ha" not in router  # admin-only attributes
    ports = client.get(f"{N}/ports?device_id={ROUTER1}", headers=client.admin).get_json()["ports"]
    assert sorted(p["device_owner"] for p in ports) == ["network:router_gateway", "network:router_interface"]


def test_create_with_gateway_then_interfaces_then_delete(client):
    router = _router(client, external_gateway_info={"network_id": PUBLIC})
    gateway = router["external_gateway_info"]
    assert gateway["enable_snat"] is True and gateway["external_fixed_ips"][0]["subnet_id"] == PUBLIC_SUBNET
    subnet = _network(client)
    added = _put(client, router["id"], "add_router_interface", {"subnet_id": subnet["id"]})
    assert added.status_code == 200
    info = added.get_json()
    assert info["subnet_ids"] == [subnet["id"]] and info["network_id"] == subnet["network_id"]
    port = client.get(f"{N}/ports/{info['port_id']}", headers=client.demo).get_json()["port"]
    assert port["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "192.168.7.1"}]
    assert port["device_owner"] == "network:router_interface" and port["device_id"] == router["id"]
    in_use = client.delete(f"{N}/routers/{router['id']}", headers=client.demo)
    assert in_use.status_code == 409
    assert neutron_error(in_use) == (
        "RouterInUse", f"Router {router['id']} has ports still attached: {info['port_id']}")
    removed = _put(client, router["id"], "remove_router_interface", {"subnet_id": subnet["id"]})
    assert removed.status_code == 200 and removed.get_json()["port_id"] == info["port_id"]
    assert client.get(f"{N}/ports/{info['port_id']}", headers=client.demo).status_code == 404
    assert client.delete(f"{N}/routers/{router['id']}", headers=client.demo).status_code == 204
    assert client.get(f"{N}/ports?device_id={router['id']}", headers=client.admin).get_json()["ports"] == []


def test_interface_by_port(client):
    router = _router(client)
    subnet = _network(client)
    port = client.post(f"{N}/ports", json={"port": {"network_id": subnet["network_id"]}},
                       headers=client.demo).get_json()["port"]
    added = _put(client, router["id"], "add_router_interface", {"port_id": port["id"]})
    assert added.status_code == 200 and added.get_json()["port_id"] == port["id"]
    again = _put(client, router["id"], "add_router_interface", {"port_id": port["id"]})
    assert again.status_code == 409 and neutron_error(again)[0] == "PortInUse"
    mismatch = _put(client, router["id"], "remove_router_interface",
                    {"port_id": port["id"], "subnet_id": PRIVATE_SUBNET})
    assert mismatch.status_code == 400 and neutron_error(mismatch) == (
        "SubnetMismatchForPort", f"Subnet on port {port['id']} does not match the requested subnet "
                                 f"{PRIVATE_SUBNET}.")
    assert _put(client, router["id"], "remove_router_interface", {"port_id": port["id"]}).status_code == 200


INTERFACE_ERRORS = [
    ("add_router_interface", {}, 400, "BadRequest", "Bad router request: Either subnet_id or port_id must be "
                                                    "specified."),
    ("add_router_interface", {"subnet_id": MISSING, "port_id": MISSING}, 400, "BadRequest",
     "Bad router request: Cannot specify both subnet-id and port-id."),
    ("add_router_interface", {"subnet_id": "nope"}, 400, "BadRequest",
     "Bad router request: 'nope' is not a valid UUID."),
    ("add_router_interface", {"subnet_id": MISSING}, 404, "SubnetNotFound", f"Subnet {MISSING} could not be found."),
    ("add_router_interface", {"port_id": MISSING}, 404, "PortNotFound", f"Port {MISSING} could not be found."),
    ("remove_router_interface", {"port_id": MISSING}, 404, "RouterInterfaceNotFound", None),
    ("remove_router_interface", {"subnet_id": PRIVATE_SUBNET}, 404, "RouterInterfaceNotFoundForSubnet", None),
]


@pytest.mark.parametrize("action, body, code, kind, message", INTERFACE_ERRORS)
def test_interface_errors(client, action, body, code, kind, message):
    router = _router(client)
    response = _put(client, router["id"], action, body)
    assert response.status_code == code and neutron_error(response)[0] == kind
    if message:
        assert neutron_error(response)[1] == message


GATEWAY_ERRORS = [
    ({"network_id": PRIVATE}, 400, "BadRequest", f"Bad router request: Network {PRIVATE} is not an external "
                                                 "network."),
    ({"network_id": MISSING}, 404, "NetworkNotFound", f"Network {MISSING} could not be found."),
    ({"network_id": PUBLIC, "external_fixed_ips": [{"ip_address": "172.24.4.1"}]}, 403, "PolicyNotAuthorized",
     None),
]


@pytest.mark.parametrize("gateway, code, kind, message", GATEWAY_ERRORS)
def test_gateway_errors(client, gateway, code, kind, message):
    response = client.post(f"{N}/routers", json={"router": {"external_gateway_info": gateway}},
                           headers=client.demo)
    assert response.status_code == code and neutron_error(response)[0] == kind
    if message:
        assert neutron_error(response)[1] == message
    assert len(client.get(f"{N}/routers", headers=client.demo).get_json()["routers"]) == 1  # router1 only


def test_admin_sets_snat_and_a_fixed_gateway_address(client):
    response = client.post(f"{N}/routers", headers=client.admin, json={"router": {"external_gateway_info": {
        "network_id": PUBLIC, "enable_snat": False, "external_fixed_ips": [{"ip_address": "172.24.4.77"}]}}})
    assert response.status_code == 201
    gateway = response.get_json()["router"]["external_gateway_info"]
    assert gateway == {"network_id": PUBLIC, "enable_snat": False,
                       "external_fixed_ips": [{"subnet_id": PUBLIC_SUBNET, "ip_address": "172.24.4.77"}]}
    same = client.post(f"{N}/routers", headers=client.admin, json={"router": {"external_gateway_info": {
        "network_id": PUBLIC, "external_fixed_ips": [{"ip_address": "172.24.4.1"}]}}})
    assert same.status_code == 400
    assert neutron_error(same)[1] == "Bad router request: External IP 172.24.4.1 is the same as the gateway IP."


def test_other_projects_do_not_see_the_router(client):
    router = _router(client)
    assert client.get(f"{N}/routers/{router['id']}", headers=client.alt).status_code == 404
    hidden = _put(client, router["id"], "add_router_interface", {"subnet_id": PRIVATE_SUBNET}, client.alt)
    assert hidden.status_code == 404 and neutron_error(hidden)[0] == "RouterNotFound"


def test_router_quota(client):
    client.put(f"{N}/quotas/{DEMO}", json={"quota": {"router": 1}}, headers=client.admin)
    over = client.post(f"{N}/routers", json={"router": {}}, headers=client.demo)
    assert over.status_code == 409 and neutron_error(over) == ("OverQuota", "Quota exceeded for resources: ['router'].")


def test_a_floating_ip_needs_a_router_to_the_ports_subnet(client):
    subnet = _network(client, "192.168.9.0/24")
    port = client.post(f"{N}/ports", json={"port": {"network_id": subnet["network_id"]}},
                       headers=client.demo).get_json()["port"]
    body = {"floatingip": {"floating_network_id": PUBLIC, "port_id": port["id"]}}
    refused = client.post(f"{N}/floatingips", json=body, headers=client.demo)
    assert refused.status_code == 404 and neutron_error(refused) == (
        "ExternalGatewayForFloatingIPNotFound",
        f"External network {PUBLIC} is not reachable from subnet {subnet['id']}.  Therefore, cannot associate "
        f"Port {port['id']} with a Floating IP.")
    router = _router(client, external_gateway_info={"network_id": PUBLIC})
    assert _put(client, router["id"], "add_router_interface", {"subnet_id": subnet["id"]}).status_code == 200
    made = client.post(f"{N}/floatingips", json=body, headers=client.demo)
    assert made.status_code == 201
    fip = made.get_json()["floatingip"]
    assert fip["router_id"] == router["id"] and fip["port_id"] == port["id"]
    blocked = _put(client, router["id"], "remove_router_interface", {"subnet_id": subnet["id"]})
    assert blocked.status_code == 409 and neutron_error(blocked)[0] == "RouterInterfaceInUseByFloatingIP"
    moved = client.put(f"{N}/routers/{router['id']}", json={"router": {"external_gateway_info": {}}},
                       headers=client.demo)
    assert moved.status_code == 409 and neutron_error(moved)[0] == "RouterExternalGatewayInUseByFloatingIp"


def test_availability_zones(client):
    response = client.get(f"{N}/availability_zones?resource=router", headers=client.demo)
    assert response.status_code == 200
    assert response.get_json() == {"availability_zones": [{"name": "nova", "resource": "router",
                                                           "state": "available"}]}


def test_a_floating_ip_whose_port_is_gone_does_not_hold_the_router(client):
    subnet = _network(client, "192.168.11.0/24")
    router = _router(client, external_gateway_info={"network_id": PUBLIC})
    _put(client, router["id"], "add_router_interface", {"subnet_id": subnet["id"]})
    port = client.post(f"{N}/ports", json={"port": {"network_id": subnet["network_id"]}},
                       headers=client.demo).get_json()["port"]
    fip = client.post(f"{N}/floatingips", json={"floatingip": {"floating_network_id": PUBLIC, "port_id": port["id"]}},
                      headers=client.demo).get_json()["floatingip"]
    assert client.delete(f"{N}/ports/{port['id']}", headers=client.demo).status_code == 204
    shown = client.get(f"{N}/floatingips/{fip['id']}", headers=client.demo).get_json()["floatingip"]
    assert (shown["port_id"], shown["router_id"], shown["status"]) == (None, None, "DOWN")
    _put(client, router["id"], "remove_router_interface", {"subnet_id": subnet["id"]})
    assert client.delete(f"{N}/routers/{router['id']}", headers=client.demo).status_code == 204


def test_network_ip_availability_is_for_admins(client):
    response = client.get(f"{N}/network-ip-availabilities/{PRIVATE}", headers=client.admin)
    assert response.status_code == 200
    body = response.get_json()["network_ip_availability"]
    (subnet,) = body["subnet_ip_availability"]
    assert (body["network_name"], subnet["cidr"], subnet["total_ips"]) == ("private", "10.0.0.0/26", 61)
    assert subnet["used_ips"] == body["used_ips"] >= 1  # router1's interface
    assert client.get(f"{N}/network-ip-availabilities", headers=client.demo).get_json() == {
        "network_ip_availabilities": []}
    hidden = client.get(f"{N}/network-ip-availabilities/{PRIVATE}", headers=client.demo)
    assert hidden.status_code == 404 and neutron_error(hidden)[0] == "HTTPNotFound"
    missing = client.get(f"{N}/network-ip-availabilities/{MISSING}", headers=client.admin)
    assert missing.status_code == 404
    assert neutron_error(missing) == ("NetworkNotFound", f"Network {MISSING} could not be found.")
