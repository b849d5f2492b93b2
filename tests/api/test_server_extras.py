"""os-server-password, diagnostics, os-security-groups, topology and shares through the
HTTP layer: shapes per microversion, policies (member, manager, admin), Nova's messages and schemas."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import MISSING, fault

from fakenova.domain.states import VmState
from fakenova.microversions import V

STANDARD_DIAGNOSTICS = {"state", "driver", "hypervisor", "hypervisor_os", "uptime", "config_drive", "num_cpus",
                        "num_nics", "num_disks", "memory_details", "cpu_details", "nic_details", "disk_details"}


@pytest.fixture
def server(demo):
    return demo.server()


def test_password_is_empty_until_the_guest_posts_one_and_delete_clears_it(app, demo, server):
    assert demo("GET", f"/servers/{server}/os-server-password").json == {"password": ""}
    app.extensions["fakenova"].store.put("server_password", server, "c2VjcmV0")
    assert demo("GET", f"/servers/{server}/os-server-password").json == {"password": "c2VjcmV0"}
    assert demo("DELETE", f"/servers/{server}/os-server-password").status_code == 204
    assert demo("GET", f"/servers/{server}/os-server-password").json == {"password": ""}
    assert fault(demo("GET", f"/servers/{MISSING}/os-server-password")) == f"Instance {MISSING} could not be found."


def test_diagnostics_are_admin_only(demo, admin, server):
    response = demo("GET", f"/servers/{server}/diagnostics")
    assert response.status_code == 403
    assert fault(response) == "Policy doesn't allow os_compute_api:os-server-diagnostics to be performed."
    assert admin("GET", f"/servers/{server}/diagnostics").status_code == 200


@pytest.mark.parametrize("version", ["2.1", "2.47", "2.48", "2.104"])
def test_diagnostics_shape_per_version(admin, demo, server, version):
    body = admin("GET", f"/servers/{server}/diagnostics", version=version).json
    if V(version) >= V("2.48"):
        assert set(body) == STANDARD_DIAGNOSTICS and body["state"] == "running" and body["num_nics"] == 1
    else:
        assert "cpu0_time" in body and "memory" in body


def test_diagnostics_need_a_host(admin, demo, server):
    demo.set_state(server, VmState.SHELVED_OFFLOADED, host=None, node=None)
    response = admin("GET", f"/servers/{server}/diagnostics")
    assert response.status_code == 409 and fault(response) == f"Instance {server} is not ready"


def test_security_groups_of_a_server(demo, server):
    (group,) = demo("GET", f"/servers/{server}/os-security-groups").json["security_groups"]
    assert group["name"] == "default" and group["tenant_id"] == demo.stored(server).project_id
    assert len(group["rules"]) == 2 and group["rules"][0]["group"]["name"] == "default"
    portless = demo.server(networks="none")
    assert demo("GET", f"/servers/{portless}/os-security-groups").json == {"security_groups": []}


def test_topology_from_2_78_and_shares_from_2_97(demo, server):
    assert demo("GET", f"/servers/{server}/topology", version="2.77").status_code == 404
    assert demo("GET", f"/servers/{server}/topology", version="2.78").json == {"nodes": [], "pagesize_kb": None}
    assert demo("GET", f"/servers/{server}/shares", version="2.96").status_code == 404
    assert demo("GET", f"/servers/{server}/shares", version="2.97").json == {"shares": []}


@needs_shared
def test_bodies_match_novas_schemas(demo, admin, server):
    checks = [("GET", "/servers/{server_id}/os-server-password", "2.1", demo, "os-server-password"),
              ("GET", "/servers/{server_id}/os-security-groups", "2.1", demo, "os-security-groups"),
              ("GET", "/servers/{server_id}/diagnostics", "2.1", admin, "diagnostics"),
              ("GET", "/servers/{server_id}/diagnostics", "2.48", admin, "diagnostics"),
              ("GET", "/servers/{server_id}/topology", "2.78", demo, "topology")]
    for method, path, version, api, suffix in checks:
        body = api(method, f"/servers/{server}/{suffix}", version=version).json
        assert schema_errors(method, path, version, body) == [], suffix
