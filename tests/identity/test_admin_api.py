"""Keystone's admin API through the Flask client: create, list, show, update, delete of domains, projects,
users, groups and roles; grants, membership, role assignments and inference rules; Keystone's errors."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.keystone import V3, headers, login

DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ROLE = {"admin": "5f9a7b1c3d2e4f60a1b2c3d4e5f60718", "member": "6a0b8c2d4e3f5071b2c3d4e5f6071829",
        "reader": "7b1c9d3e5f406182c3d4e5f60718293a", "manager": "8c2d0e4f6a517293d4e5f60718293a4b"}


@pytest.fixture
def admin(client) -> Dict[str, str]:
    return headers(login(client, "admin", "admin"))


def create(client, admin, kind: str, **fields: Any) -> Dict[str, Any]:
    response = client.post(f"{V3}/{kind}s", json={kind: fields}, headers=admin)
    assert response.status_code == 201, response.json
    assert response.headers["Vary"] == "X-Auth-Token"
    return response.json[kind]


# -- create, show, list, update, delete --------------------------------------------------------------------

#: kind -> (create fields, the shape it is shown in (beyond id and links), an update, the shown change)
RESOURCES = {
    "domain": ({"name": "d1", "description": "a domain"},
               {"name": "d1", "description": "a domain", "enabled": True, "tags": [], "options": {}},
               {"enabled": False}, {"enabled": False}),
    "project": ({"name": "p1", "description": "x"},
                {"name": "p1", "description": "x", "domain_id": "default", "enabled": True,
                 "parent_id": "default", "is_domain": False, "tags": [], "options": {}},
                {"name": "p1-renamed"}, {"name": "p1-renamed"}),
    "user": ({"name": "u1", "password": "secret", "email": "u1@example.org"},
             {"name": "u1", "domain_id": "default", "enabled": True, "password_expires_at": None,
              "options": {}, "email": "u1@example.org"},
             {"enabled": False}, {"enabled": False}),
    "group": ({"name": "g1"}, {"name": "g1", "domain_id": "default", "description": ""},
              {"description": "now described"}, {"description": "now described"}),
    "role": ({"name": "r1"}, {"name": "r1", "domain_id": None, "description": None, "options": {}},
             {"name": "r1-renamed"}, {"name": "r1-renamed"}),
}


@pytest.mark.parametrize("kind", RESOURCES)
def test_lifecycle(client, admin, kind):
    fields, shown, change, changed = RESOURCES[kind]
    made = create(client, admin, kind, **fields)
    url = f"{V3}/{kind}s/{made['id']}"
    assert made == {**shown, "id": made["id"], "links": {"self": "http://localhost" + url}}
    assert client.get(url, headers=admin).json[kind] == made
    listed = client.get(f"{V3}/{kind}s?name={fields['name']}", headers=admin)
    assert (listed.status_code, [item["id"] for item in listed.json[f"{kind}s"]]) == (200, [made["id"]])
    updated = client.patch(url, json={kind: change}, headers=admin)
    assert (updated.status_code, updated.json[kind]) == (200, {**made, **changed})
    deleted = client.delete(url, headers=admin)
    assert (deleted.status_code, deleted.data) == (204, b"")
    gone = client.get(url, headers=admin)
    assert (gone.status_code, gone.json["error"]["message"]) == (404, f"Could not find {kind}: {made['id']}.")


@pytest.mark.parametrize("kind, fields, message", [
    ("project", {"name": "demo"}, "Conflict occurred attempting to store project - it is not permitted to have "
     "two projects with either the same name or same id in the same domain: name is demo, project id {id}."),
    ("user", {"name": "demo"}, "Conflict occurred attempting to store user - Duplicate entry found with name demo "
     "at domain ID default."),
    ("role", {"name": "member"}, "Conflict occurred attempting to store role - Duplicate entry found with name "
     "member."),
    ("domain", {"name": "Default"}, "Conflict occurred attempting to store project - it is not permitted to have "
     "two projects acting as domains with the same name: Default."),
])
def test_duplicate_names_are_409(client, admin, app, kind, fields, message):
    before = len(app.extensions["fakenova"].store.list(kind))
    response = client.post(f"{V3}/{kind}s", json={kind: fields}, headers=admin)
    assert response.status_code == 409
    assert response.json["error"]["title"] == "Conflict"
    assert response.json["error"]["message"].split(", project id")[0] == message.split(", project id")[0]
    assert len(app.extensions["fakenova"].store.list(kind)) == before


@pytest.mark.parametrize("body, message", [
    ({"project": {}}, "Invalid input for field 'project': 'name' is a required property"),
    ({"project": {"name": ""}}, "Invalid input for field 'project/name': '' should be non-empty"),
    ({}, "'project' is a required property"),
])
def test_schema_errors_are_400(client, admin, body, message):
    response = client.post(f"{V3}/projects", json=body, headers=admin)
    assert (response.status_code, response.json["error"]["message"]) == (400, message)


#: the longest name Keystone's schemas take per kind: projects and domains share the resource schema's 64
NAME_LIMITS = {"domain": 64, "project": 64, "user": 255, "group": 255, "role": 255}


@pytest.mark.parametrize("kind, limit", NAME_LIMITS.items())
def test_names_are_capped_as_keystones_schemas_cap_them(client, admin, kind, limit):
    assert create(client, admin, kind, name="n" * limit)["name"] == "n" * limit
    too_long = "m" * (limit + 1)
    response = client.post(f"{V3}/{kind}s", json={kind: {"name": too_long}}, headers=admin)
    assert (response.status_code, response.json["error"]["message"]) == (
        400, f"Invalid input for field '{kind}/name': '{too_long}' is too long")
    listed = client.get(f"{V3}/{kind}s", headers=admin).json[f"{kind}s"]
    assert too_long not in [item["name"] for item in listed]  # nothing stored


def test_child_project_and_leaf_rule(client, admin):
    parent = create(client, admin, "project", name="parent")
    child = create(client, admin, "project", name="child", parent_id=parent["id"])
    assert (child["parent_id"], child["domain_id"]) == (parent["id"], "default")
    refused = client.delete(f"{V3}/projects/{parent['id']}", headers=admin)
    assert refused.status_code == 403
    assert refused.json["error"]["message"] == (
        f"Cannot delete the project {parent['id']} since it is not a leaf in the hierarchy. Use the cascade option "
        "if you want to delete a whole subtree.")


def test_an_enabled_domain_cannot_be_deleted(client, admin):
    domain = create(client, admin, "domain", name="d2")
    refused = client.delete(f"{V3}/domains/{domain['id']}", headers=admin)
    assert (refused.status_code, refused.json["error"]["message"]) == (
        403, "Cannot delete a domain that is enabled, please disable it first.")
    client.patch(f"{V3}/domains/{domain['id']}", json={"domain": {"enabled": False}}, headers=admin)
    assert client.delete(f"{V3}/domains/{domain['id']}", headers=admin).status_code == 204


def test_projects_in_a_new_domain(client, admin):
    domain = create(client, admin, "domain", name="d3")
    project = create(client, admin, "project", name="demo", domain_id=domain["id"])  # same name, other domain
    assert (project["domain_id"], project["parent_id"]) == (domain["id"], domain["id"])
    listed = client.get(f"{V3}/projects?domain_id={domain['id']}", headers=admin).json["projects"]
    assert [p["id"] for p in listed] == [project["id"]]


# -- grants, groups, role assignments ----------------------------------------------------------------------

def test_grant_check_revoke_on_a_project(client, admin):
    user = create(client, admin, "user", name="u2", password="pw")
    project = create(client, admin, "project", name="p2")
    url = f"{V3}/projects/{project['id']}/users/{user['id']}/roles/{ROLE['member']}"
    assert client.head(url, headers=admin).status_code == 404
    assert client.put(url, headers=admin).status_code == 204
    assert client.put(url, headers=admin).status_code == 204  # idempotent
    assert client.head(url, headers=admin).status_code == 204
    roles = client.get(f"{V3}/projects/{project['id']}/users/{user['id']}/roles", headers=admin).json["roles"]
    assert [r["name"] for r in roles] == ["member"]
    token = client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": user["id"], "password": "pw"}}}, "scope": {"project": {"id": project["id"]}}}})
    assert [r["name"] for r in token.json["token"]["roles"]] == ["member", "reader"]  # implied reader
    assert client.delete(url, headers=admin).status_code == 204
    missing = client.delete(url, headers=admin)
    assert (missing.status_code, missing.json["error"]["message"]) == (404, (
        f"Could not find role assignment with role: {ROLE['member']}, user or group: {user['id']}, project, "
        f"domain, or system: {project['id']}."))


def test_group_membership_and_group_grants(client, admin):
    group = create(client, admin, "group", name="g2")
    user = create(client, admin, "user", name="u3", password="pw")
    project = create(client, admin, "project", name="p3")
    member = f"{V3}/groups/{group['id']}/users/{user['id']}"
    assert client.head(member, headers=admin).status_code == 404
    assert client.put(member, headers=admin).status_code == 204
    assert client.head(member, headers=admin).status_code == 204
    assert [u["id"] for u in client.get(f"{V3}/groups/{group['id']}/users", headers=admin).json["users"]] == [
        user["id"]]
    assert [g["id"] for g in client.get(f"{V3}/users/{user['id']}/groups", headers=admin).json["groups"]] == [
        group["id"]]
    grant = f"{V3}/projects/{project['id']}/groups/{group['id']}/roles/{ROLE['reader']}"
    assert client.put(grant, headers=admin).status_code == 204
    effective = client.get(f"{V3}/role_assignments?user.id={user['id']}&effective", headers=admin).json
    assert effective["role_assignments"] == [{
        "role": {"id": ROLE["reader"]}, "user": {"id": user["id"]}, "scope": {"project": {"id": project["id"]}},
        "links": {"assignment": f"http://localhost{grant}",
                  "membership": f"http://localhost{member}"}}]
    token = login(client, "u3", "p3", password="pw")
    assert client.get(f"{V3}/auth/tokens", headers={**admin, "X-Subject-Token": token}).status_code == 200
    assert client.delete(member, headers=admin).status_code == 204
    revoked = client.get(f"{V3}/auth/tokens", headers={**admin, "X-Subject-Token": token})
    assert revoked.status_code == 404  # no role left on the project: the token stops working


@pytest.mark.parametrize("query, expected", [
    (f"user.id={DEMO_USER}", [("member", DEMO_PROJECT), ("reader", DEMO_PROJECT)]),
    (f"user.id={DEMO_USER}&role.id={ROLE['member']}", [("member", DEMO_PROJECT)]),
    (f"user.id={DEMO_USER}&scope.domain.id=default", []),
])
def test_role_assignment_filters(client, admin, query, expected):
    response = client.get(f"{V3}/role_assignments?{query}&include_names", headers=admin)
    assert response.status_code == 200
    rows = response.json["role_assignments"]
    assert [(row["role"]["name"], row["scope"]["project"]["id"]) for row in rows] == expected
    assert all(row["user"] == {"id": DEMO_USER, "name": "demo", "domain": {"id": "default", "name": "Default"}}
               for row in rows)


def test_domain_and_system_grants_scope_tokens(client, admin):
    user = create(client, admin, "user", name="u4", password="pw")
    for path in (f"domains/default/users/{user['id']}/roles/{ROLE['manager']}",
                 f"system/users/{user['id']}/roles/{ROLE['reader']}"):
        assert client.put(f"{V3}/{path}", headers=admin).status_code == 204
    domain_token = client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": user["id"], "password": "pw"}}}, "scope": {"domain": {"id": "default"}}}}).json["token"]
    assert domain_token["domain"] == {"id": "default", "name": "Default"}
    assert [r["name"] for r in domain_token["roles"]] == ["manager", "member", "reader"]
    system_token = client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": user["id"], "password": "pw"}}}, "scope": {"system": {"all": True}}}}).json["token"]
    assert (system_token["system"], [r["name"] for r in system_token["roles"]]) == ({"all": True}, ["reader"])
    assert "catalog" in system_token and "project" not in system_token


def test_bootstrap_inference_rules(client, admin):
    implies = client.get(f"{V3}/roles/{ROLE['admin']}/implies", headers=admin)
    assert implies.status_code == 200
    assert implies.json["role_inference"]["prior_role"]["name"] == "admin"
    assert [r["name"] for r in implies.json["role_inference"]["implies"]] == ["manager"]
    rules = client.get(f"{V3}/role_inferences", headers=admin).json["role_inferences"]
    assert [(r["prior_role"]["name"], [i["name"] for i in r["implies"]]) for r in rules] == [
        ("admin", ["manager"]), ("manager", ["member"]), ("member", ["reader"])]
    assert client.head(f"{V3}/roles/{ROLE['member']}/implies/{ROLE['reader']}", headers=admin).status_code == 204
    missing = client.get(f"{V3}/roles/{ROLE['reader']}/implies/{ROLE['member']}", headers=admin)
    assert (missing.status_code, missing.json["error"]["message"]) == (
        404, f"{ROLE['reader']} does not imply {ROLE['member']}.")


@pytest.mark.parametrize("path, key, names", [
    ("services", "services", ["keystone", "nova", "glance", "neutron", "cinderv3", "cinderv3"]),
    ("regions", "regions", None),
])
def test_catalog_read_api(client, admin, path, key, names):
    response = client.get(f"{V3}/{path}", headers=admin)
    assert response.status_code == 200
    if names:
        assert [item["name"] for item in response.json[key]] == names
    else:
        assert [item["id"] for item in response.json[key]] == ["RegionOne"]


def test_endpoints_match_the_token_catalog(client, admin):
    token = client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "admin", "domain": {"id": "default"}, "password": "admin"}}}}}).json["token"]
    in_token = {(e["id"], e["url"]) for service in token["catalog"] for e in service["endpoints"]}
    listed = client.get(f"{V3}/endpoints", headers=admin).json["endpoints"]
    # the endpoint API shows Keystone's template where a token carries its project's URL (Cinder's)
    assert any("/volume/v3/$(project_id)s" in e["url"] for e in listed)
    project = token["project"]["id"]
    assert {(e["id"], e["url"].replace("$(project_id)s", project)) for e in listed} == in_token
    one = client.get(f"{V3}/endpoints/{listed[0]['id']}", headers=admin)
    assert (one.status_code, one.json["endpoint"]["service_id"]) == (200, listed[0]["service_id"])
