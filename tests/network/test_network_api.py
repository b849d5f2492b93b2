"""Neutron networks, subnets and ports over HTTP: create/show/update/delete, policy, tags, filters, paging,
IPAM conflicts and extensions, with Neutron's status codes and ``NeutronError`` bodies."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from support.apps import fresh_app
from support.tokens import issue_token

PRIVATE_NET = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PUBLIC_NET = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
PRIVATE_SUBNET = "7e3a9b5f-2c4d-4e6f-9a01-b2c3d4e5f607"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
BASE = "/network/v2.0"


@pytest.fixture
def app():
    return fresh_app(seed=3)


class Caller:
    """Requests as one user, answering (status, JSON body)."""

    def __init__(self, app, token: str) -> None:
        self.client, self.token = app.test_client(), token

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        response = self.client.open(BASE + path, method=method, json=body, headers={"X-Auth-Token": self.token})
        return response.status_code, (response.get_json(silent=True) if response.data else None)


@pytest.fixture
def demo(app) -> Caller:
    return Caller(app, issue_token(app))


@pytest.fixture
def alt(app) -> Caller:
    return Caller(app, issue_token(app, "alt_demo", "alt_demo"))


@pytest.fixture
def admin(app) -> Caller:
    return Caller(app, issue_token(app, "admin", "admin"))


@pytest.fixture
def reader(app) -> Caller:
    token = issue_token(app)
    app.extensions["fakenova"].store.compute("token", token, lambda record: {**record, "roles": ["reader"]})
    return Caller(app, token)


def error(kind: str, message: str) -> Dict[str, Any]:
    return {"NeutronError": {"type": kind, "message": message, "detail": ""}}


def make(caller: Caller, plural: str, **attrs: Any) -> Dict[str, Any]:
    singular = plural[:-1]
    status, body = caller("POST", f"/{plural}", {singular: attrs})
    assert status == 201, body
    return body[singular]


NETWORK_KEYS = {"id", "name", "admin_state_up", "availability_zone_hints", "availability_zones", "description",
                "dns_domain", "ipv4_address_scope", "ipv6_address_scope", "l2_adjacency", "mtu",
                "port_security_enabled", "qos_policy_id", "router:external", "shared", "status", "subnets",
                "tags", "project_id", "tenant_id", "created_at", "updated_at", "revision_number"}


def test_network_lifecycle(demo):
    net = make(demo, "networks", name="n1")
    assert set(net) == NETWORK_KEYS
    assert (net["status"], net["admin_state_up"], net["shared"], net["router:external"], net["mtu"]) == (
        "ACTIVE", True, False, False, 1450)
    assert (net["project_id"], net["tenant_id"], net["subnets"], net["tags"], net["revision_number"]) == (
        DEMO_PROJECT, DEMO_PROJECT, [], [], 1)
    assert demo("GET", f"/networks/{net['id']}") == (200, {"network": net})
    status, body = demo("PUT", f"/networks/{net['id']}", {"network": {"name": "n2", "mtu": 1400}})
    assert status == 200 and (body["network"]["name"], body["network"]["mtu"], body["network"]["revision_number"]) == (
        "n2", 1400, 2)
    assert demo("DELETE", f"/networks/{net['id']}") == (204, None)
    assert demo("GET", f"/networks/{net['id']}") == (404, error(
        "NetworkNotFound", f"Network {net['id']} could not be found."))


POLICY_CASES = [
    ("reader", {"name": "x"}, "rule:create_network is disallowed by policy"),
    ("demo", {"shared": True}, "(rule:create_network and rule:create_network:shared) is disallowed by policy"),
    ("demo", {"router:external": True},
     "(rule:create_network and rule:create_network:router:external) is disallowed by policy"),
    ("demo", {"provider:network_type": "vlan"},
     "(rule:create_network and rule:create_network:provider:network_type) is disallowed by policy"),
]


@pytest.mark.parametrize("who,attrs,message", POLICY_CASES)
def test_create_policy(request, who, attrs, message):
    caller = request.getfixturevalue(who)
    assert caller("POST", "/networks", {"network": attrs}) == (403, error("PolicyNotAuthorized", message))
    assert caller("GET", "/networks?name=x")[1]["networks"] == []


def test_admin_may_create_shared_external(admin, demo):
    net = make(admin, "networks", name="ext", shared=True, **{"router:external": True})
    assert (net["provider:network_type"], net["provider:physical_network"]) == ("flat", "ext")
    vlan = make(admin, "networks", **{"provider:network_type": "vlan", "provider:segmentation_id": 42})
    assert (vlan["provider:network_type"], vlan["provider:segmentation_id"]) == ("vlan", 42)
    assert demo("GET", f"/networks/{net['id']}")[0] == 200
    assert demo("PUT", f"/networks/{net['id']}", {"network": {"name": "y"}}) == (403, error(
        "PolicyNotAuthorized", "rule:update_network is disallowed by policy"))


def test_other_projects_network_is_hidden(demo, alt):
    net = make(alt, "networks", name="alt-only")
    for method, body in (("GET", None), ("PUT", {"network": {"name": "x"}}), ("DELETE", None)):
        assert demo(method, f"/networks/{net['id']}", body) == (404, error(
            "NetworkNotFound", f"Network {net['id']} could not be found."))
    assert net["id"] not in [n["id"] for n in demo("GET", "/networks")[1]["networks"]]


BAD_BODIES = [
    ({"network": {"mtu": "big"}}, "Invalid input for mtu. Reason: 'big' is not an integer."),
    ({"network": {"status": "DOWN"}}, "Attribute 'status' not allowed in POST"),
    ({"network": {"colour": "red"}}, "Unrecognized attribute(s) 'colour'"),
    ({"net": {}}, "Unable to find 'network' in request body"),
    ({"networks": []}, "Resources required"),
    ({"network": {"name": 5}}, "Invalid input for name. Reason: '5' is not a valid string."),
]


@pytest.mark.parametrize("body,message", BAD_BODIES)
def test_bad_bodies_store_nothing(demo, body, message):
    before = demo("GET", "/networks")[1]
    assert demo("POST", "/networks", body) == (400, error("HTTPBadRequest", message))
    assert demo("GET", "/networks")[1] == before


def test_bulk_create(demo):
    status, body = demo("POST", "/networks", {"networks": [{"name": "b1"}, {"network": {"name": "b2"}}]})
    assert status == 201 and [n["name"] for n in body["networks"]] == ["b1", "b2"]


def test_tags(demo):
    net = make(demo, "networks", name="tagged")
    path = f"/networks/{net['id']}/tags"
    assert demo("PUT", path, {"tags": ["red", "blue"]}) == (200, {"tags": ["red", "blue"]})
    assert demo("PUT", path + "/green", None) == (201, None)
    assert demo("GET", path) == (200, {"tags": ["red", "blue", "green"]})
    assert demo("GET", path + "/red") == (204, None)
    assert demo("GET", path + "/nope") == (404, error("TagNotFound", "Tag nope could not be found."))
    assert demo("DELETE", path + "/red") == (204, None)
    assert [n["id"] for n in demo("GET", "/networks?tags=blue,green")[1]["networks"]] == [net["id"]]
    assert [n["id"] for n in demo("GET", "/networks?tags-any=red,green")[1]["networks"]] == [net["id"]]
    assert net["id"] not in [n["id"] for n in demo("GET", "/networks?not-tags=blue")[1]["networks"]]
    assert demo("GET", f"/networks/{net['id']}")[1]["network"]["revision_number"] == 4
    assert demo("DELETE", path) == (204, None)
    assert demo("GET", path) == (200, {"tags": []})


def test_filters_over_attributes(demo):
    """Every filterable attribute of a new network finds it, and only networks with that value."""
    net = make(demo, "networks", name="findme", mtu=1400, admin_state_up=False, description="d")
    skipped = {"subnets", "tags", "availability_zone_hints", "availability_zones", "ipv4_address_scope",
               "ipv6_address_scope", "qos_policy_id", "l2_adjacency"}
    for name, value in net.items():
        if name in skipped:
            continue
        found = demo("GET", f"/networks?{name}={str(value)}")
        assert found[0] == 200, (name, found)
        assert net["id"] in [n["id"] for n in found[1]["networks"]], name
    assert [n["id"] for n in demo("GET", "/networks?mtu=1400&mtu=9000")[1]["networks"]] == [net["id"]]


def test_paging_and_sorting(demo, app):
    made = sorted(make(demo, "networks", name=f"p{i}")["id"] for i in range(3))
    status, body = demo("GET", "/networks?limit=2&name=p0&name=p1&name=p2")
    assert status == 200 and [n["id"] for n in body["networks"]] == made[:2]
    assert [link["rel"] for link in body["networks_links"]] == ["next", "previous"]
    nxt = body["networks_links"][0]["href"]
    assert f"marker={made[1]}" in nxt and nxt.startswith("http://localhost/network/v2.0/networks?")
    page = app.test_client().get(nxt, headers={"X-Auth-Token": demo.token}).get_json()
    assert [n["id"] for n in page["networks"]] == made[2:]
    by_name = demo("GET", "/networks?sort_key=name&sort_dir=desc&fields=name&name=p0&name=p1&name=p2")[1]
    assert by_name == {"networks": [{"name": "p2"}, {"name": "p1"}, {"name": "p0"}]}


def test_subnet_create_and_conflicts(demo):
    net = make(demo, "networks", name="sn")
    subnet = make(demo, "subnets", network_id=net["id"], cidr="192.168.10.0/24", ip_version=4)
    assert (subnet["gateway_ip"], subnet["allocation_pools"], subnet["enable_dhcp"]) == (
        "192.168.10.1", [{"start": "192.168.10.2", "end": "192.168.10.254"}], True)
    assert demo("GET", f"/networks/{net['id']}")[1]["network"]["subnets"] == [subnet["id"]]
    cases = [
        ({"cidr": "192.168.10.128/25"}, 400, "InvalidInput", "Invalid input for operation: Requested subnet with "
         f"cidr: 192.168.10.128/25 for network: {net['id']} overlaps with another subnet."),
        ({"cidr": "10.9.0.0/24", "allocation_pools": [{"start": "10.9.1.2", "end": "10.9.1.9"}]}, 400,
         "OutOfBoundsAllocationPool", "The allocation pool 10.9.1.2-10.9.1.9 spans beyond the subnet cidr "
         "10.9.0.0/24."),
        ({"cidr": "10.9.0.0/24", "gateway_ip": "10.9.0.5", "allocation_pools": [
            {"start": "10.9.0.2", "end": "10.9.0.9"}]}, 409, "GatewayConflictWithAllocationPools",
         "Gateway ip 10.9.0.5 conflicts with allocation pool 10.9.0.2-10.9.0.9."),
        ({}, 400, "BadRequest", "Bad subnets request: A cidr must be specified in the absence of a subnet pool."),
    ]
    for attrs, code, kind, message in cases:
        body = {"subnet": {"network_id": net["id"], "ip_version": 4, **attrs}}
        assert demo("POST", "/subnets", body) == (code, error(kind, message)), attrs
    port = make(demo, "ports", network_id=net["id"])
    assert demo("DELETE", f"/subnets/{subnet['id']}") == (409, error(
        "SubnetInUse", f"Unable to complete operation on subnet {subnet['id']}: One or more ports have an IP "
                       "allocation from this subnet."))
    assert demo("DELETE", f"/networks/{net['id']}") == (409, error(
        "NetworkInUse", f"Unable to complete operation on network {net['id']}. There are one or more ports still "
                        f"in use on the network, id for these ports is: {port['id']}."))
    assert demo("DELETE", f"/ports/{port['id']}") == (204, None)
    assert demo("DELETE", f"/networks/{net['id']}") == (204, None)
    assert demo("GET", f"/subnets/{subnet['id']}")[0] == 404


def test_port_addresses(demo, admin):
    net = make(demo, "networks", name="pn")
    subnet = make(demo, "subnets", network_id=net["id"], cidr="10.20.0.0/29", ip_version=4)
    first = make(demo, "ports", network_id=net["id"])
    assert first["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "10.20.0.2"}]
    assert (first["status"], first["device_id"], first["mac_address"][:8]) == ("DOWN", "", "fa:16:3e")
    assert "binding:host_id" not in first and "binding:host_id" in admin("GET", f"/ports/{first['id']}")[1]["port"]
    chosen = make(demo, "ports", network_id=net["id"], fixed_ips=[{"ip_address": "10.20.0.5"}])
    assert chosen["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "10.20.0.5"}]
    for query, found in (("fixed_ips=ip_address=10.20.0.5", [chosen]), ("fixed_ips=ip_address_substr=20.0.",
                         [first, chosen]), (f"fixed_ips=subnet_id={subnet['id']}&name=nope", [])):
        assert [p["id"] for p in demo("GET", f"/ports?{query}")[1]["ports"]] == [p["id"] for p in found], query
    assert demo("POST", "/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.20.0.5"}]}}) \
        == (409, error("IpAddressAlreadyAllocated", f"IP address 10.20.0.5 already allocated in subnet {subnet['id']}"))
    assert demo("POST", "/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.30.0.5"}]}}) \
        == (400, error("InvalidIpForNetwork", "IP address 10.30.0.5 is not a valid IP for any of the subnets on the "
                                              "specified network."))
    for _ in range(3):  # .3 .4 .6: the pool .2-.6 is then full
        make(demo, "ports", network_id=net["id"])
    assert demo("POST", "/ports", {"port": {"network_id": net["id"]}}) == (409, error(
        "IpAddressGenerationFailure", f"No more IP addresses available on network {net['id']}."))
    status, body = demo("PUT", f"/ports/{chosen['id']}", {"port": {"fixed_ips": [{"subnet_id": subnet["id"]}]}})
    assert status == 409  # every address is taken, its own included until released
    assert demo("DELETE", f"/ports/{first['id']}") == (204, None)
    status, body = demo("PUT", f"/ports/{chosen['id']}", {"port": {"fixed_ips": [{"ip_address": "10.20.0.2"}]}})
    assert status == 200 and body["port"]["fixed_ips"][0]["ip_address"] == "10.20.0.2"
    assert make(demo, "ports", network_id=net["id"])["fixed_ips"][0]["ip_address"] == "10.20.0.5"
    mac = chosen["mac_address"]
    assert demo("POST", "/ports", {"port": {"network_id": net["id"], "mac_address": mac}}) == (409, error(
        "MacAddressInUse", f"Unable to complete operation for network {net['id']}. The mac address {mac} is in use."))


def test_port_policy_on_shared_network(demo, alt, admin):
    port = make(alt, "ports", network_id=PRIVATE_NET)  # private is demo's network, shared
    assert port["project_id"] != DEMO_PROJECT
    assert alt("POST", "/ports", {"port": {"network_id": PRIVATE_NET, "fixed_ips": [{"ip_address": "10.0.0.30"}]}}) \
        == (403, error("PolicyNotAuthorized", "(rule:create_port and (rule:create_port:fixed_ips and "
                                              "(rule:create_port:fixed_ips:ip_address))) is disallowed by policy"))
    assert demo("GET", f"/ports/{port['id']}")[0] == 200  # the network owner sees ports on it
    own = make(alt, "networks", name="alt-net")
    assert demo("POST", "/ports", {"port": {"network_id": own["id"]}}) == (404, error(
        "HTTPNotFound", "The resource could not be found."))


def test_extensions(demo):
    status, body = demo("GET", "/extensions")
    aliases = [ext["alias"] for ext in body["extensions"]]
    assert status == 200 and {"external-net", "port-security", "binding", "standard-attr-tag"} <= set(aliases)
    assert "metering" not in aliases  # only what is implemented is listed
    assert demo("GET", "/extensions/binding") == (200, {"extension": {
        "alias": "binding", "name": "Port Binding", "updated": "2014-02-03T10:00:00-00:00", "links": [],
        "description": "Expose port bindings of a virtual port to external application"}})
    assert demo("GET", "/extensions/nope") == (404, error("HTTPNotFound", "Extension with alias nope does not exist"))


def _ips(server: Dict[str, Any]) -> List[str]:
    return [a["addr"] for addrs in server["addresses"].values() for a in addrs]


def boot(app, token: str, networks: Any) -> Dict[str, Any]:
    client = app.test_client()
    body = {"server": {"name": "s", "imageRef": "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f", "flavorRef": "1",
                       "networks": networks}}
    response = client.post("/compute/v2.1/servers", json=body,
                           headers={"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.52"})
    assert response.status_code == 202, response.get_json()
    return response.get_json()["server"]


def server_get(app, token: str, server_id: str, method: str = "GET") -> Optional[Dict[str, Any]]:
    response = app.test_client().open(f"/compute/v2.1/servers/{server_id}", method=method,
                                      headers={"X-Auth-Token": token})
    return response.get_json(silent=True) if response.data else None


def test_server_with_a_users_port_keeps_it_after_delete(app, demo):
    port = make(demo, "ports", network_id=PRIVATE_NET, name="mine")
    server = boot(app, demo.token, [{"port": port["id"]}, {"uuid": PRIVATE_NET}])
    bound = demo("GET", f"/ports/{port['id']}")[1]["port"]
    assert (bound["device_id"], bound["device_owner"], bound["status"]) == (server["id"], "compute:nova", "ACTIVE")
    shown = server_get(app, demo.token, server["id"])["server"]
    assert port["fixed_ips"][0]["ip_address"] in _ips(shown)
    assert boot_conflict(app, demo.token, port["id"]) == f"Port {port['id']} is still in use."
    ports = demo("GET", f"/ports?device_id={server['id']}")[1]["ports"]
    assert len(ports) == 2
    server_get(app, demo.token, server["id"], "DELETE")
    server_get(app, demo.token, server["id"])  # a read completes the delete
    assert demo("GET", f"/ports?device_id={server['id']}")[1]["ports"] == []
    kept = demo("GET", f"/ports/{port['id']}")[1]["port"]
    assert (kept["device_id"], kept["device_owner"], kept["status"], kept["name"]) == ("", "", "DOWN", "mine")
    # (router1's interface port on private is the demo project's too)
    assert [p["id"] for p in demo("GET", "/ports")[1]["ports"] if p["device_owner"] != "network:router_interface"] \
        == [port["id"]]


def boot_conflict(app, token: str, port_id: str) -> str:
    body = {"server": {"name": "s2", "imageRef": "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f", "flavorRef": "1",
                       "networks": [{"port": port_id}]}}
    response = app.test_client().post("/compute/v2.1/servers", json=body, headers={"X-Auth-Token": token})
    assert response.status_code == 409
    return response.get_json()["conflictingRequest"]["message"]


def test_interface_attach_and_detach_a_users_port(app, demo):
    port = make(demo, "ports", network_id=PRIVATE_NET)
    server = boot(app, demo.token, "none")
    client, headers = app.test_client(), {"X-Auth-Token": demo.token}
    path = f"/compute/v2.1/servers/{server['id']}/os-interface"
    attached = client.post(path, json={"interfaceAttachment": {"port_id": port["id"]}}, headers=headers)
    assert attached.status_code == 200
    assert attached.get_json()["interfaceAttachment"]["fixed_ips"] == [
        {"subnet_id": PRIVATE_SUBNET, "ip_address": port["fixed_ips"][0]["ip_address"]}]
    assert demo("GET", f"/ports/{port['id']}")[1]["port"]["device_id"] == server["id"]
    assert client.delete(f"{path}/{port['id']}", headers=headers).status_code == 202
    assert demo("GET", f"/ports/{port['id']}")[1]["port"]["device_id"] == ""
    by_net = client.post(path, json={"interfaceAttachment": {"net_id": PRIVATE_NET}}, headers=headers)
    made = by_net.get_json()["interfaceAttachment"]["port_id"]
    assert client.delete(f"{path}/{made}", headers=headers).status_code == 202
    assert demo("GET", f"/ports/{made}") == (404, error("PortNotFound", f"Port {made} could not be found."))


def test_port_update_reaches_the_server(app, demo):
    server = boot(app, demo.token, [{"uuid": PRIVATE_NET}])
    port = demo("GET", f"/ports?device_id={server['id']}")[1]["ports"][0]
    status, body = demo("PUT", f"/ports/{port['id']}", {"port": {"fixed_ips": [{"ip_address": "10.0.0.40"}]}})
    assert status == 200 and body["port"]["fixed_ips"][0]["ip_address"] == "10.0.0.40"
    assert _ips(server_get(app, demo.token, server["id"])["server"]) == ["10.0.0.40"]


def boot_error(app, token: str, networks: Any) -> Any:
    body = {"server": {"name": "s", "imageRef": "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f", "flavorRef": "1",
                       "networks": networks}}
    response = app.test_client().post("/compute/v2.1/servers", json=body, headers={"X-Auth-Token": token})
    return response.status_code, response.get_json()


def test_nova_checks_requested_networks(app, demo):
    server = boot(app, demo.token, [{"uuid": PRIVATE_NET, "fixed_ip": "10.0.0.20"}])
    bare = make(demo, "networks", name="no-subnet")
    portless = make(demo, "ports", network_id=bare["id"])
    cases = [
        ([{"uuid": PRIVATE_NET, "fixed_ip": "10.0.0.20"}],
         f"Fixed IP address 10.0.0.20 is already in use on instance {server['id']}."),
        ([{"uuid": bare["id"]}], f"Network {bare['id']} requires a subnet in order to boot instances on."),
        ([{"port": portless["id"]}], f"Port {portless['id']} requires a FixedIP in order to be used."),
        ([{"port": PRIVATE_NET}], f"Port id {PRIVATE_NET} could not be found."),
    ]
    for networks, message in cases:
        assert boot_error(app, demo.token, networks) == (400, {"badRequest": {"code": 400, "message": message}})


def test_slaac_subnet(demo):
    net = make(demo, "networks", name="v6")
    subnet = make(demo, "subnets", network_id=net["id"], cidr="2001:db8::/64", ip_version=6,
                  ipv6_ra_mode="slaac", ipv6_address_mode="slaac")
    assert (subnet["gateway_ip"], subnet["allocation_pools"]) == (
        "2001:db8::1", [{"start": "2001:db8::2", "end": "2001:db8::ffff:ffff:ffff:ffff"}])
    port = make(demo, "ports", network_id=net["id"], mac_address="fa:16:3e:12:34:56")
    assert port["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "2001:db8::f816:3eff:fe12:3456"}]
    assert demo("DELETE", f"/subnets/{subnet['id']}") == (204, None)
    assert demo("GET", f"/ports/{port['id']}")[1]["port"]["fixed_ips"] == []
    assert demo("DELETE", f"/networks/{net['id']}")[0] == 409
    mismatch = {"subnet": {"network_id": net["id"], "cidr": "2001:db9::/64", "ip_version": 6,
                           "ipv6_ra_mode": "slaac", "ipv6_address_mode": "dhcpv6-stateful"}}
    assert demo("POST", "/subnets", mismatch) == (400, error(
        "InvalidInput", "Invalid input for operation: ipv6_ra_mode set to 'slaac' with ipv6_address_mode set to "
                        "'dhcpv6-stateful' is not valid. If both attributes are set, they must be the same value."))


def test_ports_join_the_default_security_group(demo):
    port = make(demo, "ports", network_id=PRIVATE_NET)
    [group] = port["security_groups"]
    assert make(demo, "ports", network_id=PRIVATE_NET, port_security_enabled=False)["security_groups"] == []
    missing = "0b6a3c5e-1f2d-4a8b-9c7d-6e5f4a3b2c1d"
    assert demo("POST", "/ports", {"port": {"network_id": PRIVATE_NET, "security_groups": [missing]}}) == (
        404, error("SecurityGroupNotFound", f"Security group {missing} does not exist"))
    assert demo("PUT", f"/ports/{port['id']}", {"port": {"security_groups": [missing]}})[0] == 404
    assert demo("GET", f"/ports/{port['id']}")[1]["port"]["security_groups"] == [group]


@pytest.mark.parametrize("networks,message", [
    ([{"uuid": PRIVATE_NET, "fixed_ip": "10.0.0.21"}], "Failed to launch instances: max_count cannot be greater "
                                                       "than 1 if an fixed_ip is specified."),
    ([{"port": PRIVATE_SUBNET}], "Failed to launch instances: Unable to launch multiple instances with a single "
                                 "configured port ID. Please launch your instance one by one with different ports."),
])
def test_multiple_create_refuses_fixed_addresses_and_ports(app, demo, networks, message):
    body = {"server": {"name": "m", "imageRef": "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f", "flavorRef": "1",
                       "networks": networks, "max_count": 2}}
    response = app.test_client().post("/compute/v2.1/servers", json=body, headers={"X-Auth-Token": demo.token})
    assert (response.status_code, response.get_json()) == (400, {"badRequest": {"code": 400, "message": message}})


def test_bodies_are_read_as_json_whatever_their_type(app, demo):
    client, headers = app.test_client(), {"X-Auth-Token": demo.token, "Content-Type": "text/xml"}
    response = client.post(f"{BASE}/networks", data=b'{"network": {"name": "typed"}}', headers=headers)
    assert response.status_code == 201 and response.get_json()["network"]["name"] == "typed"
    response = client.post(f"{BASE}/networks", data=b"{nope", headers=headers)
    assert (response.status_code, response.get_json()) == (400, error(
        "MalformedRequestBody", "Malformed request body: Cannot understand JSON."))
    response = client.delete(f"{BASE}/networks/{PRIVATE_NET}", data=b"{}", headers=headers)
    assert (response.status_code, response.get_json()) == (400, error(
        "HTTPBadRequest", "Request body is not supported in DELETE."))
