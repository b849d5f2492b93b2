"""The scenario language's request matchers, counters and canned bodies, through ``requests`` on the live server.

Each test loads an inline scenario over the control plane, talks to the cloud as a client would, and reads the
journal's reason for every verdict. None sleeps: delays move the fake cloud's clock in-process.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
import requests
from support.tokens import auth_headers

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


class Client:
    """A requests session on the live server with the demo user's token, and the control plane."""

    def __init__(self, server: Any) -> None:
        self.url = server.url
        self.http = requests.Session()
        self.http.headers.update(auth_headers(server.app))

    def load(self, rules: List[Dict[str, Any]], **extra: Any) -> None:
        response = self.http.post(f"{self.url}/_fakenova/scenarios",
                                  json={"scenario": {"name": "t", "rules": rules, **extra}})
        assert response.status_code == 201, response.text

    def compute(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, f"{self.url}/compute/v2.1{path}", **kwargs)

    def create(self, flavor: str = "1", name: str = "vm") -> requests.Response:
        return self.compute("POST", "/servers", json={"server": {
            "name": name, "imageRef": IMAGE, "flavorRef": flavor, "networks": "none"}},
            headers={"OpenStack-API-Version": "compute 2.37"})

    def reasons(self, rule: str = "t/r") -> List[str]:
        journal = self.http.get(f"{self.url}/_fakenova/journal").json()["journal"]
        return [verdict["reason"] for entry in journal for verdict in entry.get("rules", ())
                if verdict["rule"] == rule]


@pytest.fixture
def client(cloud) -> Client:
    return Client(cloud)


def test_query_exact_regex_and_absent(client: Client) -> None:
    client.load([{"name": "r", "when": {"path": "/servers/detail", "query": {
        "status": "ACTIVE", "name": {"regex": "^web"}, "limit": {"absent": True}}},
        "then": {"respond": {"status": 503}}}])
    assert client.compute("GET", "/servers/detail?status=ACTIVE&name=web-1").status_code == 503
    assert client.compute("GET", "/servers/detail?status=ERROR&name=web-1").status_code == 200
    assert client.compute("GET", "/servers/detail?status=ACTIVE&name=db").status_code == 200
    assert client.compute("GET", "/servers/detail?status=ACTIVE&name=web&limit=5").status_code == 200
    assert client.reasons()[1:] == ["skipped: query status='ERROR' != 'ACTIVE'",
                                    "skipped: query name='db' does not match '^web'",
                                    "skipped: query limit is present ('5'), expected absent"]


def test_headers_match_case_insensitively(client: Client) -> None:
    client.load([{"name": "r", "when": {"headers": {"openstack-api-version": "compute 2.79",
                                                    "USER-AGENT": {"regex": "legacy-tool"}}},
                  "then": {"respond": {"status": 400, "message": "no"}}}])
    new = {"OpenStack-API-Version": "compute 2.79"}
    assert client.compute("GET", "/servers", headers={**new, "User-Agent": "legacy-tool/1"}).status_code == 400
    assert client.compute("GET", "/servers", headers={**new, "User-Agent": "openstacksdk"}).status_code == 200
    assert client.reasons()[1] == "skipped: header user-agent='openstacksdk' does not match 'legacy-tool'"


def test_body_subset_and_pointer(client: Client) -> None:
    client.load([{"name": "r", "when": {"method": "POST", "path": "/servers",
                                        "body": {"server": {"flavorRef": "3"}, "/server/name": {"regex": "^big"}}},
                  "then": {"respond": {"status": 403, "message": "flavor 3 is not for {project_id}"}}}])
    refused = client.create(flavor="3", name="big-1")
    assert refused.status_code == 403
    assert refused.json()["forbidden"]["message"].startswith("flavor 3 is not for ")
    assert client.create(flavor="3", name="small").status_code == 202
    assert client.create(flavor="1", name="big-2").status_code == 202
    assert client.reasons()[1:] == ["skipped: body /server/name='small' does not match '^big'",
                                    "skipped: body /server/flavorRef='1' != '3'"]


def test_after_lets_the_first_calls_through(client: Client) -> None:
    client.load([{"name": "r", "when": {"path": "/servers", "method": "GET", "after": 2},
                  "then": {"respond": {"status": 503}}, "times": 1}])
    assert [client.compute("GET", "/servers").status_code for _ in range(4)] == [200, 200, 503, 200]
    assert client.reasons() == ["skipped: call 1 of 2 let through", "skipped: call 2 of 2 let through",
                                "fired: call 3", "skipped: times once already used (1 hits)"]


def test_every_nth_call(client: Client) -> None:
    client.load([{"name": "r", "when": {"path": "/servers", "every": 3}, "then": {"respond": {"status": 502}}}])
    assert [client.compute("GET", "/servers").status_code for _ in range(6)] == [200, 200, 502] * 2


def test_probability_is_reproducible_under_a_seed(client: Client, cloud) -> None:
    rule = [{"name": "r", "when": {"path": "/servers", "probability": 0.3}, "then": {"respond": {"status": 500}}}]
    runs = []
    for _ in range(2):
        client.http.post(f"{cloud.url}/_fakenova/reset", json={"settings": {"seed": 7}})
        client.http.headers.update(auth_headers(cloud.app))
        client.load(rule)
        runs.append([client.compute("GET", "/servers").status_code for _ in range(20)])
    assert runs[0] == runs[1] and 500 in runs[0] and 200 in runs[0]
    reasons = client.reasons()
    assert any(r.startswith("fired: probability draw ") and " < 0.3 " in r for r in reasons)
    assert any(r.startswith("skipped: probability draw ") and " >= 0.3 " in r for r in reasons)


def test_respond_with_an_exact_json_body_templated(client: Client) -> None:
    server = client.create().json()["server"]
    client.load([{"name": "r", "when": {"path": "/servers/{server_id}", "method": "GET"},
                  "then": {"respond": {"status": 200, "body": {"server": {
                      "id": "{server_id}", "status": "ACTIVE", "note": "{project_id} {request_id}"}},
                      "headers": {"X-Server": "{server_id}"}}}}])
    answer = client.compute("GET", f"/servers/{server['id']}")
    assert answer.status_code == 200 and answer.headers["X-Server"] == server["id"]
    body = answer.json()["server"]
    assert body["id"] == server["id"] and "addresses" not in body
    project, request_id = body["note"].split()
    assert request_id == answer.headers["x-openstack-request-id"] and project


def test_respond_with_text_and_a_content_type(client: Client) -> None:
    client.load([{"name": "r", "when": {"path": "/servers/detail"},
                  "then": {"respond": {"status": 200, "body_text": "<html>502 Bad Gateway</html>",
                                       "content_type": "text/html"}}}])
    answer = client.compute("GET", "/servers/detail")
    assert answer.status_code == 200 and answer.text == "<html>502 Bad Gateway</html>"
    assert answer.headers["Content-Type"].startswith("text/html")


def test_delay_only_lets_the_real_answer_through_later(client: Client, cloud) -> None:
    client.load([{"name": "r", "when": {"service": "image"}, "then": {"delay": 0.3}}])
    client.http.post(f"{cloud.url}/_fakenova/clock", json={"freeze": True})  # only the delay moves it now
    before = client.http.get(f"{cloud.url}/_fakenova/clock").json()["epoch"]
    answer = client.http.get(f"{cloud.url}/image/v2/images")
    assert answer.status_code == 200 and answer.json()["images"]
    assert client.http.get(f"{cloud.url}/_fakenova/clock").json()["epoch"] - before == pytest.approx(0.3, abs=0.05)
    assert client.reasons() == ["fired"]


def test_matchers_work_for_network_and_identity(client: Client, cloud) -> None:
    client.load([{"name": "r", "when": {"service": "network", "query": {"name": "private"}},
                  "then": {"respond": {"status": 200, "body": {"networks": []}}}}])
    assert client.http.get(f"{cloud.url}/network/v2.0/networks?name=private").json() == {"networks": []}
    assert client.http.get(f"{cloud.url}/network/v2.0/networks?name=public").json()["networks"]


def test_after_counts_for_action_rules_too(client: Client) -> None:
    client.load([{"name": "r", "when": {"action": "create", "after": 1}, "then": {"outcome": "error"}, "times": 1}])
    first, second = client.create(name="a").json()["server"], client.create(name="b").json()["server"]
    states = [client.compute("GET", f"/servers/{s['id']}").json()["server"]["status"] for s in (first, second)]
    assert states == ["ACTIVE", "ERROR"]
    assert client.reasons()[:2] == ["skipped: call 1 of 1 let through",
                                    f"fired for create of server {second['id']} (call 2)"]
