"""Tokens against the admin API: who may validate and revoke, Keystone's revocation behaviour (password
change, disabled or deleted users and projects) and application credentials as an auth method."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.keystone import V3, headers, login

DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
SERVERS = "/compute/v2.1/servers"
REQUIRES_AUTH = {"error": {"code": 401, "title": "Unauthorized",
                           "message": "The request you have made requires authentication."}}


def forbidden(rule: str) -> Dict[str, Any]:
    return {"error": {"code": 403, "title": "Forbidden",
                      "message": f"You are not authorized to perform the requested action: {rule}."}}


@pytest.fixture
def admin(client) -> Dict[str, str]:
    return headers(login(client, "admin", "admin"))


# -- validate, check, revoke policies ----------------------------------------------------------------------

@pytest.mark.parametrize("who, method, status, rule", [
    (("demo", "demo"), "GET", 200, None),                         # the token's own user
    (("admin", "admin"), "GET", 200, None),
    (("nova", "service"), "GET", 200, None),                      # rule:service_role
    (("nova", "service"), "HEAD", 403, "identity:check_token"),    # check_token has no service clause
    (("alt_demo", "alt_demo"), "GET", 403, "identity:validate_token"),
    (("alt_demo", "alt_demo"), "DELETE", 403, "identity:revoke_token"),
    (("nova", "service"), "DELETE", 403, "identity:revoke_token"),
])
def test_who_may_validate_and_revoke(client, who, method, status, rule):
    subject = login(client, "demo", "demo")
    response = client.open(f"{V3}/auth/tokens", method=method,
                           headers={**headers(login(client, *who)), "X-Subject-Token": subject})
    assert response.status_code == status
    assert response.headers["Vary"] == "X-Auth-Token"
    if rule and method != "HEAD":
        assert response.json == forbidden(rule)
    assert client.get(SERVERS, headers=headers(subject)).status_code == 200  # refused calls revoke nothing


# -- revocation --------------------------------------------------------------------------------------------

def _user_change(client, admin) -> None:
    client.patch(f"{V3}/users/{DEMO_USER}", json={"user": {"enabled": False}}, headers=admin)


def _password_change(client, admin) -> None:
    response = client.post(f"{V3}/users/{DEMO_USER}/password",
                           json={"user": {"original_password": "demo", "password": "new-pass"}})
    assert (response.status_code, response.data) == (204, b"")


REVOKERS = {
    "password changed": _password_change,
    "user disabled": _user_change,
    "user deleted": lambda client, admin: client.delete(f"{V3}/users/{DEMO_USER}", headers=admin),
    "project disabled": lambda client, admin: client.patch(
        f"{V3}/projects/{DEMO_PROJECT}", json={"project": {"enabled": False}}, headers=admin),
    "project deleted": lambda client, admin: client.delete(f"{V3}/projects/{DEMO_PROJECT}", headers=admin),
    "role revoked": lambda client, admin: [client.delete(
        f"{V3}/projects/{DEMO_PROJECT}/users/{DEMO_USER}/roles/{role}", headers=admin)
        for role in ("6a0b8c2d4e3f5071b2c3d4e5f6071829", "7b1c9d3e5f406182c3d4e5f60718293a")],
}


@pytest.mark.parametrize("change", REVOKERS)
def test_changes_revoke_every_token_of_the_user_or_project(client, admin, change):
    tokens = [login(client, "demo", "demo") for _ in range(2)]
    assert all(client.get(SERVERS, headers=headers(t)).status_code == 200 for t in tokens)
    REVOKERS[change](client, admin)
    for token in tokens:
        response = client.get(SERVERS, headers=headers(token))
        assert (response.status_code, response.json) == (401, REQUIRES_AUTH)
        validated = client.get(f"{V3}/auth/tokens", headers={**admin, "X-Subject-Token": token})
        assert validated.status_code == 404
    assert client.get(SERVERS, headers=admin).status_code == 200  # other users' tokens live on


def test_password_change_needs_the_original(client):
    response = client.post(f"{V3}/users/{DEMO_USER}/password",
                           json={"user": {"original_password": "wrong", "password": "x"}})
    assert (response.status_code, response.json) == (401, REQUIRES_AUTH)
    login(client, "demo", "demo")  # unchanged
    _password_change(client, None)
    assert login(client, "demo", "demo", password="new-pass")


def test_disabled_user_cannot_authenticate(client, admin):
    _user_change(client, admin)
    response = client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": DEMO_USER, "password": "demo"}}}}})
    assert (response.status_code, response.json) == (401, REQUIRES_AUTH)


# -- application credentials -------------------------------------------------------------------------------

def _cred(client, token: str, **fields: Any):
    return client.post(f"{V3}/users/{DEMO_USER}/application_credentials",
                       json={"application_credential": {"name": "ci", **fields}}, headers=headers(token))


def _cred_auth(client, payload: Dict[str, Any], **extra: Any):
    return client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {
        "methods": ["application_credential"], "application_credential": payload}, **extra}})


def test_application_credential_lifecycle(client):
    token = login(client, "demo", "demo")
    made = _cred(client, token, description="for CI")
    assert made.status_code == 201
    cred = made.json["application_credential"]
    assert (cred["project_id"], cred["user_id"], cred["unrestricted"], cred["expires_at"]) == (
        DEMO_PROJECT, DEMO_USER, False, None)
    assert [r["name"] for r in cred["roles"]] == ["member", "reader"] and len(cred["secret"]) == 86
    by_id = _cred_auth(client, {"id": cred["id"], "secret": cred["secret"]})
    by_name = _cred_auth(client, {"name": "ci", "secret": cred["secret"],
                                  "user": {"name": "demo", "domain": {"name": "Default"}}})
    for issued in (by_id, by_name):
        assert issued.status_code == 201
        body = issued.json["token"]
        assert body["methods"] == ["application_credential"]
        assert body["application_credential"] == {"id": cred["id"], "name": "ci", "restricted": True}
        assert body["project"]["id"] == DEMO_PROJECT
    cred_token = by_id.headers["X-Subject-Token"]
    assert client.get(SERVERS, headers=headers(cred_token)).status_code == 200
    listed = client.get(f"{V3}/users/{DEMO_USER}/application_credentials", headers=headers(token))
    assert [c["id"] for c in listed.json["application_credentials"]] == [cred["id"]]
    assert "secret" not in listed.json["application_credentials"][0]
    assert client.delete(f"{V3}/users/{DEMO_USER}/application_credentials/{cred['id']}",
                         headers=headers(token)).status_code == 204
    assert client.get(SERVERS, headers=headers(cred_token)).status_code == 401


def test_a_restricted_credential_cannot_manage_credentials(client):
    token = login(client, "demo", "demo")
    restricted = _cred(client, token).json["application_credential"]
    cred_token = _cred_auth(client, {"id": restricted["id"], "secret": restricted["secret"]}).headers[
        "X-Subject-Token"]
    # ForbiddenAction's "...action: %(action)s." around an action that ends in a period: Keystone's two dots
    message = ("You are not authorized to perform the requested action: Using method 'application_credential' is "
               "not allowed for managing additional application credentials..")
    refused = _cred(client, cred_token, name="second")
    assert (refused.status_code, refused.json["error"]["message"]) == (403, message)
    deleting = client.delete(f"{V3}/users/{DEMO_USER}/application_credentials/{restricted['id']}",
                             headers=headers(cred_token))
    assert (deleting.status_code, deleting.json["error"]["message"]) == (403, message)
    unrestricted = _cred(client, token, name="free", unrestricted=True).json["application_credential"]
    free_token = _cred_auth(client, {"id": unrestricted["id"], "secret": unrestricted["secret"]}).headers[
        "X-Subject-Token"]
    assert _cred(client, free_token, name="third").status_code == 201


@pytest.mark.parametrize("fields, status, message", [
    ({"roles": [{"name": "admin"}]}, 400,
     "Invalid application credential: Cannot create an application credential with unassigned role"),
    ({"roles": [{"name": "nope"}]}, 404, "Could not find role: nope."),
    ({"expires_at": "2020-01-01T00:00:00Z"}, 400, "The 'expires_at' must not be before now. The server could not "
     "comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in "
     "error."),
    ({"bogus": 1}, 400, "Invalid input for field 'application_credential': Additional properties are not allowed "
     "('bogus' was unexpected)"),
])
def test_bad_credentials_are_refused(app, client, fields, status, message):
    response = _cred(client, login(client, "demo", "demo"), **fields)
    assert (response.status_code, response.json["error"]["message"]) == (status, message)
    assert app.extensions["fakenova"].store.list("app_cred") == []


def test_reader_role_subset_and_wrong_secret(client):
    token = login(client, "demo", "demo")
    cred = _cred(client, token, roles=[{"name": "reader"}]).json["application_credential"]
    assert [r["name"] for r in cred["roles"]] == ["reader"]
    wrong = _cred_auth(client, {"id": cred["id"], "secret": "nope"})
    assert (wrong.status_code, wrong.json) == (401, REQUIRES_AUTH)
    scoped = _cred_auth(client, {"id": cred["id"], "secret": cred["secret"]}, scope={"project": {"id": "x"}})
    assert (scoped.status_code, scoped.json["error"]["message"]) == (
        401, "Error authenticating with application credential: Application credentials cannot request a scope.")
    issued = _cred_auth(client, {"id": cred["id"], "secret": cred["secret"]}).json["token"]
    assert [r["name"] for r in issued["roles"]] == ["reader"]


def test_auth_domains_and_system_list_what_the_caller_may_scope_to(client, admin):
    user = client.post(f"{V3}/users", json={"user": {"name": "scoper", "password": "pw"}}, headers=admin).json["user"]
    mine = headers(client.post(f"{V3}/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": user["id"], "password": "pw"}}}}}).headers["X-Subject-Token"])
    assert client.get(f"{V3}/auth/domains", headers=mine).json["domains"] == []
    assert client.get(f"{V3}/auth/system", headers=mine).json["system"] == []
    for path in ("domains/default", "system"):
        client.put(f"{V3}/{path}/users/{user['id']}/roles/7b1c9d3e5f406182c3d4e5f60718293a", headers=admin)
    assert [d["id"] for d in client.get(f"{V3}/auth/domains", headers=mine).json["domains"]] == ["default"]
    assert client.get(f"{V3}/auth/system", headers=mine).json["system"] == [{"all": True}]


@pytest.mark.parametrize("scope, status", [(None, 201), ({"project": {"id": DEMO_PROJECT}}, 403)])
def test_an_application_credential_token_cannot_be_rescoped(client, scope, status):
    cred = _cred(client, login(client, "demo", "demo"), roles=[{"name": "reader"}]).json["application_credential"]
    cred_token = _cred_auth(client, {"id": cred["id"], "secret": cred["secret"]}).headers["X-Subject-Token"]
    body: Dict[str, Any] = {"identity": {"methods": ["token"], "token": {"id": cred_token}}}
    if scope:
        body["scope"] = scope
    response = client.post(f"{V3}/auth/tokens", json={"auth": body})
    assert response.status_code == status
    if status == 403:
        assert response.json["error"]["message"] == (
            "You are not authorized to perform the requested action: Using an application credential token to "
            "create a scoped token is not allowed..")
    else:
        token = response.json["token"]
        assert ([r["name"] for r in token["roles"]], token["application_credential"]["id"]) == (["reader"], cred["id"])
