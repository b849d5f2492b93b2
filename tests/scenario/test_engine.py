"""The scenario engine through the HTTP layer (Flask test client, manual clock): matching, times, states,
effects and the journal's reasons for every rule that did not fire."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
from support.apps import control, fresh_app
from support.tokens import auth_headers

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


class Cloud:
    """A test client, the demo user's headers and the control plane."""

    def __init__(self) -> None:
        self.app = fresh_app()
        self.clock = control(self.app).clock
        self.client = self.app.test_client()
        self.headers = auth_headers(self.app)

    def load(self, document: Dict[str, Any]) -> Dict[str, Any]:
        response = self.client.post("/_fakenova/scenarios", json={"scenario": {"name": "t", **document}})
        assert response.status_code == 201, response.json
        return response.json["scenario"]

    def api(self, method: str, path: str, version: str = "2.1", **kwargs: Any):
        headers = {**self.headers, "OpenStack-API-Version": f"compute {version}"}
        return self.client.open("/compute/v2.1" + path, method=method, headers=headers, **kwargs)

    def create(self, name: str = "vm", **server: Any) -> Dict[str, Any]:
        body = {"server": {"name": name, "imageRef": IMAGE, "flavorRef": "1", "networks": "auto", **server}}
        response = self.api("POST", "/servers", "2.60", json=body)
        assert response.status_code == 202, response.json
        return response.json["server"]

    def journal(self) -> List[Dict[str, Any]]:
        return self.client.get("/_fakenova/journal").json["journal"]

    def hits(self) -> Dict[str, int]:
        scenarios = self.client.get("/_fakenova/scenarios").json["scenarios"]
        return {rule["rule"]: rule["hits"] for scenario in scenarios for rule in scenario["rules"]}


@pytest.fixture
def cloud() -> Cloud:
    return Cloud()


def respond(status: int, **extra: Any) -> Dict[str, Any]:
    return {"respond": {"status": status, **extra}}


def test_times_n_then_normal_service(cloud: Cloud) -> None:
    cloud.load({"rules": [{"name": "twice", "when": {"path": "/servers"}, "then": respond(503), "times": 2}]})
    codes = [cloud.api("GET", "/servers").status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert cloud.hits() == {"t/twice": 2}
    reasons = [entry["rules"][0]["reason"] for entry in cloud.journal()]
    assert reasons[:2] == ["fired", "fired"] and reasons[2] == "skipped: times 2 already used (2 hits)"


def test_scenario_state_chains_rules(cloud: Cloud) -> None:
    cloud.load({"rules": [
        {"name": "first", "when": {"method": "GET", "state": "started"}, "then": respond(500),
         "times": "once", "sets_state": "broken"},
        {"name": "second", "when": {"method": "GET", "state": "broken"}, "then": respond(502),
         "sets_state": "fixed"},
    ]})
    assert [cloud.api("GET", "/servers").status_code for _ in range(3)] == [500, 502, 200]
    verdicts = cloud.journal()[0]["rules"]
    assert verdicts[1] == {"rule": "t/second", "effect": "respond", "fired": False,
                           "reason": "skipped: scenario state 'started' != 'broken'"}


def test_canned_response_has_novas_shape_and_headers(cloud: Cloud) -> None:
    cloud.load({"rules": [{"name": "gone", "when": {"path": "/servers/{server_id}"},
                           "then": respond(409, fault="conflictingRequest", message="Server {server_id} is busy",
                                           headers={"X-Why": "test"})}]})
    answer = cloud.api("GET", "/servers/abc", "2.53")
    assert answer.status_code == 409
    assert answer.json == {"conflictingRequest": {"code": 409, "message": "Server abc is busy"}}
    assert answer.headers["X-Why"] == "test"
    assert answer.headers["OpenStack-API-Version"] == "compute 2.53"
    assert answer.headers["x-compute-request-id"].startswith("req-")


def test_nova_checks_come_before_rules(cloud: Cloud) -> None:
    cloud.load({"rules": [{"name": "any", "then": respond(503)}]})
    assert cloud.client.get("/compute/v2.1/servers").status_code == 401  # no token: Nova's 401 first
    assert cloud.api("GET", "/servers", "2.999").status_code == 406
    assert cloud.client.get("/_fakenova/health").status_code == 200  # the control plane is never scripted


@pytest.mark.parametrize("when, fires", [
    ({"versions": {"min": "2.61"}}, False),
    ({"versions": {"max": "2.60"}}, True),
    ({"project": "demo"}, True),
    ({"project": "alt_demo"}, False),
    ({"user": "demo"}, True),
    ({"service": "network"}, False),
    ({"path": "/compute/v2.1/servers"}, True),
    ({"action": "create"}, True),
    ({"action": "delete"}, False),
    ({"server_name": "^web-"}, True),
    ({"server_name": "^db-"}, False),
    ({"metadata": {"tier": "web"}}, True),
    ({"metadata": {"tier": "db"}}, False),
])
def test_conditions(cloud: Cloud, when: Dict[str, Any], fires: bool) -> None:
    cloud.load({"rules": [{"name": "r", "when": {"method": "POST", **when}, "then": respond(500)}]})
    body = {"server": {"name": "web-1", "imageRef": IMAGE, "flavorRef": "1", "networks": "auto",
                       "metadata": {"tier": "web"}}}
    answer = cloud.api("POST", "/servers", "2.60", json=body)
    assert (answer.status_code == 500) is fires
    verdict = cloud.journal()[-1]["rules"][0]
    assert verdict["fired"] is fires
    if not fires:
        assert verdict["reason"].startswith("skipped: ")


def test_outcome_and_pace_choose_per_server(cloud: Cloud) -> None:
    cloud.load({"rules": [
        {"name": "db-fails", "when": {"action": "create", "server_name": "^db"},
         "then": {"outcome": "error", "fault": {"code": 500, "message": "boom", "details": "trace"}}},
        {"name": "web-slow", "when": {"action": "create", "server_name": "^web"}, "then": {"pace": "polls:2"}},
    ]})
    db, web = cloud.create("db-1"), cloud.create("web-1")
    shown = cloud.api("GET", f"/servers/{db['id']}").json["server"]
    assert shown["status"] == "ERROR" and shown["fault"]["message"] == "boom"
    assert [cloud.api("GET", f"/servers/{web['id']}").json["server"]["status"] for _ in range(2)] == ["BUILD", "ACTIVE"]
    create_entry = cloud.journal()[0]
    assert {v["rule"]: v["fired"] for v in create_entry["rules"]} == {"t/db-fails": True, "t/web-slow": False}
    assert "does not match '^web'" in create_entry["rules"][1]["reason"]


def test_rules_waiting_for_an_action_say_none_began(cloud: Cloud) -> None:
    cloud.load({"rules": [{"name": "slow", "then": {"pace": "manual"}}]})
    cloud.api("GET", "/servers")
    assert cloud.journal()[-1]["rules"][0]["reason"] == "skipped: no lifecycle action began in this request"


def test_set_state_pins_the_server_in_the_path(cloud: Cloud) -> None:
    server = cloud.create()
    cloud.load({"rules": [{"name": "crash", "when": {"method": "GET", "path": "/servers/{id}"},
                           "then": {"set_state": {"vm_state": "error", "task_state": None,
                                                  "fault": {"code": 500, "message": "host died"}}},
                           "times": "once"}]})
    shown = cloud.api("GET", f"/servers/{server['id']}").json["server"]
    assert shown["status"] == "ERROR" and shown["fault"]["message"] == "host died"


def test_delay_passes_on_the_injected_clock(cloud: Cloud) -> None:
    cloud.load({"rules": [{"name": "slow", "then": respond(504, delay=30)}]})
    before = cloud.clock.now()
    assert cloud.api("GET", "/servers").status_code == 504
    assert cloud.clock.now() - before == 30


def test_api_range_follows_the_scenario_and_unload_restores_it(cloud: Cloud) -> None:
    cloud.load({"api": {"max_version": "2.60"}})
    assert cloud.client.get("/compute/v2.1").json["version"]["version"] == "2.60"
    assert cloud.api("GET", "/servers", "2.61").status_code == 406
    assert cloud.client.delete("/_fakenova/scenarios/t").status_code == 200
    assert cloud.client.get("/compute/v2.1").json["version"]["version"] == "2.104"


def test_seeded_servers_exist_in_their_states(cloud: Cloud) -> None:
    cloud.load({"seed": {
        "projects": [{"name": "acme"}], "users": [{"name": "wile", "password": "coyote", "project": "acme"}],
        "flavors": [{"id": "99", "name": "m1.huge", "ram": 1024, "vcpus": 2, "disk": 10}],
        "servers": [{"name": "stopped-one", "vm_state": "stopped"},
                    {"name": "broken", "vm_state": "error", "fault": {"code": 500, "message": "disk gone"}},
                    {"name": "locked", "locked": True},
                    {"name": "acme-vm", "project": "acme", "flavor": "m1.huge"}]}})
    servers = {s["name"]: s for s in cloud.client.get("/_fakenova/servers").json["servers"]}
    assert servers["stopped-one"]["status"] == "SHUTOFF" and servers["stopped-one"]["power_state"] == 4
    assert servers["broken"]["fault"]["message"] == "disk gone"
    assert servers["locked"]["locked"] is True
    assert cloud.api("DELETE", f"/servers/{servers['locked']['id']}").status_code == 409
    token = cloud.client.post("/identity/v3/auth/tokens", json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "wile", "password": "coyote", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "acme", "domain": {"id": "default"}}}}})
    assert token.status_code == 201
    listed = cloud.client.get("/compute/v2.1/servers", headers={"X-Auth-Token": token.headers["X-Subject-Token"]})
    assert [s["name"] for s in listed.json["servers"]] == ["acme-vm"]


def test_loading_again_resets_hits_and_state(cloud: Cloud) -> None:
    document = {"rules": [{"name": "once", "then": respond(500), "times": "once", "sets_state": "done"}]}
    cloud.load(document)
    cloud.api("GET", "/servers")
    assert cloud.hits() == {"t/once": 1}
    described = cloud.load(document)
    assert described["state"] == "started" and described["rules"][0]["hits"] == 0


def test_a_scripted_response_gets_nova_s_headers_once_even_when_it_names_them(cloud: Cloud) -> None:
    cloud.load({"rules": [{"name": "own", "when": {"path": "/servers"}, "then": respond(
        503, headers={"x-openstack-request-id": "req-scripted", "OpenStack-API-Version": "compute 2.99",
                      "Retry-After": "5"})}]})
    response = cloud.api("GET", "/servers", "2.60")
    assert response.status_code == 503
    assert response.headers.getlist("x-openstack-request-id") == response.headers.getlist("x-compute-request-id")
    assert len(response.headers.getlist("x-openstack-request-id")) == 1
    assert response.headers["x-openstack-request-id"] != "req-scripted"
    assert response.headers.getlist("OpenStack-API-Version") == ["compute 2.60"]
    assert response.headers["Retry-After"] == "5"
