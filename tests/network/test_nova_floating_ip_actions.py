"""Nova's ``addFloatingIp`` proxy (2.1-2.43) over Neutron's floating IPs: Nova's checks of the server's fixed
addresses in its order, Neutron's refusal of a second floating IP on one fixed address reaching the caller as
Nova's 400 (``FloatingIpAssociateFailed``, in neutronclient's words), and a floating IP moved off another server
as Neutron allows (tempest's ``test_associate_ip_to_server_with_floating_ip``)."""
from __future__ import annotations

import re

import pytest
from support.apps import fresh_app
from support.server_api import Api, fault

N = "/network/v2.0"
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"


@pytest.fixture
def demo():
    return Api(fresh_app(), version="2.43")


def _fip(demo: Api) -> dict:
    made = demo("POST", "/os-floating-ips", {"pool": "public"}, version="2.35")
    assert made.status_code == 200
    return made.json["floating_ip"]


def _add(demo: Api, server_id: str, address: str, **more):
    return demo("POST", f"/servers/{server_id}/action", {"addFloatingIp": {"address": address, **more}})


def _neutron(demo: Api, fip_id: str) -> dict:
    found = demo.client.get(f"{N}/floatingips/{fip_id}", headers={"X-Auth-Token": demo.token})
    return found.get_json()["floatingip"]


def _floating_on(demo: Api, server_id: str) -> list:
    addresses = demo("GET", f"/servers/{server_id}").json["server"]["addresses"]
    return [entry["addr"] for entries in addresses.values() for entry in entries
            if entry["OS-EXT-IPS:type"] == "floating"]


def test_a_second_floating_ip_on_the_same_fixed_address_is_novas_400(demo):
    server_id = demo.server()
    first, second = _fip(demo), _fip(demo)
    assert _add(demo, server_id, first["ip"]).status_code == 202
    refused = _add(demo, server_id, second["ip"])
    assert refused.status_code == 400 and refused.headers["Content-Type"] == "application/json"
    fixed = _neutron(demo, first["id"])["fixed_ip_address"]
    port = _neutron(demo, first["id"])["port_id"]
    assert list(refused.json) == ["badRequest"] and refused.json["badRequest"]["code"] == 400
    neutron_words, request_ids = fault(refused).split("\n")
    assert neutron_words == (f"Cannot associate floating IP {second['ip']} ({second['id']}) with port {port} using "
                             f"fixed IP {fixed}, as that fixed IP already has a floating IP on external network "
                             f"{PUBLIC}.")
    assert re.fullmatch(r"Neutron server returns request_ids: \['req-[0-9a-f-]{36}'\]", request_ids)
    assert _neutron(demo, second["id"])["port_id"] is None
    assert _floating_on(demo, server_id) == [first["ip"]]


def test_a_floating_ip_on_another_server_moves(demo):
    one, two = demo.server(), demo.server()
    fip = _fip(demo)
    assert _add(demo, one, fip["ip"]).status_code == 202
    moved = _add(demo, two, fip["ip"])
    assert moved.status_code == 202 and moved.data == b""
    assert _floating_on(demo, one) == [] and _floating_on(demo, two) == [fip["ip"]]
    assert demo("GET", f"/os-floating-ips/{fip['id']}", version="2.35").json["floating_ip"]["instance_id"] == two


def test_nova_checks_before_neutron(demo):
    bare = demo.server(networks="none")
    server_id = demo.server()
    fip = _fip(demo)
    for target, body, code, message in (
            (bare, {}, 400, "Instance network is not ready yet"),
            (server_id, {"fixed_address": "10.9.9.9"}, 400, "Specified fixed address not assigned to instance"),
            (server_id, {}, 404, None)):
        address = "172.24.4.250" if code == 404 else fip["ip"]
        answered = _add(demo, target, address, **body)
        assert answered.status_code == code
        assert fault(answered) == (message or "floating IP not found")
    assert _neutron(demo, fip["id"])["port_id"] is None
