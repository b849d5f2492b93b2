"""Ports the L3 plugin owns (router interfaces and gateways, floating IP ports) cannot be deleted through
``DELETE /v2.0/ports/{id}`` while their router or floating IP exists: Neutron's 409 ``ServicePortInUse``
(``l3_db.prevent_l3_port_deletion``); once the device is gone they are ordinary ports."""
from __future__ import annotations

import pytest
from support.apps import control
from support.neutron import neutron_error

openstack = pytest.importorskip("openstack")

N = "/network/v2.0"
ROUTER1 = "5c3f1a0e-7d2b-4e8f-9a61-0b2c4d6e8f10"
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
MISSING = "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"


def _message(port_id: str, owner: str) -> str:
    return f"Port {port_id} cannot be deleted directly via the port API: has device owner {owner}."


@pytest.mark.parametrize("owner", ["network:router_interface", "network:router_gateway"])
def test_router_ports_are_refused_and_kept(client, owner):
    [port] = [p for p in client.get(f"{N}/ports?device_id={ROUTER1}", headers=client.admin).get_json()["ports"]
              if p["device_owner"] == owner]
    refused = client.delete(f"{N}/ports/{port['id']}", headers=client.admin)
    assert refused.status_code == 409 and refused.headers["Content-Type"] == "application/json"
    assert neutron_error(refused) == ("ServicePortInUse", _message(port["id"], owner))
    assert client.get(f"{N}/ports/{port['id']}", headers=client.admin).status_code == 200


def _port(client, headers, **attrs):
    made = client.post(f"{N}/ports", json={"port": {"network_id": PRIVATE, **attrs}}, headers=headers)
    assert made.status_code == 201, made.get_json()
    return made.get_json()["port"]


def test_floating_ip_port_is_refused_while_its_floating_ip_exists(client):
    fip = client.post(f"{N}/floatingips", json={"floatingip": {"floating_network_id": PUBLIC}},
                      headers=client.admin).get_json()["floatingip"]
    port = _port(client, client.admin, device_owner="network:floatingip", device_id=fip["id"])
    refused = client.delete(f"{N}/ports/{port['id']}", headers=client.admin)
    assert refused.status_code == 409
    assert neutron_error(refused) == ("ServicePortInUse", _message(port["id"], "network:floatingip"))
    assert client.delete(f"{N}/floatingips/{fip['id']}", headers=client.admin).status_code == 204
    assert client.delete(f"{N}/ports/{port['id']}", headers=client.admin).status_code == 204


@pytest.mark.parametrize("owner", ["network:router_interface", "network:ha_router_replicated_interface",
                                   "network:floatingip", "network:dhcp", "compute:nova"])
def test_ports_whose_device_is_gone_or_not_l3_are_deleted(client, owner):
    port = _port(client, client.admin, device_owner=owner, device_id=MISSING)
    deleted = client.delete(f"{N}/ports/{port['id']}", headers=client.admin)
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.get(f"{N}/ports/{port['id']}", headers=client.admin).status_code == 404


def test_sdk_delete_of_a_router_interface_port_is_a_conflict(live_server):
    control(live_server.app).reset()
    conn = openstack.connect(auth_url=f"{live_server.url}/identity", username="demo", password="demo",
                             project_name="demo", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")
    net = conn.network.create_network(name="l3")
    subnet = conn.network.create_subnet(network_id=net.id, cidr="192.168.60.0/24", ip_version=4)
    router = conn.network.create_router(name="r")
    added = conn.network.add_interface_to_router(router, subnet=subnet.id)
    with pytest.raises(openstack.exceptions.ConflictException) as refused:
        conn.network.delete_port(added["port_id"])
    assert _message(added["port_id"], "network:router_interface") in str(refused.value)
    assert conn.network.get_port(added["port_id"]).device_owner == "network:router_interface"
    conn.network.remove_interface_from_router(router, subnet=subnet.id)
    assert conn.network.find_port(added["port_id"]) is None
