"""``/servers/{id}/ips`` and ``os-interface`` through the HTTP layer: shapes per microversion, attach and
detach as new and removed ports (seen by Neutron too), Nova's messages, guards and response schemas."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import MISSING, PRIVATE, fault

from fakenova.domain.history import actions_of
from fakenova.domain.lifecycle.table import LIFECYCLE, Action
from fakenova.domain.states import TaskState, VmState
from fakenova.microversions import V

PUBLIC = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
INTERFACE_KEYS = {"net_id", "port_id", "mac_addr", "port_state", "fixed_ips"}


@pytest.fixture
def server(demo):
    return demo.server()


def _public_id(app) -> str:
    return next(net["id"] for net in app.extensions["fakenova"].store.list("network") if net["external"])


# --- ips -----------------------------------------------------------------------------------------------


def test_ips_list_fixed_then_floating_without_extension_keys(app, demo, server):
    assert demo("GET", f"/servers/{server}/ips").json == {"addresses": {"private": [
        {"version": 4, "addr": "10.0.0.2"}]}}
    fip = demo.client.post("/network/v2.0/floatingips", headers={"X-Auth-Token": demo.token},
                           json={"floatingip": {"floating_network_id": _public_id(app)}}).json["floatingip"]
    port = demo("GET", f"/servers/{server}/os-interface").json["interfaceAttachments"][0]["port_id"]
    demo.client.put(f"/network/v2.0/floatingips/{fip['id']}", headers={"X-Auth-Token": demo.token},
                    json={"floatingip": {"port_id": port}})
    assert demo("GET", f"/servers/{server}/ips/private").json == {"private": [
        {"version": 4, "addr": "10.0.0.2"}, {"version": 4, "addr": fip["floating_ip_address"]}]}


def test_unknown_network_label(demo, server):
    response = demo("GET", f"/servers/{server}/ips/public")
    assert response.status_code == 404 and fault(response) == "Instance is not a member of specified network"


def test_ips_of_missing_server(demo):
    response = demo("GET", f"/servers/{MISSING}/ips")
    assert response.status_code == 404 and fault(response) == f"Instance {MISSING} could not be found."


@needs_shared
def test_ips_match_novas_schemas(demo, server):
    assert schema_errors("GET", "/servers/{server_id}/ips", "2.1",
                         demo("GET", f"/servers/{server}/ips").json) == []
    assert schema_errors("GET", "/servers/{server_id}/ips/{id}", "2.1",
                         demo("GET", f"/servers/{server}/ips/private").json) == []


# --- os-interface --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.1", "2.69", "2.70", "2.104"])
def test_interface_keys_per_version(demo, server, version):
    (item,) = demo("GET", f"/servers/{server}/os-interface", version=version).json["interfaceAttachments"]
    assert set(item) == INTERFACE_KEYS | ({"tag"} if V(version) >= V("2.70") else set())
    shown = demo("GET", f"/servers/{server}/os-interface/{item['port_id']}", version=version).json
    assert shown == {"interfaceAttachment": item}
    assert item["net_id"] == PRIVATE and item["port_state"] == "ACTIVE"


def test_attach_on_a_network_with_fixed_ip_and_tag_then_detach(demo, server):
    body = {"interfaceAttachment": {"net_id": PRIVATE, "fixed_ips": [{"ip_address": "10.0.0.40"}], "tag": "nic2"}}
    created = demo("POST", f"/servers/{server}/os-interface", body, version="2.70")
    assert created.status_code == 200
    attachment = created.json["interfaceAttachment"]
    assert attachment["fixed_ips"][0]["ip_address"] == "10.0.0.40" and attachment["tag"] == "nic2"
    port = attachment["port_id"]
    ports = demo.client.get(f"/network/v2.0/ports?device_id={server}", headers={"X-Auth-Token": demo.token})
    assert port in [p["id"] for p in ports.json["ports"]]
    assert len(demo("GET", f"/servers/{server}/ips").json["addresses"]["private"]) == 2
    assert demo("DELETE", f"/servers/{server}/os-interface/{port}").status_code == 202
    assert len(demo("GET", f"/servers/{server}/os-interface").json["interfaceAttachments"]) == 1
    actions = [a["action"] for a in actions_of(demo.app.extensions["fakenova"].store, server)]
    assert actions[:2] == ["detach_interface", "attach_interface"]


def test_attach_with_empty_body_uses_the_default_network(demo, server):
    created = demo("POST", f"/servers/{server}/os-interface", {"interfaceAttachment": {}})
    assert created.json["interfaceAttachment"]["net_id"] == PRIVATE


def test_tag_on_attach_needs_2_49(demo, server):
    body = {"interfaceAttachment": {"net_id": PRIVATE, "tag": "t"}}
    assert demo("POST", f"/servers/{server}/os-interface", body, version="2.48").status_code == 400
    assert demo("POST", f"/servers/{server}/os-interface", body, version="2.49").status_code == 200


@pytest.mark.parametrize("attachment,code,message", [
    ({"net_id": PRIVATE, "port_id": MISSING}, 400, "Must not input both network_id and port_id"),
    ({"fixed_ips": [{"ip_address": "10.0.0.9"}]}, 400, "Must input network_id when request IP address"),
    ({"net_id": MISSING}, 404, f"Network {MISSING} could not be found."),
    ({"port_id": MISSING}, 404, f"Port id {MISSING} could not be found."),
    ({"net_id": PRIVATE, "fixed_ips": [{"ip_address": "10.0.0.2"}]}, 409, None),
])
def test_attach_errors(demo, server, attachment, code, message):
    response = demo("POST", f"/servers/{server}/os-interface", {"interfaceAttachment": attachment})
    assert response.status_code == code
    expected = message or f"Fixed IP address 10.0.0.2 is already in use on instance {server}."
    assert fault(response) == expected


def test_attaching_a_port_in_use(demo, server):
    port = demo("GET", f"/servers/{server}/os-interface").json["interfaceAttachments"][0]["port_id"]
    response = demo("POST", f"/servers/{server}/os-interface", {"interfaceAttachment": {"port_id": port}})
    assert response.status_code == 409 and fault(response) == f"Port {port} is still in use."


def test_external_network_is_admin_only(app, demo, server):
    public = _public_id(app)
    response = demo("POST", f"/servers/{server}/os-interface", {"interfaceAttachment": {"net_id": public}})
    assert response.status_code == 403
    assert fault(response) == f"It is not allowed to create an interface on external network {public}"


def test_show_port_of_another_server(demo, server):
    other = demo.server()
    port = demo("GET", f"/servers/{other}/os-interface").json["interfaceAttachments"][0]["port_id"]
    response = demo("GET", f"/servers/{server}/os-interface/{port}")
    assert response.status_code == 404
    assert fault(response) == f"Instance {server} does not have a port with id {port}"
    assert fault(demo("GET", f"/servers/{server}/os-interface/{MISSING}")) == f"Port id {MISSING} could not be found."


def test_detaching_an_unknown_port_is_accepted_and_fails_later(demo, server):
    assert demo("DELETE", f"/servers/{server}/os-interface/{MISSING}").status_code == 202
    action = actions_of(demo.app.extensions["fakenova"].store, server)[0]
    assert action["action"] == "detach_interface" and action["events"][0]["result"] == "Error"


_REFUSED = set(VmState) - LIFECYCLE[Action.ATTACH_INTERFACE].allowed - {VmState.DELETED}


@pytest.mark.parametrize("vm_state", sorted(_REFUSED, key=lambda s: s.value), ids=lambda s: s.value)
@pytest.mark.parametrize("method,action", [("POST", "attach_interface"), ("DELETE", "detach_interface")])
def test_guards_vm_state(demo, server, vm_state, method, action):
    demo.set_state(server, vm_state)
    path = f"/servers/{server}/os-interface" + ("" if method == "POST" else f"/{MISSING}")
    response = demo(method, path, {"interfaceAttachment": {}} if method == "POST" else None)
    assert response.status_code == 409
    assert fault(response) == f"Cannot '{action}' instance {server} while it is in vm_state {vm_state.value}"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_guards_task_state_and_lock(demo, admin, server, method):
    path = f"/servers/{server}/os-interface" + ("" if method == "POST" else f"/{MISSING}")
    body = {"interfaceAttachment": {}} if method == "POST" else None
    action = "attach_interface" if method == "POST" else "detach_interface"
    demo.set_state(server, VmState.ACTIVE, TaskState.REBOOTING)
    assert fault(demo(method, path, body)) == (f"Cannot '{action}' instance {server} while it is in "
                                               f"task_state rebooting")
    demo.set_state(server, VmState.STOPPED, locked_by="owner")
    assert fault(demo(method, path, body)) == f"Instance {server} is locked"
    assert admin(method, path, body).status_code in (200, 202)


@pytest.mark.parametrize("version", ["2.101", "2.102"])
def test_unknown_query_parameters(demo, server, version):
    response = demo("GET", f"/servers/{server}/os-interface?x=1", version=version)
    assert response.status_code == (400 if version == "2.102" else 200)


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.49", "2.70", "2.104"])
def test_interface_bodies_match_novas_schemas(demo, server, version):
    created = demo("POST", f"/servers/{server}/os-interface", {"interfaceAttachment": {"net_id": PRIVATE}},
                   version=version).json
    assert schema_errors("POST", "/servers/{server_id}/os-interface", version, created) == []
    listed = demo("GET", f"/servers/{server}/os-interface", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/os-interface", version, listed) == []
    port = created["interfaceAttachment"]["port_id"]
    shown = demo("GET", f"/servers/{server}/os-interface/{port}", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/os-interface/{id}", version, shown) == []
