"""Neutron floating IPs at ``/network/v2.0/floatingips`` and how Nova's ``addresses`` follows them.

Covers allocation (next free address, requested address, exhaustion), list filters and ``fields``,
association with a server's port (and its mirror in the server body), disassociation, release, Neutron's
conflicts and body errors, visibility per project and role, and a FIP whose server was deleted.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

import pytest
from support.apps import fresh_app
from support.tokens import issue_token

from fakenova.domain.floating_ips import ROUTER_ID

CIRROS = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE_NET = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PRIVATE_SUBNET = "7e3a9b5f-2c4d-4e6f-9a01-b2c3d4e5f607"
PUBLIC_NET = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
PUBLIC_SUBNET = "9a5c1d7b-4e6f-4081-9c23-d4e5f6071829"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
MISSING = "00000000-0000-4000-8000-000000000000"
TINY_NET = "11111111-2222-4333-8444-555555555555"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FIPS = "/network/v2.0/floatingips"

FIP_KEYS = {"id", "tenant_id", "project_id", "floating_ip_address", "floating_network_id", "router_id",
            "port_id", "fixed_ip_address", "status", "description", "dns_domain", "dns_name", "port_details",
            "qos_policy_id", "tags", "created_at", "updated_at", "revision_number"}


@pytest.fixture
def app():
    return fresh_app(seed=5)


@pytest.fixture
def manager(app):
    """demo's manager: choosing a floating IP's address is ADMIN_OR_PROJECT_MANAGER in Neutron."""
    return issue_token(app, "demo_manager", "demo")


# --- helpers --------------------------------------------------------------------------------------------


def call(client, method: str, path: str, token: str, body: Any = None):
    return client.open(path, method=method, json=body, headers={"X-Auth-Token": token})


def allocate(client, token: str, **attrs: Any) -> Dict[str, Any]:
    response = call(client, "POST", FIPS, token, {"floatingip": {"floating_network_id": PUBLIC_NET, **attrs}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["floatingip"]


def associate(client, token: str, fip_id: str, port_id: Optional[str]) -> Dict[str, Any]:
    response = call(client, "PUT", f"{FIPS}/{fip_id}", token, {"floatingip": {"port_id": port_id}})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["floatingip"]


def boot(client, token: str, networks: Any = "auto") -> str:
    """An ACTIVE server (read until it is, as clients poll)."""
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": CIRROS, "networks": networks}}
    headers = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.37"}
    response = client.post("/compute/v2.1/servers", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    server_id = response.get_json()["server"]["id"]
    for _ in range(10):
        if server_body(client, token, server_id)["status"] == "ACTIVE":
            return server_id
    raise AssertionError("server never became ACTIVE")


def server_body(client, token: str, server_id: str) -> Dict[str, Any]:
    return call(client, "GET", f"/compute/v2.1/servers/{server_id}", token).get_json()["server"]


def port_of(client, token: str, server_id: str) -> Dict[str, Any]:
    ports = call(client, "GET", f"/network/v2.0/ports?device_id={server_id}", token).get_json()["ports"]
    assert len(ports) == 1
    return ports[0]


def neutron_error(response, status: int, kind: str, message: str) -> None:
    assert response.status_code == status, response.get_json()
    assert response.get_json() == {"NeutronError": {"type": kind, "message": message, "detail": ""}}


def ids(response) -> list:
    return [item["id"] for item in response.get_json()["floatingips"]]


# --- allocation -----------------------------------------------------------------------------------------


def test_allocate_shape_and_next_free_address(client, demo, manager):
    fip = allocate(client, demo, description="web")
    assert set(fip) == FIP_KEYS
    assert (fip["floating_ip_address"], fip["floating_network_id"], fip["status"]) == (
        "172.24.4.2", PUBLIC_NET, "DOWN")
    assert fip["port_id"] is fip["fixed_ip_address"] is fip["router_id"] is fip["port_details"] is None
    assert fip["project_id"] == fip["tenant_id"] == DEMO_PROJECT
    assert (fip["description"], fip["dns_domain"], fip["dns_name"], fip["tags"]) == ("web", "", "", [])
    assert fip["qos_policy_id"] is None and fip["revision_number"] == 0
    assert STAMP.match(fip["created_at"]) and fip["updated_at"] == fip["created_at"]
    assert call(client, "GET", f"{FIPS}/{fip['id']}", demo).get_json() == {"floatingip": fip}
    assert allocate(client, demo)["floating_ip_address"] == "172.24.4.3"
    assert allocate(client, manager, floating_ip_address="172.24.4.50")["floating_ip_address"] == "172.24.4.50"


def test_allocation_skips_addresses_of_servers_on_the_external_network(client, admin):
    server = boot(client, admin, [{"uuid": PUBLIC_NET}])
    assert port_of(client, admin, server)["fixed_ips"][0]["ip_address"] == "172.24.4.2"
    assert allocate(client, admin)["floating_ip_address"] == "172.24.4.3"


def test_exhaustion_is_neutrons_409(client, store, demo):
    # A /29 external network: hosts .1-.6, the gateway takes .1, so five floating IPs fit.
    store.put("subnet", "tiny-subnet", {"id": "tiny-subnet", "name": "tiny", "network_id": TINY_NET,
                                        "cidr": "198.51.100.0/29", "gateway_ip": "198.51.100.1", "ip_version": 4,
                                        "project_id": "admin", "enable_dhcp": False, "dns_nameservers": [],
                                        "host_routes": []})
    store.put("network", TINY_NET, {"id": TINY_NET, "name": "tiny", "project_id": "admin", "shared": False,
                                    "external": True, "status": "ACTIVE", "admin_state_up": True, "mtu": 1500,
                                    "subnets": ["tiny-subnet"]})
    addresses = [allocate(client, demo, floating_network_id=TINY_NET)["floating_ip_address"] for _ in range(5)]
    assert addresses == [f"198.51.100.{host}" for host in range(2, 7)]
    response = call(client, "POST", FIPS, demo, {"floatingip": {"floating_network_id": TINY_NET}})
    neutron_error(response, 409, "IpAddressGenerationFailure",
                  f"No more IP addresses available on network {TINY_NET}.")


@pytest.mark.parametrize("address, status, kind, message", [
    ("172.24.4.2", 409, "IpAddressAlreadyAllocated", f"IP address 172.24.4.2 already allocated in subnet "
                                                     f"{PUBLIC_SUBNET}"),
    ("172.24.4.1", 409, "IpAddressAlreadyAllocated", f"IP address 172.24.4.1 already allocated in subnet "
                                                     f"{PUBLIC_SUBNET}"),
    ("10.9.9.9", 400, "InvalidIpForNetwork", "IP address 10.9.9.9 is not a valid IP for any of the subnets on "
                                             "the specified network."),
    ("172.24.4.255", 400, "InvalidIpForNetwork", "IP address 172.24.4.255 is not a valid IP for any of the "
                                                 "subnets on the specified network."),
])
def test_requested_address_conflicts(client, demo, manager, address, status, kind, message):
    allocate(client, demo)
    response = call(client, "POST", FIPS, manager,
                    {"floatingip": {"floating_network_id": PUBLIC_NET, "floating_ip_address": address}})
    neutron_error(response, status, kind, message)


def test_floating_network_must_be_external_and_visible(client, demo):
    response = call(client, "POST", FIPS, demo, {"floatingip": {"floating_network_id": PRIVATE_NET}})
    neutron_error(response, 400, "BadRequest",
                  f"Bad floatingip request: Network {PRIVATE_NET} is not a valid external network.")
    response = call(client, "POST", FIPS, demo, {"floatingip": {"floating_network_id": MISSING}})
    neutron_error(response, 404, "NetworkNotFound", f"Network {MISSING} could not be found.")


# --- listing --------------------------------------------------------------------------------------------


def test_list_filters_and_fields(client, demo):
    assert call(client, "GET", f"{FIPS}?floating_network_id={PUBLIC_NET}", demo).get_json() == {"floatingips": []}
    first, second = allocate(client, demo, description="a"), allocate(client, demo, description="b")
    assert ids(call(client, "GET", FIPS, demo)) == [first["id"], second["id"]]
    assert ids(call(client, "GET", f"{FIPS}?floating_ip_address=172.24.4.3", demo)) == [second["id"]]
    both = call(client, "GET", f"{FIPS}?id={first['id']}&id={second['id']}&status=DOWN", demo)
    assert ids(both) == [first["id"], second["id"]]
    assert ids(call(client, "GET", f"{FIPS}?description=a&tenant_id={DEMO_PROJECT}", demo)) == [first["id"]]
    assert ids(call(client, "GET", f"{FIPS}?status=ACTIVE", demo)) == []
    projected = call(client, "GET", f"{FIPS}?description=b&fields=id&fields=floating_ip_address", demo)
    assert projected.get_json() == {"floatingips": [{"id": second["id"], "floating_ip_address": "172.24.4.3"}]}
    shown = call(client, "GET", f"{FIPS}/{first['id']}?fields=status", demo).get_json()
    assert shown == {"floatingip": {"status": "DOWN"}}
    neutron_error(call(client, "GET", f"{FIPS}?colour=red", demo), 400, "HTTPBadRequest",
                  "[colour] is invalid attribute for filtering")


def test_member_sees_own_admin_sees_all(client, demo, alt, admin):
    mine = allocate(client, demo)
    assert call(client, "GET", FIPS, alt).get_json() == {"floatingips": []}
    missing = f"Floating IP {mine['id']} could not be found"
    neutron_error(call(client, "GET", f"{FIPS}/{mine['id']}", alt), 404, "FloatingIPNotFound", missing)
    neutron_error(call(client, "PUT", f"{FIPS}/{mine['id']}", alt, {"floatingip": {"description": "x"}}),
                  404, "FloatingIPNotFound", missing)
    neutron_error(call(client, "DELETE", f"{FIPS}/{mine['id']}", alt), 404, "FloatingIPNotFound", missing)
    assert ids(call(client, "GET", FIPS, admin)) == [mine["id"]]
    for_demo = allocate(client, admin, project_id=DEMO_PROJECT)
    assert for_demo["tenant_id"] == DEMO_PROJECT
    assert ids(call(client, "GET", FIPS, demo)) == [mine["id"], for_demo["id"]]
    response = call(client, "POST", FIPS, alt, {"floatingip": {"floating_network_id": PUBLIC_NET,
                                                               "tenant_id": DEMO_PROJECT}})
    neutron_error(response, 400, "HTTPBadRequest", "Specifying 'project_id' or 'tenant_id' other than the "
                                                   "authenticated project in request requires admin privileges")


# --- association ----------------------------------------------------------------------------------------


def test_associate_shows_in_server_addresses(client, demo):
    server = boot(client, demo)
    port = port_of(client, demo, server)
    fip = associate(client, demo, allocate(client, demo)["id"], port["id"])
    assert (fip["port_id"], fip["fixed_ip_address"], fip["status"], fip["router_id"]) == (
        port["id"], "10.0.0.2", "ACTIVE", ROUTER_ID)
    assert fip["port_details"] == {"name": "", "network_id": PRIVATE_NET, "mac_address": port["mac_address"],
                                   "admin_state_up": True, "status": "ACTIVE", "device_id": server,
                                   "device_owner": "compute:nova"}
    assert fip["revision_number"] == 1
    mac = port["mac_address"]
    assert server_body(client, demo, server)["addresses"] == {"private": [
        {"version": 4, "addr": "10.0.0.2", "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": mac},
        {"version": 4, "addr": "172.24.4.2", "OS-EXT-IPS:type": "floating", "OS-EXT-IPS-MAC:mac_addr": mac}]}
    detail = call(client, "GET", "/compute/v2.1/servers/detail", demo).get_json()["servers"]
    assert detail[0]["addresses"]["private"][1]["addr"] == "172.24.4.2"
    renamed = call(client, "PUT", f"/compute/v2.1/servers/{server}", demo, {"server": {"name": "x"}})
    assert renamed.get_json()["server"]["addresses"] == {"private": [{"version": 4, "addr": "10.0.0.2"},
                                                                     {"version": 4, "addr": "172.24.4.2"}]}
    assert ids(call(client, "GET", f"{FIPS}?port_id={port['id']}", demo)) == [fip["id"]]


def test_create_with_port_associates_at_once(client, demo):
    server = boot(client, demo)
    port = port_of(client, demo, server)
    fip = allocate(client, demo, port_id=port["id"], fixed_ip_address="10.0.0.2")
    assert (fip["status"], fip["port_id"], fip["fixed_ip_address"]) == ("ACTIVE", port["id"], "10.0.0.2")
    assert [a["addr"] for a in server_body(client, demo, server)["addresses"]["private"]] == [
        "10.0.0.2", "172.24.4.2"]


def test_disassociate_keep_and_release(client, demo):
    server = boot(client, demo)
    port = port_of(client, demo, server)
    fip = associate(client, demo, allocate(client, demo)["id"], port["id"])
    kept = call(client, "PUT", f"{FIPS}/{fip['id']}", demo, {"floatingip": {"description": "kept"}}).get_json()
    assert (kept["floatingip"]["port_id"], kept["floatingip"]["description"]) == (port["id"], "kept")
    loose = associate(client, demo, fip["id"], None)
    assert (loose["port_id"], loose["fixed_ip_address"], loose["status"], loose["router_id"]) == (
        None, None, "DOWN", None)
    assert loose["port_details"] is None and loose["revision_number"] == 3
    assert [a["addr"] for a in server_body(client, demo, server)["addresses"]["private"]] == ["10.0.0.2"]
    associate(client, demo, fip["id"], port["id"])
    response = call(client, "DELETE", f"{FIPS}/{fip['id']}", demo)
    assert response.status_code == 204 and response.data == b""
    assert [a["addr"] for a in server_body(client, demo, server)["addresses"]["private"]] == ["10.0.0.2"]
    neutron_error(call(client, "GET", f"{FIPS}/{fip['id']}", demo), 404, "FloatingIPNotFound",
                  f"Floating IP {fip['id']} could not be found")
    assert allocate(client, demo)["floating_ip_address"] == "172.24.4.2"  # released addresses are reused


def test_reassociation_moves_the_address_between_servers(client, demo):
    first, second = boot(client, demo), boot(client, demo)
    fip = associate(client, demo, allocate(client, demo)["id"], port_of(client, demo, first)["id"])
    associate(client, demo, fip["id"], port_of(client, demo, second)["id"])
    assert len(server_body(client, demo, first)["addresses"]["private"]) == 1
    assert server_body(client, demo, second)["addresses"]["private"][1]["addr"] == fip["floating_ip_address"]


def test_port_already_associated_is_409(client, demo):
    port = port_of(client, demo, boot(client, demo))
    first = associate(client, demo, allocate(client, demo)["id"], port["id"])
    second = allocate(client, demo)
    response = call(client, "PUT", f"{FIPS}/{second['id']}", demo, {"floatingip": {"port_id": port["id"]}})
    neutron_error(response, 409, "FloatingIPPortAlreadyAssociated",
                  f"Cannot associate floating IP 172.24.4.3 ({second['id']}) with port {port['id']} using fixed "
                  f"IP 10.0.0.2, as that fixed IP already has a floating IP on external network {PUBLIC_NET}.")
    assert associate(client, demo, first["id"], port["id"])["status"] == "ACTIVE"  # unchanged is fine


def test_port_checks(client, demo, alt, admin):
    port = port_of(client, demo, boot(client, demo))
    fip = allocate(client, demo)
    path = f"{FIPS}/{fip['id']}"
    neutron_error(call(client, "PUT", path, demo, {"floatingip": {"port_id": MISSING}}),
                  404, "PortNotFound", f"Port {MISSING} could not be found.")
    alt_fip = allocate(client, alt)
    neutron_error(call(client, "PUT", f"{FIPS}/{alt_fip['id']}", alt, {"floatingip": {"port_id": port["id"]}}),
                  404, "PortNotFound", f"Port {port['id']} could not be found.")
    neutron_error(call(client, "PUT", path, demo, {"floatingip": {"port_id": port["id"],
                                                                  "fixed_ip_address": "10.0.0.9"}}),
                  400, "BadRequest", f"Bad floatingip request: Port {port['id']} does not have fixed ip 10.0.0.9.")
    neutron_error(call(client, "PUT", path, demo, {"floatingip": {"fixed_ip_address": "10.0.0.2"}}),
                  400, "BadRequest", "Bad floatingip request: fixed_ip_address cannot be specified without a "
                                     "port_id.")
    public_port = port_of(client, admin, boot(client, admin, [{"uuid": PUBLIC_NET}]))
    admin_fip = allocate(client, admin)
    response = call(client, "PUT", f"{FIPS}/{admin_fip['id']}", admin, {"floatingip": {"port_id": public_port["id"]}})
    neutron_error(response, 404, "ExternalGatewayForFloatingIPNotFound",
                  f"External network {PUBLIC_NET} is not reachable from subnet {PUBLIC_SUBNET}.  Therefore, "
                  f"cannot associate Port {public_port['id']} with a Floating IP.")


def test_admin_may_associate_across_projects(client, demo, admin):
    port = port_of(client, demo, boot(client, demo))
    fip = associate(client, admin, allocate(client, admin)["id"], port["id"])
    assert fip["status"] == "ACTIVE"
    assert server_body(client, demo, port["device_id"])["addresses"]["private"][1]["addr"] == fip[
        "floating_ip_address"]


def test_deleted_server_leaves_the_fip_disassociated(client, demo):
    server = boot(client, demo)
    fip = associate(client, demo, allocate(client, demo)["id"], port_of(client, demo, server)["id"])
    assert call(client, "DELETE", f"/compute/v2.1/servers/{server}", demo).status_code == 204
    call(client, "GET", f"/compute/v2.1/servers/{server}", demo)  # a read completes the delete
    shown = call(client, "GET", f"{FIPS}/{fip['id']}", demo).get_json()["floatingip"]
    assert (shown["port_id"], shown["fixed_ip_address"], shown["status"], shown["router_id"],
            shown["port_details"]) == (None, None, "DOWN", None, None)
    assert ids(call(client, "GET", f"{FIPS}?status=DOWN", demo)) == [fip["id"]]
    other = boot(client, demo)
    moved = associate(client, demo, fip["id"], port_of(client, demo, other)["id"])
    assert moved["status"] == "ACTIVE" and moved["port_details"]["device_id"] == other


# --- bodies ---------------------------------------------------------------------------------------------

POST_ERRORS = [
    (None, "Resource body required"),
    ([1], "Body contains invalid data"),
    ({"floatingips": [{}]}, "Bulk operation not supported"),
    ({"server": {}}, "Unable to find 'floatingip' in request body"),
    ({"floatingip": [1]}, "Object 'floatingip' contains invalid data"),
    ({"floatingip": {}}, "Failed to parse request. Required attribute 'floating_network_id' not specified"),
    ({"floatingip": {"floating_network_id": PUBLIC_NET, "colour": "red"}}, "Unrecognized attribute(s) 'colour'"),
    ({"floatingip": {"floating_network_id": PUBLIC_NET, "status": "ACTIVE"}}, "Attribute 'status' not allowed in "
                                                                              "POST"),
    ({"floatingip": {"floating_network_id": "public"}}, "Invalid input for floating_network_id. Reason: 'public' "
                                                        "is not a valid UUID."),
    ({"floatingip": {"floating_network_id": PUBLIC_NET, "floating_ip_address": "1.2.3"}},
     "Invalid input for floating_ip_address. Reason: '1.2.3' is not a valid IP address."),
    ({"floatingip": {"floating_network_id": PUBLIC_NET, "description": 5}},
     "Invalid input for description. Reason: '5' is not a valid string."),
    ({"floatingip": {"floating_network_id": PUBLIC_NET, "project_id": "a", "tenant_id": "b"}},
     "'project_id' and 'tenant_id' do not match"),
]


@pytest.mark.parametrize("body, message", POST_ERRORS)
def test_post_body_errors(client, demo, body, message):
    neutron_error(call(client, "POST", FIPS, demo, body), 400, "HTTPBadRequest", message)


@pytest.mark.parametrize("body, message", [
    ({"floatingip": {"floating_network_id": PUBLIC_NET}}, "Cannot update read-only attribute floating_network_id"),
    ({"floatingip": {"port_id": "nope"}}, "Invalid input for port_id. Reason: 'nope' is not a valid UUID."),
    ({"floatingip": {"description": "x" * 256}}, f"Invalid input for description. Reason: '{'x' * 256}' exceeds "
                                                 "maximum length of 255."),
])
def test_put_body_errors(client, demo, body, message):
    fip = allocate(client, demo)
    neutron_error(call(client, "PUT", f"{FIPS}/{fip['id']}", demo, body), 400, "HTTPBadRequest", message)


def test_malformed_json_and_token(client, demo):
    response = client.post(FIPS, data="{", headers={"X-Auth-Token": demo, "Content-Type": "application/json"})
    neutron_error(response, 400, "HTTPBadRequest", "Malformed request body")
    assert client.get(FIPS).status_code == 401
