"""A server's live migrations in progress (``/servers/{id}/migrations``) through the HTTP layer: shapes per
microversion, policies (member, manager, admin), Nova's messages and schemas, force complete and abort."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import fault

from fakenova.domain.states import TaskState, VmState


@pytest.fixture
def server(demo):
    return demo.server()


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
