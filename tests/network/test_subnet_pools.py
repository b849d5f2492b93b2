"""Neutron subnet pools (prefixes, bounds, allocation of subnets) and the auto-allocated topology built from
the default pool and the default external network."""
from __future__ import annotations

from typing import Any

import pytest
from support.neutron import neutron_error

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
DEFAULT_POOL = "4b6e2a1c-8d3f-4e5a-9b70-c1d2e3f40516"
N = "/network/v2.0"


def _pool(client, **given: Any):
    body = {"subnetpool": {"name": "pool", "prefixes": ["10.10.0.0/16", "10.11.0.0/16"], **given}}
    return client.post(f"{N}/subnetpools", json=body, headers=client.demo)


def _subnet(client, network_id: str, **given: Any):
    return client.post(f"{N}/subnets", json={"subnet": {"network_id": network_id, "ip_version": 4, **given}},
                       headers=client.demo)


def test_pool_and_subnets_from_it(client):
    made = _pool(client, default_prefixlen=24)
    assert made.status_code == 201
    pool = made.get_json()["subnetpool"]
    assert (pool["prefixes"], pool["ip_version"], pool["min_prefixlen"], pool["max_prefixlen"]) == (
        ["10.10.0.0/15"], 4, 8, 32)
    net = client.post(f"{N}/networks", json={"network": {"name": "n"}}, headers=client.demo).get_json()["network"]
    first = _subnet(client, net["id"], subnetpool_id=pool["id"])
    assert first.status_code == 201 and first.get_json()["subnet"]["cidr"] == "10.10.0.0/24"
    sized = _subnet(client, net["id"], subnetpool_id=pool["id"], prefixlen=20)
    assert sized.get_json()["subnet"]["cidr"] == "10.10.16.0/20"
    taken = _subnet(client, net["id"], subnetpool_id=pool["id"], cidr="10.10.0.0/24")
    assert taken.status_code == 500 and neutron_error(taken) == (
        "SubnetAllocationError",
        "Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.")
    in_use = client.delete(f"{N}/subnetpools/{pool['id']}", headers=client.demo)
    assert in_use.status_code == 400 and neutron_error(in_use) == (
        "SubnetPoolDeleteError", "Unable to delete subnet pool: Subnet pool has existing allocations.")
    assert client.get(f"{N}/subnetpools/{pool['id']}", headers=client.alt).status_code == 404


@pytest.mark.parametrize("given, code, kind, message", [
    ({"prefixes": []}, 400, "EmptySubnetPoolPrefixList", "Empty subnet pool prefix list."),
    ({"prefixes": ["10.0.0.0/8", "2001:db8::/32"]}, 400, "PrefixVersionMismatch",
     "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."),
    ({"min_prefixlen": 24, "max_prefixlen": 16}, 400, "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: min_prefixlen=24, max_prefixlen=16."),
    ({"max_prefixlen": 33}, 400, "IllegalSubnetPoolPrefixBounds",
     "Illegal prefix bounds: max_prefixlen=33, ip_version_max=32."),
    ({"is_default": True}, 403, "PolicyNotAuthorized", None),
])
def test_pool_errors(client, given, code, kind, message):
    response = _pool(client, **given)
    assert response.status_code == code and neutron_error(response)[0] == kind
    if message:
        assert neutron_error(response)[1] == message


def test_prefix_bounds_on_allocation(client):
    pool = _pool(client, min_prefixlen=20, max_prefixlen=28).get_json()["subnetpool"]
    net = client.post(f"{N}/networks", json={"network": {"name": "n"}}, headers=client.demo).get_json()["network"]
    small = _subnet(client, net["id"], subnetpool_id=pool["id"], prefixlen=30)
    assert small.status_code == 400 and neutron_error(small) == (
        "MaxPrefixSubnetAllocationError",
        "Unable to allocate subnet with prefix length 30, maximum allowed prefix is 28.")
    missing = _subnet(client, net["id"], subnetpool_id="9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a")
    assert missing.status_code == 404 and neutron_error(missing)[0] == "SubnetPoolNotFound"


def test_auto_allocated_topology_is_built_once_and_torn_down(client):
    path = f"{N}/auto-allocated-topology/{DEMO}"
    dry = client.get(f"{path}?fields=dry-run", headers=client.demo)
    assert dry.status_code == 200 and dry.get_json() == {"auto_allocated_topology": {
        "id": "dry-run=pass", "project_id": DEMO}}
    made = client.get(path, headers=client.demo)
    assert made.status_code == 200
    topology = made.get_json()["auto_allocated_topology"]
    assert client.get(path, headers=client.demo).get_json()["auto_allocated_topology"] == topology
    net = client.get(f"{N}/networks/{topology['id']}", headers=client.demo).get_json()["network"]
    # made down, brought up once the topology is saved (Neutron's _save), so Nova may boot on it
    assert net["name"] == "auto_allocated_network" and net["admin_state_up"] is True
    (subnet,) = [s for s in client.get(f"{N}/subnets?network_id={net['id']}", headers=client.demo)
                 .get_json()["subnets"]]
    assert (subnet["name"], subnet["cidr"], subnet["subnetpool_id"]) == (
        "auto_allocated_subnet_v4", "10.0.0.64/26", DEFAULT_POOL)
    routers = client.get(f"{N}/routers?name=auto_allocated_router", headers=client.demo).get_json()["routers"]
    assert routers[0]["external_gateway_info"]["network_id"] == "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
    assert client.delete(path, headers=client.demo).status_code == 204
    assert client.get(f"{N}/networks/{net['id']}", headers=client.demo).status_code == 404
    assert client.get(f"{N}/routers?name=auto_allocated_router", headers=client.demo).get_json()["routers"] == []
    other = client.get(f"{N}/auto-allocated-topology/{DEMO}", headers=client.alt)
    assert other.status_code == 403 and neutron_error(other)[0] == "PolicyNotAuthorized"
    odd = client.get(f"{path}?fields=name", headers=client.demo)
    assert odd.status_code == 400 and neutron_error(odd)[1] == "Bad auto_allocate request: Unrecognized field."


def test_address_scopes_and_pools(client):
    made = client.post(f"{N}/address-scopes", json={"address_scope": {"name": "scope", "ip_version": 4}},
                       headers=client.demo)
    assert made.status_code == 201
    scope = made.get_json()["address_scope"]
    assert scope == {"id": scope["id"], "name": "scope", "shared": False, "ip_version": 4, "project_id": DEMO,
                     "tenant_id": DEMO}
    pool = _pool(client, address_scope_id=scope["id"])
    assert pool.status_code == 201 and pool.get_json()["subnetpool"]["address_scope_id"] == scope["id"]
    v6 = _pool(client, prefixes=["2001:db8::/48"], address_scope_id=scope["id"])
    assert v6.status_code == 400 and neutron_error(v6)[0] == "IllegalSubnetPoolIpVersionAssociationToAddressScope"
    in_use = client.delete(f"{N}/address-scopes/{scope['id']}", headers=client.demo)
    assert in_use.status_code == 409 and neutron_error(in_use) == (
        "AddressScopeInUse", f"Unable to complete operation on address scope {scope['id']}. There are one or "
                             "more subnet pools in use on the address scope.")
    hidden = client.get(f"{N}/address-scopes/{scope['id']}", headers=client.alt)
    assert hidden.status_code == 404 and neutron_error(hidden)[0] == "AddressScopeNotFound"
    shared = client.post(f"{N}/address-scopes", json={"address_scope": {"name": "s", "ip_version": 4,
                                                                        "shared": True}}, headers=client.demo)
    assert shared.status_code == 403


def test_subnetpool_quota_is_enforced_with_over_quota(client):
    defaults = client.get(f"{N}/quotas/{DEMO}/default", headers=client.demo).get_json()["quota"]
    assert defaults["subnetpool"] == -1  # Neutron's default_quota: no quota_subnetpool option of its own
    limited = client.put(f"{N}/quotas/{DEMO}", json={"quota": {"subnetpool": 1}}, headers=client.admin)
    assert limited.status_code == 200 and limited.get_json()["quota"]["subnetpool"] == 1
    assert _pool(client).status_code == 201
    for body in ({}, {"min_prefixlen": 30, "max_prefixlen": 20}):  # reserved before the plugin checks the pool
        refused = _pool(client, name="second", **body)
        assert refused.status_code == 409 and refused.headers["Content-Type"] == "application/json"
        assert neutron_error(refused) == ("OverQuota", "Quota exceeded for resources: ['subnetpool'].")
    bulk = client.post(f"{N}/subnetpools", json={"subnetpools": [
        {"name": "b1", "prefixes": ["10.20.0.0/16"]}, {"name": "b2", "prefixes": ["10.21.0.0/16"]}]},
        headers=client.demo)
    assert bulk.status_code == 409 and neutron_error(bulk)[0] == "OverQuota"
    mine = client.get(f"{N}/subnetpools?project_id={DEMO}", headers=client.demo).get_json()["subnetpools"]
    assert [pool["name"] for pool in mine] == ["pool"]
    details = client.get(f"{N}/quotas/{DEMO}/details", headers=client.demo).get_json()["quota"]["subnetpool"]
    assert details == {"limit": 1, "used": 1, "reserved": 0}


def test_sdk_subnetpool_over_quota(live_server):
    openstack = pytest.importorskip("openstack")
    from support.apps import control

    control(live_server.app).reset()
    admin = openstack.connect(auth_url=f"{live_server.url}/identity", username="admin", password="admin",
                              project_name="admin", user_domain_name="Default", project_domain_name="Default",
                              region_name="RegionOne")
    admin.network.update_quota(DEMO, subnet_pools=0)
    demo = openstack.connect(auth_url=f"{live_server.url}/identity", username="demo", password="demo",
                             project_name="demo", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")
    with pytest.raises(openstack.exceptions.ConflictException) as refused:
        demo.network.create_subnet_pool(name="p", prefixes=["10.30.0.0/16"])
    assert "Quota exceeded for resources: ['subnetpool']." in str(refused.value)
    assert list(demo.network.subnet_pools(name="p")) == []
