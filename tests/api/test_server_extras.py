"""os-server-password, diagnostics, os-security-groups, topology, shares and server migrations through the
HTTP layer: shapes per microversion, policies (member, manager, admin), Nova's messages and schemas."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import MISSING, fault

from fakenova.domain.states import TaskState, VmState
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


# --- migrations ----------------------------------------------------------------------------------------


def _migration(app, server, status="running", kind="live-migration", number=7):
    record = {"id": number, "uuid": f"11111111-2222-4333-8444-55555555555{number}", "instance_uuid": server,
              "source_compute": "fakenova-compute", "dest_compute": "fakenova-compute-2",
              "source_node": "fakenova-compute", "dest_node": "fakenova-compute-2", "dest_host": None,
              "status": status, "migration_type": kind, "created_at": 0.0, "updated_at": 0.0,
              "project_id": "p", "user_id": "u"}
    app.extensions["fakenova"].store.put("migration", record["uuid"], record)
    return record


@pytest.mark.parametrize("version,extra", [("2.23", set()), ("2.59", {"uuid"}),
                                           ("2.80", {"uuid", "user_id", "project_id"})])
def test_list_and_show_in_progress_live_migrations(app, admin, server, version, extra):
    _migration(app, server)
    _migration(app, server, status="completed", number=8)
    (item,) = admin("GET", f"/servers/{server}/migrations", version=version).json["migrations"]
    assert item["id"] == 7 and item["server_uuid"] == server and extra <= set(item)
    assert admin("GET", f"/servers/{server}/migrations/7", version=version).json == {"migration": item}


def test_migration_policies_and_messages(app, demo, admin, server):
    _migration(app, server, status="completed", number=8)
    _migration(app, server, kind="migration", number=9)
    listed = demo("GET", f"/servers/{server}/migrations", version="2.23")
    assert fault(listed) == "Policy doesn't allow os_compute_api:servers:migrations:index to be performed."
    assert demo("GET", f"/servers/{server}/migrations", version="2.22").status_code == 404
    messages = {"1": f"In-progress live migration 1 is not found for server {server}.",
                "8": f"Live migration 8 for server {server} is not in progress.",
                "9": f"Migration 9 for server {server} is not live-migration."}
    for number, message in messages.items():
        assert fault(admin("GET", f"/servers/{server}/migrations/{number}", version="2.23")) == message


def test_force_complete_and_abort(app, admin, demo, server):
    _migration(app, server)
    path = f"/servers/{server}/migrations/7"
    refused = admin("POST", f"{path}/action", {"force_complete": None}, version="2.22")
    assert fault(refused) == f"Cannot 'force_complete' instance {server} while it is in task_state None"
    demo.set_state(server, VmState.ACTIVE, TaskState.MIGRATING)
    assert admin("POST", f"{path}/action", {"force_complete": None}, version="2.22").status_code == 202
    missing = admin("POST", f"/servers/{server}/migrations/3/action", {"force_complete": None}, version="2.22")
    assert missing.status_code == 400 and fault(missing) == f"Migration 3 not found for instance {server}"
    assert admin("DELETE", path, version="2.23").status_code == 404
    assert admin("DELETE", path, version="2.24").status_code == 202
    again = admin("DELETE", path, version="2.24")
    assert again.status_code == 400 and fault(again) == (
        f"Migration 7 state of instance {server} is cancelled. Cannot abort live migration while the "
        "migration is in this state.")


@pytest.mark.parametrize("version,code", [("2.24", 400), ("2.65", 202)])
def test_abort_queued_from_2_65(app, admin, demo, server, version, code):
    _migration(app, server, status="queued")
    demo.set_state(server, VmState.ACTIVE, TaskState.MIGRATING)
    assert admin("DELETE", f"/servers/{server}/migrations/7", version=version).status_code == code


@needs_shared
@pytest.mark.parametrize("version", ["2.23", "2.59", "2.80", "2.104"])
def test_migration_bodies_match_novas_schemas(app, admin, server, version):
    _migration(app, server)
    listed = admin("GET", f"/servers/{server}/migrations", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/migrations", version, listed) == []
    shown = admin("GET", f"/servers/{server}/migrations/7", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/migrations/{id}", version, shown) == []
