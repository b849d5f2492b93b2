"""Tokens can be inspected and revoked only by their own user, an admin or a service (Keystone's policy);
and every URL fakenova hands out follows ``--public-url`` when it is set, never a request's Host header."""
from __future__ import annotations

import pytest
from support.apps import fresh_app
from support.server_api import IMAGE, PRIVATE
from support.tokens import issue_token

from fakenova import create_app
from fakenova.clock import ManualClock
from fakenova.settings import Settings

TOKENS = "/identity/v3/auth/tokens"


@pytest.fixture
def app():
    return fresh_app(seed=2)


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE"])
@pytest.mark.parametrize("caller, status", [("alt_demo", 403), ("demo", None), ("admin", None)])
def test_only_the_tokens_user_an_admin_or_a_service_may_touch_it(app, method, caller, status):
    subject = issue_token(app, "demo", "demo")
    auth = issue_token(app, caller, caller)
    client = app.test_client()
    answer = client.open(TOKENS, method=method, headers={"X-Auth-Token": auth, "X-Subject-Token": subject})
    expected = status or (204 if method == "DELETE" else 200)
    assert answer.status_code == expected
    if status == 403 and method != "HEAD":
        assert answer.json["error"]["code"] == 403 and answer.json["error"]["title"] == "Forbidden"
    admin = issue_token(app, "admin", "admin")
    still_valid = client.get(TOKENS, headers={"X-Auth-Token": admin, "X-Subject-Token": subject})
    assert still_valid.status_code == (404 if method == "DELETE" and not status else 200)


def test_a_service_user_may_validate_any_token(app):
    store = app.extensions["fakenova"].store
    demo = next(u for u in store.list("user") if u["name"] == "alt_demo")
    project = next(p for p in store.list("project") if p["name"] == "alt_demo")
    key = f"{demo['id']}:{project['id']}"
    store.put("assignment", key, [*store.get("assignment", key), "service"])
    subject = issue_token(app, "demo", "demo")
    service = issue_token(app, "alt_demo", "alt_demo")
    answer = app.test_client().get(TOKENS, headers={"X-Auth-Token": service, "X-Subject-Token": subject})
    assert answer.status_code == 200


def test_an_unknown_subject_is_404_before_the_policy(app):
    auth = issue_token(app, "alt_demo", "alt_demo")
    answer = app.test_client().get(TOKENS, headers={"X-Auth-Token": auth, "X-Subject-Token": "nope"})
    assert answer.status_code == 404


PUBLIC = "https://cloud.example:8443/fake"


def test_public_url_is_used_for_catalog_links_location_and_www_authenticate():
    app = create_app(Settings(seed=2, public_url=PUBLIC + "/"), clock=ManualClock())
    client = app.test_client()
    host = {"Host": "rebound.evil:80"}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "demo", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}
    issued = client.post(TOKENS, json=body, headers=host)
    assert issued.status_code == 201
    urls = [endpoint["url"] for service in issued.json["token"]["catalog"] for endpoint in service["endpoints"]]
    assert urls and all(url.startswith(PUBLIC + "/") for url in urls)
    token = issued.headers["X-Subject-Token"]
    created = client.post("/compute/v2.1/servers", headers={**host, "X-Auth-Token": token}, json={"server": {
        "name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}]}})
    assert created.headers["Location"].startswith(PUBLIC + "/compute/v2.1/")
    assert all(link["href"].startswith(PUBLIC) for link in created.json["server"]["links"])
    refused = client.get("/compute/v2.1/servers", headers=host)
    assert refused.headers["WWW-Authenticate"] == f'Keystone uri="{PUBLIC}/identity"'
    assert client.get("/identity", headers=host).headers["Location"].startswith(PUBLIC + "/identity/v3")


@pytest.mark.parametrize("bad", ["ftp://x", "cloud.example", "http://", "http://x/?q=1"])
def test_a_public_url_must_be_an_http_base(bad):
    with pytest.raises(ValueError):
        Settings(public_url=bad)
