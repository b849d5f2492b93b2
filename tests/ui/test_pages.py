"""The dashboard's pages through the Flask test client: status, type, escaping, filters, and the JSON index."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.apps import fresh_app
from support.tokens import auth_headers

from fakenova.ui import ROUTES

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def app():
    return fresh_app(seed=3)


@pytest.fixture
def client(app):
    return app.test_client()


def create(app, client, name: str = "vm", user: str = "demo", **extra: Any) -> Dict[str, Any]:
    body = {"server": {"name": name, "imageRef": IMAGE, "flavorRef": "1", "networks": "auto", **extra}}
    headers = {**auth_headers(app, user, user), "OpenStack-API-Version": "compute 2.60"}
    response = client.post("/compute/v2.1/servers", json=body, headers=headers)
    assert response.status_code == 202, response.json
    return response.json["server"]


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == status, response.data[:300]
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/_fakenova/ui/", "/_fakenova/ui/requests", "/_fakenova/ui/scenarios",
                                  "/_fakenova/ui/controls"])
def test_every_page_is_html_with_the_navigation(client, path: str) -> None:
    html = page(client, path)
    assert html.startswith("<!doctype html>")
    for _, endpoint, _ in ROUTES:
        if endpoint in ("cloud", "requests", "scenarios", "controls"):
            assert f'href="/_fakenova/ui/{"" if endpoint == "cloud" else endpoint}"' in html
    assert html.count('aria-current="page"') == 1 and 'role="status"' in html


def test_a_browser_at_the_root_goes_to_the_cloud_page(client) -> None:
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 303 and response.headers["Location"] == "/_fakenova/ui/"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
def test_json_clients_keep_the_index(client, accept) -> None:
    response = client.get("/", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.is_json
    assert response.json == {"name": "fakenova", "services": {
        "identity": "http://localhost/identity/v3", "compute": "http://localhost/compute/v2.1",
        "image": "http://localhost/image/v2", "network": "http://localhost/network/v2.0",
        "control": "http://localhost/_fakenova"}}


def test_hostile_names_and_metadata_are_escaped_everywhere(app, client) -> None:
    server = create(app, client, HOSTILE, metadata={"note": HOSTILE})
    for path in ("/_fakenova/ui/", f"/_fakenova/ui/servers/{server['id']}", "/_fakenova/ui/controls",
                 "/_fakenova/ui/?fragment=1"):
        html = client.get(path, headers=BROWSER).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_cloud_lists_servers_per_project_with_their_state(app, client) -> None:
    create(app, client, "demo-vm")
    create(app, client, "alt-vm", user="alt_demo")
    html = page(client, "/_fakenova/ui/")
    assert "Project demo" in html and "Project alt_demo" in html and "Project admin" in html
    assert html.count('data-status>ACTIVE<') == 2 and "m1.tiny" in html and "cirros" in html
    assert "private: 10.0.0." in html and "<h2 id=\"flavors-heading\">" in html
    only_alt = page(client, "/_fakenova/ui/?project=alt_demo")
    assert "alt-vm" in only_alt and "demo-vm" not in only_alt


def test_cloud_sorts_by_name(app, client) -> None:
    for name in ("bravo", "alpha", "charlie"):
        create(app, client, name)
    html = page(client, "/_fakenova/ui/?sort=name&dir=desc")
    assert html.index(">charlie<") < html.index(">bravo<") < html.index(">alpha<")


def test_looking_does_not_move_a_paced_build(app, client) -> None:
    client.post("/_fakenova/reset", json={"settings": {"pace": "polls:2"}})
    server = create(app, client, "slow")
    for _ in range(5):
        assert 'data-status>BUILD<' in page(client, "/_fakenova/ui/")
    stored = app.extensions["fakenova"].store.get("server", server["id"])
    assert stored.transition is not None and stored.transition.polls == 0


def test_the_cloud_page_shows_a_time_paced_build_finishing_when_the_clock_moves(app, client) -> None:
    client.post("/_fakenova/reset", json={"settings": {"pace": "seconds:30"}})
    create(app, client, "timed")
    assert 'data-status>BUILD<' in page(client, "/_fakenova/ui/")
    client.post("/_fakenova/clock", json={"advance": 31})
    assert 'data-status>ACTIVE<' in page(client, "/_fakenova/ui/")


def test_server_page_has_actions_history_and_requests(app, client) -> None:
    server = create(app, client, "vm")
    html = page(client, f"/_fakenova/ui/servers/{server['id']}")
    assert "created (BUILD)" in html and "compute__do_build_and_run_instance" in html
    assert "POST /compute/v2.1/servers" in html or '/compute/v2.1/servers</a>' in html
    headers = {**auth_headers(app, "demo", "demo"), "OpenStack-API-Version": "compute 2.60"}
    client.post("/_fakenova/clock", json={"advance": 90})
    assert client.put(f"/compute/v2.1/servers/{server['id']}/metadata/k", json={"meta": {"k": "v"}},
                      headers=headers).status_code == 200
    client.get(f"/compute/v2.1/servers/{server['id']}", headers=headers)
    client.get("/compute/v2.1/flavors", headers=headers)
    html = page(client, f"/_fakenova/ui/servers/{server['id']}")
    history = html.split('id="history-heading"')[1].split("</ol>")[0]
    assert f"PUT /compute/v2.1/servers/{server['id']}/metadata/k answered 200" in history
    assert "2026-01-01T00:01:30Z" in history and "GET " not in history  # reads stay out of the history
    touched = html.split('id="requests-heading"')[1]
    assert touched.count("<tr data-request-id") == 3 and "/flavors" not in touched
    assert 'data-path="/_fakenova/servers/{server}/state"' in html
    assert page(client, "/_fakenova/ui/servers/no-such-server", 404).count("No server no-such-server") == 1


def test_requests_are_newest_first_filterable_and_show_rule_verdicts(app, client) -> None:
    headers = auth_headers(app, "demo", "demo")
    client.post("/_fakenova/scenarios", json={"name": "flaky-503"})
    assert client.get("/compute/v2.1/servers", headers=headers).status_code == 503
    assert client.get("/compute/v2.1/flavors", headers=headers).status_code == 200
    html = page(client, "/_fakenova/ui/requests")
    assert html.index("/compute/v2.1/flavors") < html.index("/compute/v2.1/servers")
    fired = page(client, "/_fakenova/ui/requests?rule=first-call-fails")
    assert "/compute/v2.1/servers" in fired and "/compute/v2.1/flavors" not in fired
    assert "/compute/v2.1/flavors" not in page(client, "/_fakenova/ui/requests?status=5xx")
    assert "/compute/v2.1/flavors" in page(client, "/_fakenova/ui/requests?method=get&status=200")
    entry = app.extensions["fakenova"].store.journal()[0]
    detail = page(client, f"/_fakenova/ui/requests/{entry['request_id']}")
    assert "flaky-503/first-call-fails" in detail and 'data-fired="yes"' in detail
    token = headers["X-Auth-Token"]
    assert token not in detail and "<th scope=\"row\">X-Auth-Token</th><td><code>***</code>" in detail
    assert "Time (fake clock)" in detail and 'data-format="json"' in detail and "serviceUnavailable" in detail
    assert token not in page(client, "/_fakenova/ui/requests")


def test_a_request_page_shows_both_bodies_redacted_and_escaped(app, client) -> None:
    server = create(app, client, HOSTILE, adminPass="hunter2-secret")
    entry = app.extensions["fakenova"].store.journal()[-1]
    html = page(client, f"/_fakenova/ui/requests/{entry['request_id']}")
    # in the request and the response
    assert "hunter2-secret" not in html and html.count('&#34;adminPass&#34;: &#34;***&#34;') == 2
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert f'href="/_fakenova/ui/servers/{server["id"]}"' in html
    assert "<th scope=\"row\">Location</th>" in html and "2026-01-01T00:00:00Z" in html


def test_secrets_in_a_query_are_redacted(app, client) -> None:
    client.get("/compute/v2.1/servers?name=x&password=hunter2&token=abc", headers=auth_headers(app))
    html = page(client, "/_fakenova/ui/requests")
    assert "hunter2" not in html and "abc" not in html and "password=%2A%2A%2A" in html


def test_scenarios_page_lists_loaded_rules_and_offers_the_bundled_ones(client) -> None:
    assert "No scenario is loaded." in page(client, "/_fakenova/ui/scenarios")
    client.post("/_fakenova/scenarios", json={"name": "flaky-503"})
    html = page(client, "/_fakenova/ui/scenarios")
    assert 'data-scenario="flaky-503"' in html and "flaky-503/first-call-fails" in html
    assert 'data-path="/_fakenova/scenarios/flaky-503"' in html and "<option>slow-build</option>" in html


def test_controls_post_json_to_the_control_plane(client) -> None:
    html = page(client, "/_fakenova/ui/controls")
    for path in ("/_fakenova/reset", "/_fakenova/clock"):
        assert f'data-path="{path}"' in html
    assert "X-Fakenova-Control-Token" in html


def test_live_fragments_answer_304_when_nothing_changed(app, client) -> None:
    first = client.get("/_fakenova/ui/requests?fragment=1")
    assert first.status_code == 200 and "<html" not in first.get_data(as_text=True)
    same = client.get("/_fakenova/ui/requests?fragment=1", headers={"If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304
    client.get("/compute/v2.1/flavors", headers=auth_headers(app))
    changed = client.get("/_fakenova/ui/requests?fragment=1", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "/compute/v2.1/flavors" in changed.get_data(as_text=True)


def test_the_dashboard_is_not_journalled(client) -> None:
    for path in ("/_fakenova/ui/", "/_fakenova/ui/requests", "/_fakenova/ui/static/dashboard.js"):
        assert client.get(path).status_code == 200
    assert client.get("/_fakenova/journal").json["journal"] == []


def test_the_page_script_and_styles_are_local(client) -> None:
    html = page(client, "/_fakenova/ui/")
    assert "http://" not in html.split("<body>")[0] and "https://" not in html
    script = client.get("/_fakenova/ui/static/dashboard.js")
    assert script.status_code == 200 and "X-Fakenova-Control-Token" in script.get_data(as_text=True)


def test_pages_allow_only_their_own_scripts_and_no_framing(client) -> None:
    for path in ("/_fakenova/ui/", "/_fakenova/ui/static/dashboard.js", "/_fakenova/ui/servers/missing"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in client.get("/_fakenova/health").headers
