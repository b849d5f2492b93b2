"""Keystone's default policy on every admin write: a reader of the project, a member of another project and
an anonymous caller are refused with Keystone's exact code and body, and nothing in the store changes."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
from support.keystone import V3, headers, login

DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
ADMIN_USER = "9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
MEMBER, READER, ADMIN = ("6a0b8c2d4e3f5071b2c3d4e5f6071829", "7b1c9d3e5f406182c3d4e5f60718293a",
                         "5f9a7b1c3d2e4f60a1b2c3d4e5f60718")
KINDS = ("domain", "project", "user", "group", "role", "assignment", "grant", "membership", "implied_role",
         "app_cred")
REQUIRES_AUTH = {"error": {"code": 401, "title": "Unauthorized",
                           "message": "The request you have made requires authentication."}}

#: (method, path, body, the rule Keystone names when it refuses)
WRITES = [
    ("POST", "/domains", {"domain": {"name": "x"}}, "identity:create_domain"),
    ("PATCH", "/domains/default", {"domain": {"enabled": False}}, "identity:update_domain"),
    ("DELETE", "/domains/default", None, "identity:delete_domain"),
    ("POST", "/projects", {"project": {"name": "x"}}, "identity:create_project"),
    ("PATCH", f"/projects/{DEMO_PROJECT}", {"project": {"name": "x"}}, "identity:update_project"),
    ("DELETE", f"/projects/{DEMO_PROJECT}", None, "identity:delete_project"),
    ("POST", "/users", {"user": {"name": "x", "password": "x"}}, "identity:create_user"),
    ("PATCH", f"/users/{ADMIN_USER}", {"user": {"enabled": False}}, "identity:update_user"),
    ("DELETE", f"/users/{ADMIN_USER}", None, "identity:delete_user"),
    ("POST", "/groups", {"group": {"name": "x"}}, "identity:create_group"),
    ("POST", "/roles", {"role": {"name": "x"}}, "identity:create_role"),
    ("PATCH", f"/roles/{MEMBER}", {"role": {"name": "x"}}, "identity:update_role"),
    ("DELETE", f"/roles/{MEMBER}", None, "identity:delete_role"),
    ("PUT", f"/roles/{READER}/implies/{MEMBER}", None, "identity:create_implied_role"),
    ("DELETE", f"/roles/{MEMBER}/implies/{READER}", None, "identity:delete_implied_role"),
    ("PUT", f"/projects/{DEMO_PROJECT}/users/{DEMO_USER}/roles/{ADMIN}", None, "identity:create_grant"),
    ("DELETE", f"/projects/{DEMO_PROJECT}/users/{DEMO_USER}/roles/{MEMBER}", None, "identity:revoke_grant"),
    ("PUT", f"/domains/default/users/{DEMO_USER}/roles/{ADMIN}", None, "identity:create_grant"),
    ("PUT", f"/system/users/{DEMO_USER}/roles/{ADMIN}", None, "identity:create_system_grant_for_user"),
    ("POST", f"/users/{ADMIN_USER}/application_credentials", {"application_credential": {"name": "x"}},
     "identity:create_application_credential"),
]

#: who calls: the demo project's reader, a member of another project, nobody
CALLERS = {"reader": ("demo_reader", "demo"), "other-project": ("alt_demo", "alt_demo"), "anonymous": None}


def _snapshot(app) -> Dict[str, List[Any]]:
    store = app.extensions["fakenova"].store
    return {kind: store.list(kind) for kind in KINDS}


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("method, path, body, rule", WRITES, ids=[f"{w[0]} {w[1]}" for w in WRITES])
def test_refused_writes_change_nothing(app, client, who, method, path, body, rule):
    sent = headers(login(client, *CALLERS[who])) if CALLERS[who] else {}
    before = _snapshot(app)
    response = client.open(V3 + path, method=method, json=body, headers=sent)
    if who == "anonymous":
        assert (response.status_code, response.json) == (401, REQUIRES_AUTH)
        assert response.headers["WWW-Authenticate"] == 'Keystone uri="http://localhost/identity"'
    else:
        assert (response.status_code, response.json) == (403, {"error": {
            "code": 403, "title": "Forbidden",
            "message": f"You are not authorized to perform the requested action: {rule}."}})
    assert response.headers["Vary"] == "X-Auth-Token"
    assert _snapshot(app) == before


@pytest.mark.parametrize("path", ["/users", "/groups", f"/projects/{DEMO_PROJECT}/users/{DEMO_USER}/roles",
                                  "/services", "/endpoints", f"/roles/{ADMIN}/implies", "/role_inferences"])
def test_project_members_cannot_read_admin_lists(client, path):
    response = client.get(V3 + path, headers=headers(login(client, "demo", "demo")))
    assert response.status_code == 403
    assert response.json["error"]["message"].startswith("You are not authorized to perform the requested action: ")


def test_regions_are_readable_by_any_token(client):
    response = client.get(V3 + "/regions", headers=headers(login(client, "demo", "demo")))
    assert (response.status_code, [r["id"] for r in response.json["regions"]]) == (200, ["RegionOne"])
