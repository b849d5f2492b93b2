"""The Keystone v3 subset at /identity: token issue, validation, revocation, catalog and lookups.

Driven through the Flask test client, plus one live server authenticated by keystoneauth1, the library
openstacksdk and the clients build on.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Iterator, Optional

import pytest
from support.apps import control, fresh_app

from fakenova.views.keystone import CATALOG

DEMO_ID = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ADMIN_PROJECT = "2f1c3b1e9a6d4c1f8e7d6c5b4a392817"
TOKENS = "/identity/v3/auth/tokens"
REQUIRES_AUTH = {"error": {"code": 401, "title": "Unauthorized",
                           "message": "The request you have made requires authentication."}}
CLIENT_ERROR = (" The server could not comply with the request since it is either malformed or otherwise"
                " incorrect. The client is assumed to be in error.")
DEMO_BY_NAME = {"name": "demo", "domain": {"id": "default"}, "password": "demo"}
DEMO_PROJECT_SCOPE = {"project": {"name": "demo", "domain": {"id": "default"}}}


def auth(user: Dict[str, Any], scope: Any = None, **extra: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {"identity": {"methods": ["password"], "password": {"user": user}}, **extra}
    if scope is not None:
        body["scope"] = scope
    return {"auth": body}


@pytest.fixture
def app():
    return fresh_app()


@pytest.fixture
def clock(app):
    """The app's clock (at 2026-01-01 after the reset), moved through the control operation."""
    return control(app).clock


@pytest.fixture
def client(app):
    return app.test_client()


def issue(client, body: Any, **kwargs: Any):
    return client.post(TOKENS, json=body, **kwargs)


def token_of(client, user: Optional[Dict[str, Any]] = None, scope: Any = DEMO_PROJECT_SCOPE) -> str:
    response = issue(client, auth(user or DEMO_BY_NAME, scope))
    assert response.status_code == 201, response.json
    return response.headers["X-Subject-Token"]


# -- password method ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", [
    {"name": "demo", "domain": {"name": "Default"}, "password": "demo"},
    {"name": "demo", "domain": {"id": "default"}, "password": "demo"},
    {"id": DEMO_ID, "password": "demo"},
], ids=["name+domain-name", "name+domain-id", "user-id"])
def test_password_auth_identifies_the_user(client, user):
    response = issue(client, auth(user, DEMO_PROJECT_SCOPE))
    assert response.status_code == 201
    assert response.headers["X-Subject-Token"]
    token = response.json["token"]
    assert token["methods"] == ["password"]
    assert token["user"] == {"domain": {"id": "default", "name": "Default"}, "id": DEMO_ID, "name": "demo",
                             "password_expires_at": None}


@pytest.mark.parametrize("scope", [
    {"project": {"id": DEMO_PROJECT}},
    {"project": {"name": "demo", "domain": {"name": "Default"}}},
    {"project": {"name": "demo", "domain": {"id": "default"}}},
], ids=["project-id", "project-name+domain-name", "project-name+domain-id"])
def test_project_scope(client, scope):
    token = issue(client, auth(DEMO_BY_NAME, scope)).json["token"]
    assert token["project"] == {"domain": {"id": "default", "name": "Default"}, "id": DEMO_PROJECT,
                                "name": "demo"}
    assert token["is_domain"] is False
    assert [role["name"] for role in token["roles"]] == ["member", "reader"]
    assert all(role["id"] for role in token["roles"])


def test_token_timestamps_follow_the_clock_and_last_an_hour(client):
    token = issue(client, auth(DEMO_BY_NAME, DEMO_PROJECT_SCOPE)).json["token"]
    assert token["issued_at"] == "2026-01-01T00:00:00.000000Z"
    assert token["expires_at"] == "2026-01-01T01:00:00.000000Z"
    assert len(token["audit_ids"]) == 1 and len(token["audit_ids"][0]) == 22


@pytest.mark.parametrize("scope", ["unscoped", {"unscoped": {}}], ids=["string", "legacy-object"])
def test_explicitly_unscoped_token_has_no_project_roles_or_catalog(client, scope):
    token = issue(client, auth(DEMO_BY_NAME, scope)).json["token"]
    assert {"project", "roles", "catalog", "is_domain"}.isdisjoint(token)
    assert token["user"]["id"] == DEMO_ID


def test_no_scope_applies_the_default_project_as_keystone_does(client):
    token = issue(client, auth(DEMO_BY_NAME)).json["token"]
    assert token["project"]["id"] == DEMO_PROJECT


def test_unknown_keys_are_ignored(client):
    body = auth({**DEMO_BY_NAME, "color": "blue"}, DEMO_PROJECT_SCOPE, extra={"x": 1})
    body["auth"]["identity"]["totally"] = "ignored"
    body["ignored_too"] = True
    assert issue(client, body).status_code == 201


def test_nocatalog(client):
    response = client.post(TOKENS + "?nocatalog", json=auth(DEMO_BY_NAME, DEMO_PROJECT_SCOPE))
    assert response.status_code == 201
    assert "catalog" not in response.json["token"] and "project" in response.json["token"]


# -- token method -------------------------------------------------------------------------------------------

def test_token_method_rescopes_and_keeps_expiry_and_audit_chain(client, clock):
    unscoped = issue(client, auth(DEMO_BY_NAME, "unscoped"))
    clock.advance(600)
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": unscoped.headers["X-Subject-Token"]}},
                     "scope": {"project": {"id": DEMO_PROJECT}}}}
    response = issue(client, body)
    assert response.status_code == 201
    token = response.json["token"]
    assert token["methods"] == ["token", "password"]
    assert token["project"]["id"] == DEMO_PROJECT
    assert token["expires_at"] == unscoped.json["token"]["expires_at"]
    assert token["issued_at"] == "2026-01-01T00:10:00.000000Z"
    assert token["audit_ids"][1] == unscoped.json["token"]["audit_ids"][0]
    assert response.headers["X-Subject-Token"] != unscoped.headers["X-Subject-Token"]


def test_token_method_with_unknown_token_is_404_like_keystone(client):
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": "gAAAAAnope"}}}}
    response = issue(client, body)
    assert response.status_code == 404
    assert response.json == {"error": {"code": 404, "title": "Not Found",
                                       "message": "Could not recognize Fernet token"}}


# -- refusals -----------------------------------------------------------------------------------------------

def test_wrong_password_is_keystones_401(client):
    response = issue(client, auth({**DEMO_BY_NAME, "password": "wrong"}, DEMO_PROJECT_SCOPE))
    assert response.status_code == 401
    assert response.json == REQUIRES_AUTH
    assert response.headers["WWW-Authenticate"] == 'Keystone uri="http://localhost/identity"'
    assert response.mimetype == "application/json"


@pytest.mark.parametrize("user, scope", [
    ({"name": "nobody", "domain": {"id": "default"}, "password": "x"}, DEMO_PROJECT_SCOPE),
    ({"id": "0" * 32, "password": "demo"}, DEMO_PROJECT_SCOPE),
    ({"name": "demo", "domain": {"name": "Nowhere"}, "password": "demo"}, DEMO_PROJECT_SCOPE),
    ({"name": "demo", "domain": {"id": "default"}}, DEMO_PROJECT_SCOPE),
    (DEMO_BY_NAME, {"project": {"id": ADMIN_PROJECT}}),
    (DEMO_BY_NAME, {"project": {"id": "missing"}}),
    (DEMO_BY_NAME, {"project": {"name": "demo", "domain": {"name": "Nowhere"}}}),
    (DEMO_BY_NAME, {"domain": {"id": "default"}}),
    (DEMO_BY_NAME, {"system": {"all": True}}),
], ids=["unknown-user", "unknown-user-id", "unknown-user-domain", "no-password", "no-role-on-project",
        "unknown-project", "unknown-project-domain", "domain-scope", "system-scope"])
def test_authentication_failures_are_the_same_opaque_401(client, user, scope):
    response = issue(client, auth(user, scope))
    assert (response.status_code, response.json) == (401, REQUIRES_AUTH)


def test_unsupported_method_is_401_with_its_own_message(client):
    body = {"auth": {"identity": {"methods": ["totp"], "totp": {}}}}
    response = issue(client, body)
    assert response.status_code == 401
    assert response.json["error"]["message"] == "Attempted to authenticate with an unsupported method."


@pytest.mark.parametrize("body, message", [
    (None, "Expecting to find auth in request body." + CLIENT_ERROR),
    ({}, "Expecting to find auth in request body." + CLIENT_ERROR),
    ({"auth": None}, "Expecting to find auth in request body." + CLIENT_ERROR),
    ({"auth": {"identity": {"methods": ["password"]}}}, "Expecting to find password in identity." + CLIENT_ERROR),
    ({"auth": {"identity": {"methods": ["password"], "password": {}}}},
     "Expecting to find user in None." + CLIENT_ERROR),
    (auth({"name": "demo", "password": "demo"}), "Expecting to find domain in user." + CLIENT_ERROR),
    (auth({"password": "demo"}), "Invalid input for field identity/password/user: id or name must be present."),
    (auth(DEMO_BY_NAME, {"project": {"name": "demo"}}), "Expecting to find domain in project." + CLIENT_ERROR),
    (auth(DEMO_BY_NAME, {"project": {}}), "Invalid input for field scope/project: id or name must be present."),
    (auth(DEMO_BY_NAME, {"project": {"id": DEMO_PROJECT}, "domain": {"id": "default"}}),
     "Expecting to find system, project, domain, OS-TRUST:trust or unscoped in scope." + CLIENT_ERROR),
], ids=["no-body", "empty-object", "null-auth", "missing-method-payload", "missing-user", "name-without-domain",
        "user-without-id-or-name", "project-name-without-domain", "project-without-id-or-name", "two-scopes"])
def test_malformed_requests_are_400_with_keystones_words(client, body, message):
    response = client.post(TOKENS) if body is None else issue(client, body)
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "title": "Bad Request", "message": message}}


@pytest.mark.parametrize("body, start", [
    ({"auth": {}}, "'identity' is a required property"),
    ({"auth": {"identity": {}}}, "Invalid input for field 'identity': 'methods' is a required property"),
    ({"auth": {"identity": {"methods": "password"}}}, "Invalid input for field 'identity/methods': 'password'"),
    ({"auth": {"identity": {"methods": ["token"], "token": {}}}},
     "Invalid input for field 'identity/token': 'id' is a required property"),
], ids=["no-identity", "no-methods", "methods-not-a-list", "token-without-id"])
def test_schema_errors_carry_jsonschemas_text_as_keystone_does(client, body, start):
    response = issue(client, body)
    assert response.status_code == 400
    assert response.json["error"]["message"].startswith(start)


@pytest.mark.parametrize("data, content_type, message", [
    ("{not json", "application/json", "Expecting to find valid JSON in request body."),
    ("[1, 2]", "application/json", "Expecting to find valid JSON in request body."),
    ("auth=1", "application/x-www-form-urlencoded",
     "Expecting to find application/json in Content-Type header."),
])
def test_bodies_keystone_cannot_read_are_400(client, data, content_type, message):
    response = client.post(TOKENS, data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.json["error"]["message"] == message + CLIENT_ERROR


# -- validation and revocation ------------------------------------------------------------------------------

def test_get_validates_the_subject_token(client):
    caller, subject = token_of(client), token_of(client, scope="unscoped")
    response = client.get(TOKENS, headers={"X-Auth-Token": caller, "X-Subject-Token": subject})
    assert response.status_code == 200
    assert response.headers["X-Subject-Token"] == subject
    assert response.json["token"]["user"]["id"] == DEMO_ID and "project" not in response.json["token"]


def test_head_validates_without_a_body(client):
    token = token_of(client)
    response = client.head(TOKENS, headers={"X-Auth-Token": token, "X-Subject-Token": token})
    assert response.status_code == 200
    assert response.data == b""


def test_validation_needs_a_valid_auth_token(client):
    token = token_of(client)
    response = client.get(TOKENS, headers={"X-Subject-Token": token})
    assert (response.status_code, response.json) == (401, REQUIRES_AUTH)


@pytest.mark.parametrize("subject, message", [
    ("gAAAAAunknown", "Could not recognize Fernet token"),
    (None, "No token in the request"),
])
def test_unusable_subject_is_404(client, subject, message):
    headers = {"X-Auth-Token": token_of(client)}
    if subject:
        headers["X-Subject-Token"] = subject
    response = client.get(TOKENS, headers=headers)
    assert response.status_code == 404
    assert response.json == {"error": {"code": 404, "title": "Not Found", "message": message}}


def test_delete_revokes_the_token_everywhere(client):
    caller, subject = token_of(client), token_of(client)
    headers = {"X-Auth-Token": caller, "X-Subject-Token": subject}
    assert client.delete(TOKENS, headers=headers).status_code == 204
    response = client.get(TOKENS, headers=headers)
    assert (response.status_code, response.json["error"]["message"]) == (404, "Failed to validate token")
    assert client.get("/compute/v2.1/servers", headers={"X-Auth-Token": subject}).status_code == 401
    assert client.get(TOKENS, headers={**headers, "X-Subject-Token": caller}).status_code == 200


def rescoped(client, token: str) -> str:
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": token}},
                     "scope": {"project": {"id": DEMO_PROJECT}}}}
    return issue(client, body).headers["X-Subject-Token"]


@pytest.mark.parametrize("query, rescoped_status", [("", 401), ("?cascade=false", 200)])
def test_revocation_cascades_along_the_audit_chain_unless_told_not_to(client, query, rescoped_status):
    caller, original = token_of(client), token_of(client, scope="unscoped")
    child = rescoped(client, original)
    headers = {"X-Auth-Token": caller, "X-Subject-Token": original}
    assert client.delete(TOKENS + query, headers=headers).status_code == 204
    assert client.get("/compute/v2.1/servers", headers={"X-Auth-Token": child}).status_code == rescoped_status


def test_expired_token_is_refused_by_compute_with_keystones_body(client, clock):
    token = token_of(client)
    assert client.get("/compute/v2.1/servers", headers={"X-Auth-Token": token}).status_code == 200
    clock.advance(3600)
    response = client.get("/compute/v2.1/servers", headers={"X-Auth-Token": token})
    assert (response.status_code, response.json) == (401, REQUIRES_AUTH)
    assert response.headers["WWW-Authenticate"] == 'Keystone uri="http://localhost/identity"'


def test_expired_subject_is_404_unless_allow_expired(client, clock):
    subject = token_of(client)
    clock.advance(3601)
    headers = {"X-Auth-Token": token_of(client), "X-Subject-Token": subject}
    response = client.get(TOKENS, headers=headers)
    assert (response.status_code, response.json["error"]["message"]) == (404, "Failed to validate token")
    assert client.get(TOKENS + "?allow_expired=1", headers=headers).status_code == 200


# -- catalog ------------------------------------------------------------------------------------------------

def test_catalog_follows_the_address_the_client_used(client):
    response = client.post(TOKENS, json=auth(DEMO_BY_NAME, DEMO_PROJECT_SCOPE),
                           base_url="http://example.test:9999")
    token = response.json["token"]
    catalog = {(entry["type"], entry["name"]): entry for entry in token["catalog"]}
    cinder = f"/volume/v3/{token['project']['id']}"
    expected = {("identity", "keystone"): "/identity", ("compute", "nova"): "/compute/v2.1",
                ("image", "glance"): "/image", ("network", "neutron"): "/network",
                ("block-storage", "cinderv3"): cinder, ("volumev3", "cinderv3"): cinder}
    assert set(catalog) == set(expected)
    for key, path in expected.items():
        endpoints = catalog[key]["endpoints"]
        assert sorted(e["interface"] for e in endpoints) == ["admin", "internal", "public"]
        for endpoint in endpoints:
            assert endpoint["url"] == "http://example.test:9999" + path
            assert endpoint["region"] == endpoint["region_id"] == "RegionOne"
            assert endpoint["id"]


def test_catalog_ids_are_stable_between_tokens(client):
    first = issue(client, auth(DEMO_BY_NAME, DEMO_PROJECT_SCOPE)).json["token"]["catalog"]
    second = issue(client, auth(DEMO_BY_NAME, DEMO_PROJECT_SCOPE)).json["token"]["catalog"]
    assert first == second


def test_auth_catalog_needs_a_project_scoped_token(client):
    scoped = client.get("/identity/v3/auth/catalog", headers={"X-Auth-Token": token_of(client)})
    assert scoped.status_code == 200 and len(scoped.json["catalog"]) == len(CATALOG) == 6
    unscoped = client.get("/identity/v3/auth/catalog",
                          headers={"X-Auth-Token": token_of(client, scope="unscoped")})
    assert unscoped.status_code == 403 and unscoped.json["error"]["title"] == "Forbidden"


# -- version documents --------------------------------------------------------------------------------------

V3_DOC = {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
          "links": [{"rel": "self", "href": "http://localhost/identity/v3/"}],
          "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}


@pytest.mark.parametrize("path", ["/identity", "/identity/"])
def test_identity_root_is_300_multiple_choices(client, path):
    response = client.get(path)
    assert response.status_code == 300
    assert response.json == {"versions": {"values": [V3_DOC]}}
    assert response.headers["Location"] == "http://localhost/identity/v3/"


@pytest.mark.parametrize("path", ["/identity/v3", "/identity/v3/"])
def test_v3_version_document(client, path):
    response = client.get(path)
    assert (response.status_code, response.json) == (200, {"version": V3_DOC})


def test_unknown_identity_path_is_a_keystone_404_not_html(client):
    response = client.get("/identity/v3/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404 and response.json["error"]["title"] == "Not Found"


# -- read-only resources ------------------------------------------------------------------------------------

def admin_token(client) -> str:
    return token_of(client, {"name": "admin", "domain": {"id": "default"}, "password": "admin"},
                    {"project": {"name": "admin", "domain": {"id": "default"}}})


@pytest.mark.parametrize("path, key, expected", [
    ("/identity/v3/auth/projects", "projects", ["demo"]),
    (f"/identity/v3/users/{DEMO_ID}/projects", "projects", ["demo"]),
    (f"/identity/v3/role_assignments?user.id={DEMO_ID}", "role_assignments", 2),
])
def test_a_member_reads_its_own_things(client, path, key, expected):
    response = client.get(path, headers={"X-Auth-Token": token_of(client)})
    assert response.status_code == 200
    items = response.json[key]
    assert ([item["name"] for item in items] if isinstance(expected, list) else len(items)) == expected


@pytest.mark.parametrize("path, key", [
    (f"/identity/v3/projects/{DEMO_PROJECT}", "project"),
    (f"/identity/v3/users/{DEMO_ID}", "user"),
])
def test_a_member_shows_its_project_and_itself(client, path, key):
    response = client.get(path, headers={"X-Auth-Token": token_of(client)})
    assert response.status_code == 200
    assert response.json[key]["links"]["self"] == "http://localhost" + path
    assert "password" not in response.json[key]


@pytest.mark.parametrize("path", [
    "/identity/v3/projects", f"/identity/v3/projects/{ADMIN_PROJECT}", "/identity/v3/domains",
    "/identity/v3/roles", "/identity/v3/role_assignments", "/identity/v3/users/" + "1a0f9e8d7c6b4a5f3e2d1c0b9a8f7e6d",
])
def test_a_member_cannot_read_the_rest(client, path):
    response = client.get(path, headers={"X-Auth-Token": token_of(client)})
    assert response.status_code == 403
    assert response.json["error"]["message"].startswith("You are not authorized to perform the requested action")


@pytest.mark.parametrize("path, key, count", [
    ("/identity/v3/projects", "projects", 4),  # admin, demo, alt_demo, service
    ("/identity/v3/projects?name=demo", "projects", 1),
    ("/identity/v3/domains", "domains", 1),
    ("/identity/v3/roles", "roles", 5),  # admin, manager, member, reader, service
    ("/identity/v3/role_assignments", "role_assignments", 17),
    (f"/identity/v3/role_assignments?scope.project.id={DEMO_PROJECT}&include_names=1", "role_assignments", 10),
])
def test_admin_lists(client, path, key, count):
    response = client.get(path, headers={"X-Auth-Token": admin_token(client)})
    assert response.status_code == 200
    assert len(response.json[key]) == count
    assert response.json["links"]["self"] == "http://localhost" + path


def test_missing_project_is_404_for_admin(client):
    response = client.get("/identity/v3/projects/nope", headers={"X-Auth-Token": admin_token(client)})
    assert response.status_code == 404
    assert response.json["error"]["message"] == "Could not find project: nope."


def test_lookups_need_a_token(client):
    response = client.get("/identity/v3/auth/projects")
    assert (response.status_code, response.json) == (401, REQUIRES_AUTH)


# -- a real client --------------------------------------------------------------------------------------------

@pytest.fixture
def live_url(app) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.mark.parametrize("auth_path", ["/identity", "/identity/v3"])
def test_keystoneauth_password_session(live_url, auth_path):
    identity = pytest.importorskip("keystoneauth1.identity")
    session = pytest.importorskip("keystoneauth1.session")
    plugin = identity.v3.Password(auth_url=live_url + auth_path, username="demo", password="demo",
                                  project_name="demo", user_domain_id="default", project_domain_id="default")
    sess = session.Session(auth=plugin)
    assert sess.get_endpoint(service_type="compute", interface="public") == f"{live_url}/compute/v2.1"
    assert sess.get_token()
    assert sess.get_project_id() == DEMO_PROJECT
    response = sess.get("/servers", endpoint_filter={"service_type": "compute", "interface": "public"})
    assert response.json() == {"servers": []}
