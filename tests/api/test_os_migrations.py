"""``GET /os-migrations``: fields per microversion, filters, 2.59 paging, changes windows, policies and Nova's
messages, on records made by real actions and on records written straight to the store."""
from __future__ import annotations

import pytest
from support.apps import control
from support.nova_reference import needs_shared, schema_errors
from support.roles import grant
from support.server_api import Api, fault

from fakenova.microversions import V

BASE = {"created_at", "dest_compute", "dest_host", "dest_node", "id", "instance_uuid", "new_instance_type_id",
        "old_instance_type_id", "source_compute", "source_node", "status", "updated_at"}
HOSTS = ("source_compute", "source_node", "dest_compute", "dest_node", "dest_host")


def put(app, number: int, *, server: str = "11111111-2222-4333-8444-000000000001", created: float = 100.0,
        **fields):
    record = {"id": number, "uuid": f"aaaaaaaa-2222-4333-8444-{number:012d}", "instance_uuid": server,
              "source_compute": "fakenova-compute", "dest_compute": "compute-2", "source_node": "fakenova-compute",
              "dest_node": "compute-2", "dest_host": "127.0.0.1", "status": "running",
              "migration_type": "live-migration", "created_at": created, "updated_at": created,
              "project_id": "p1", "user_id": "u1", "old_instance_type_id": 1, "new_instance_type_id": 1,
              "hidden": False, **fields}
    app.extensions["fakenova"].store.put("migration", record["uuid"], record)
    return record


def listed(api: Api, query: str = "", version: str = "2.1"):
    response = api("GET", f"/os-migrations{query}", version=version)
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("version,extra", [("2.1", set()), ("2.22", set()), ("2.23", {"migration_type"}),
                                           ("2.58", {"migration_type"}), ("2.59", {"migration_type", "uuid"}),
                                           ("2.80", {"migration_type", "uuid", "user_id", "project_id"})])
def test_a_resize_shows_in_the_list_with_the_fields_of_each_version(demo, admin, version, extra):
    server = demo.server()
    assert demo("POST", f"/servers/{server}/action", {"resize": {"flavorRef": "2"}}).status_code == 202
    (item,) = listed(admin, version=version)["migrations"]
    assert set(item) == BASE | extra
    assert item["instance_uuid"] == server and item["status"] == "finished"
    assert (item["old_instance_type_id"], item["new_instance_type_id"]) == (1, 2)
    assert item["source_compute"] == "fakenova-compute" and item["created_at"].endswith(".000000")
    if "user_id" in extra:
        assert item["project_id"] == demo.stored(server).project_id


def test_links_only_on_in_progress_live_migrations_from_2_23(app, admin):
    put(app, 1)
    put(app, 2, status="completed")
    put(app, 3, migration_type="resize", status="migrating")
    assert all("links" not in m for m in listed(admin, version="2.22")["migrations"])
    items = {m["id"]: m for m in listed(admin, version="2.23")["migrations"]}
    assert "links" not in items[2] and "links" not in items[3]
    self_link, bookmark = items[1]["links"]
    assert self_link["rel"] == "self" and self_link["href"].endswith(
        "/compute/v2.1/servers/11111111-2222-4333-8444-000000000001/migrations/1")
    assert bookmark["rel"] == "bookmark" and "/v2.1/" not in bookmark["href"]


@pytest.mark.parametrize("query,ids", [
    ("?status=completed", [2]), ("?host=compute-3", [3]), ("?host=fakenova-compute", [1, 2]),
    ("?source_compute=compute-3", [3]), ("?host=fakenova-compute&source_compute=compute-3", [1, 2]),
    ("?migration_type=resize", [2]), ("?instance_uuid=11111111-2222-4333-8444-000000000009", [3]),
    ("?hidden=0", [1, 2, 3]), ("?hidden=1", []), ("?status=running&status=completed", [2]),
])
def test_filters(app, admin, query, ids):
    put(app, 1)
    put(app, 2, status="completed", migration_type="resize")
    put(app, 3, source_compute="compute-3", dest_compute="compute-3",
        server="11111111-2222-4333-8444-000000000009")
    assert [m["id"] for m in listed(admin, query)["migrations"]] == ids


def test_user_and_project_filters_from_2_80(app, admin):
    put(app, 1)
    put(app, 2, user_id="u2", project_id="p2")
    assert len(listed(admin, "?user_id=u2", version="2.58")["migrations"]) == 2  # dropped before 2.59
    assert [m["id"] for m in listed(admin, "?user_id=u2", version="2.80")["migrations"]] == [2]
    assert [m["id"] for m in listed(admin, "?project_id=p1", version="2.80")["migrations"]] == [1]


def test_unknown_parameters_are_refused_from_2_59(admin):
    assert admin("GET", "/os-migrations?bogus=1", version="2.58").status_code == 200
    response = admin("GET", "/os-migrations?bogus=1", version="2.59")
    assert response.status_code == 400
    assert fault(response) == "Additional properties are not allowed ('bogus' was unexpected)"
    assert admin("GET", "/os-migrations?user_id=u", version="2.79").status_code == 400


def test_paging_from_2_59_newest_first_with_links(app, admin):
    for number in (1, 2, 3):
        put(app, number, created=100.0 * number)
    assert [m["id"] for m in listed(admin, "?limit=1", version="2.58")["migrations"]] == [1, 2, 3]
    page = listed(admin, "?limit=2", version="2.59")
    assert [m["id"] for m in page["migrations"]] == [3, 2]
    (next_link,) = page["migrations_links"]
    assert next_link["rel"] == "next" and next_link["href"].endswith(
        "/os-migrations?limit=2&marker=aaaaaaaa-2222-4333-8444-000000000002")
    rest = listed(admin, "?limit=2&marker=aaaaaaaa-2222-4333-8444-000000000002", version="2.59")
    assert [m["id"] for m in rest["migrations"]] == [1] and "migrations_links" not in rest
    assert listed(admin, "?limit=0", version="2.59") == {"migrations": []}


def test_marker_not_found(admin):
    response = admin("GET", "/os-migrations?marker=nope", version="2.59")
    assert response.status_code == 400 and fault(response) == "Marker nope could not be found."


def test_changes_since_from_2_59_and_changes_before_from_2_66(app, admin):
    put(app, 1, created=0.0)
    put(app, 2, created=1_767_225_600.0)  # 2026-01-01T00:00:00Z
    since = "?changes-since=2025-06-01T00:00:00Z"
    assert len(listed(admin, since, version="2.58")["migrations"]) == 2
    assert [m["id"] for m in listed(admin, since, version="2.59")["migrations"]] == [2]
    before = "?changes-before=2025-06-01T00:00:00Z"
    assert admin("GET", f"/os-migrations{before}", version="2.65").status_code == 400
    assert [m["id"] for m in listed(admin, before, version="2.66")["migrations"]] == [1]
    both = "?changes-since=2026-01-01T00:00:00Z&changes-before=2025-01-01T00:00:00Z"
    response = admin("GET", f"/os-migrations{both}", version="2.66")
    assert fault(response) == "The value of changes-since must be less than or equal to changes-before."
    response = admin("GET", "/os-migrations?changes-since=yesterday", version="2.59")
    assert response.status_code == 400


def test_policies_member_manager_and_admin(app, demo, admin):
    put(app, 1, project_id="3a2d4c2f0b7e4d209f8e7d6c5b4a3928")  # demo's project
    put(app, 2)
    response = demo("GET", "/os-migrations")
    assert response.status_code == 403
    assert fault(response) == "Policy doesn't allow os_compute_api:os-migrations:index to be performed."
    grant(app, "demo", "demo", "manager", "member", "reader")
    manager = Api(app)
    response = manager("GET", "/os-migrations", version="2.80")
    assert fault(response) == ("Policy doesn't allow os_compute_api:os-migrations:index:all_projects to be "
                               "performed.")
    assert manager("GET", "/os-migrations?project_id=p1", version="2.80").status_code == 403
    (own,) = listed(manager, "?project_id=3a2d4c2f0b7e4d209f8e7d6c5b4a3928", version="2.80")["migrations"]
    assert own["id"] == 1 and all(own[key] is None for key in HOSTS)
    assert manager("GET", "/os-migrations?project_id=3a2d4c2f0b7e4d209f8e7d6c5b4a3928",
                   version="2.79").status_code == 400  # not a parameter before 2.80
    assert all(m["source_compute"] for m in listed(admin, version="2.80")["migrations"])


def test_migration_records_follow_the_clock(demo, admin):
    server = demo.server()
    control(demo.app).clock.advance(600)
    demo("POST", f"/servers/{server}/action", {"resize": {"flavorRef": "2"}})
    (item,) = listed(admin, version="2.80")["migrations"]
    assert item["created_at"] == "2026-01-01T00:10:00.000000"


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.23", "2.59", "2.66", "2.80", "2.104"])
def test_bodies_match_novas_schemas(app, demo, admin, version):
    put(app, 1)
    put(app, 2, migration_type="resize", status="finished", old_instance_type_id=None)
    for number in range(3, 6):
        put(app, number, created=100.0 + number)
    query = "?limit=2" if V(version) >= V("2.59") else ""
    body = listed(admin, query, version=version)
    assert schema_errors("GET", "/os-migrations", version, body) == []
