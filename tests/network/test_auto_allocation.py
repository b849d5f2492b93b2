"""Nova's ``networks: "auto"`` (2.37) boots on Neutron's auto-allocated topology when the project has no network
to use: the same records ``GET /auto-allocated-topology/{project}`` answers with, built once per project; when
Neutron cannot build one, Nova's 400 ``UnableToAutoAllocateNetwork``."""
from __future__ import annotations

import pytest
from support.apps import control

openstack = pytest.importorskip("openstack")

N = "/network/v2.0"
C = "/compute/v2.1"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
ALT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
IMAGE, FLAVOR = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f", "1"
V237 = {"OpenStack-API-Version": "compute 2.37"}


def _unshare_private(client):
    """Leave alt_demo with no network of its own and none shared, as tempest's auto-allocation tests need."""
    done = client.put(f"{N}/networks/{PRIVATE}", json={"network": {"shared": False}}, headers=client.admin)
    assert done.status_code == 200, done.get_json()


def _boot(client, headers, networks="auto", count=1):
    body = {"server": {"name": "auto", "imageRef": IMAGE, "flavorRef": FLAVOR, "networks": networks,
                       "min_count": count}}
    return client.post(f"{C}/servers", json=body, headers={**headers, **V237})


def _network_of(client, server_id):
    ports = client.get(f"{N}/ports?device_id={server_id}", headers=client.alt).get_json()["ports"]
    return [port["network_id"] for port in ports]


def test_auto_boots_every_server_on_the_one_topology_of_the_project(client):
    _unshare_private(client)
    made = _boot(client, client.alt, count=3)
    assert made.status_code == 202, made.get_json()
    topology = client.get(f"{N}/auto-allocated-topology/{ALT}", headers=client.alt)
    assert topology.status_code == 200
    net_id = topology.get_json()["auto_allocated_topology"]["id"]
    servers = client.get(f"{C}/servers/detail", headers=client.alt).get_json()["servers"]
    assert len(servers) == 3
    assert {tuple(_network_of(client, server["id"])) for server in servers} == {(net_id,)}
    assert all(list(server["addresses"]) == ["auto_allocated_network"] for server in servers)
    network = client.get(f"{N}/networks/{net_id}", headers=client.alt).get_json()["network"]
    assert (network["project_id"], network["admin_state_up"], network["shared"]) == (ALT, True, False)
    again = _boot(client, client.alt)
    assert again.status_code == 202
    assert _network_of(client, again.get_json()["server"]["id"]) == [net_id]
    nets = client.get(f"{N}/networks?name=auto_allocated_network", headers=client.admin).get_json()["networks"]
    routers = client.get(f"{N}/routers?name=auto_allocated_router", headers=client.admin).get_json()["routers"]
    assert [net["id"] for net in nets] == [net_id] and len(routers) == 1


@pytest.mark.parametrize("networks", ["none", [{"uuid": PUBLIC}]])
def test_other_requests_build_no_topology(client, networks):
    _unshare_private(client)
    made = _boot(client, client.alt if networks == "none" else client.admin, networks=networks)
    assert made.status_code == 202, made.get_json()
    assert client.get(f"{N}/networks?name=auto_allocated_network", headers=client.admin).get_json() == {
        "networks": []}


def test_auto_with_a_network_to_use_builds_nothing(client):
    made = _boot(client, client.alt)
    assert made.status_code == 202
    assert _network_of(client, made.get_json()["server"]["id"]) == [PRIVATE]
    assert client.get(f"{N}/routers?name=auto_allocated_router", headers=client.admin).get_json() == {
        "routers": []}


def test_auto_without_a_default_external_network_is_novas_400(client):
    _unshare_private(client)
    changed = client.put(f"{N}/networks/{PUBLIC}", json={"network": {"is_default": False}}, headers=client.admin)
    assert changed.status_code == 200, changed.get_json()
    refused = _boot(client, client.alt)
    assert refused.status_code == 400 and refused.headers["Content-Type"] == "application/json"
    assert refused.get_json() == {"badRequest": {
        "code": 400, "message": f"Unable to automatically allocate a network for project {ALT}"}}
    assert client.get(f"{C}/servers", headers=client.alt).get_json() == {"servers": []}


def test_sdk_create_server_with_auto_networks(live_server):
    control(live_server.app).reset()

    def connect(user):
        return openstack.connect(auth_url=f"{live_server.url}/identity", username=user, password=user,
                                 project_name=user, user_domain_name="Default", project_domain_name="Default",
                                 region_name="RegionOne")
    connect("admin").network.update_network(PRIVATE, shared=False)
    alt = connect("alt_demo")
    server = alt.compute.create_server(name="sdk-auto", image_id=IMAGE, flavor_id=FLAVOR, networks="auto")
    server = alt.compute.wait_for_server(server, wait=30)
    [port] = alt.network.ports(device_id=server.id)
    topology = alt.network.get_auto_allocated_topology(ALT)
    assert port.network_id == topology.id and list(server.addresses) == ["auto_allocated_network"]
