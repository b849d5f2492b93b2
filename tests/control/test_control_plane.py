"""The ``/_fakenova`` control plane over HTTP (Flask test client): every operation, and its error contract."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.apps import fresh_app
from support.tokens import auth_headers

from fakenova.control import ROUTES

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


@pytest.fixture
def app():
    return fresh_app(system_clock=True)


@pytest.fixture
def client(app):
    return app.test_client()


def create(app, client, name: str = "vm", user: str = "demo") -> Dict[str, Any]:
    body = {"server": {"name": name, "imageRef": IMAGE, "flavorRef": "1", "networks": "auto"}}
    headers = {**auth_headers(app, user, user), "OpenStack-API-Version": "compute 2.60"}
    response = client.post("/compute/v2.1/servers", json=body, headers=headers)
    assert response.status_code == 202, response.json
    return response.json["server"]


def test_index_describes_every_operation(client) -> None:
    operations = client.get("/_fakenova").json["operations"]
    assert len(operations) == len(ROUTES)
    assert all(op["summary"] for op in operations)
    assert {"method": "POST", "path": "http://localhost/_fakenova/reset"}.items() <= operations[2].items()


def test_health(client) -> None:
    assert client.get("/_fakenova/health").json == {"status": "ok", "min_version": "2.1", "max_version": "2.104",
                                                   "scenarios": [], "errors": 0}


def test_reset_all_with_settings_and_one_project(app, client) -> None:
    create(app, client, "demo-vm")
    create(app, client, "alt-vm", user="alt_demo")
    answer = client.post("/_fakenova/reset", json={"project": "alt_demo"})
    assert answer.json["servers_removed"] == 1
    assert [s["name"] for s in client.get("/_fakenova/servers").json["servers"]] == ["demo-vm"]
    answer = client.post("/_fakenova/reset", json={"settings": {"max_version": "2.70", "pace": "polls:2"}})
    assert answer.status_code == 200
    assert client.get("/_fakenova/servers").json["servers"] == []
    assert client.get("/compute/v2.1").json["version"]["version"] == "2.70"
    client.post("/_fakenova/reset", json={})  # control writes are JSON (a web page cannot forge them)
    assert client.get("/compute/v2.1").json["version"]["version"] == "2.104"


@pytest.mark.parametrize("body, status, message", [
    ({"settings": {"colour": "blue"}}, 400, "Unknown setting 'colour'"),
    ({"settings": {"max_version": "two"}}, 400, "Invalid value for setting max_version"),
    ({"settings": {"min_version": "2.90", "max_version": "2.60"}}, 400, "min <= max"),
    ({"project": "nobody"}, 404, "Project nobody could not be found."),
])
def test_reset_refuses_bad_input(client, body, status: int, message: str) -> None:
    answer = client.post("/_fakenova/reset", json=body)
    assert answer.status_code == status
    assert message in next(iter(answer.json.values()))["message"]


def test_seed_adds_data(app, client) -> None:
    answer = client.post("/_fakenova/seed", json={"flavors": [{"id": "77", "name": "x1", "ram": 1, "vcpus": 1,
                                                               "disk": 1}],
                                                  "servers": [{"name": "old", "vm_state": "suspended"}]})
    assert answer.status_code == 201
    assert client.get("/_fakenova/servers").json["servers"][0]["status"] == "SUSPENDED"
    bad = client.post("/_fakenova/seed", json={"servers": [{"name": "x", "image": "windows"}]})
    assert bad.status_code == 400 and "no image named 'windows'" in bad.json["badRequest"]["message"]


def test_scenarios_load_list_unload(client) -> None:
    assert client.post("/_fakenova/scenarios", json={"name": "slow-build"}).status_code == 201
    assert client.post("/_fakenova/scenarios", json={"name": "flaky-503"}).status_code == 201
    listed = client.get("/_fakenova/scenarios").json["scenarios"]
    assert [s["name"] for s in listed] == ["slow-build", "flaky-503"]
    assert listed[1]["rules"] == [{"rule": "flaky-503/first-call-fails", "effect": "respond", "times": "once",
                                   "hits": 0, "exhausted": False}]
    assert client.delete("/_fakenova/scenarios/nope").status_code == 404
    assert client.delete("/_fakenova/scenarios").json == {"unloaded": ["slow-build", "flaky-503"]}
    missing = client.post("/_fakenova/scenarios", json={"name": "nope"})
    assert missing.status_code == 400 and "bundled scenarios are" in missing.json["badRequest"]["message"]
    assert client.post("/_fakenova/scenarios", json={"name": 3}).status_code == 400


def test_clock_advance_and_freeze(client) -> None:
    frozen = client.post("/_fakenova/clock", json={"freeze": True}).json
    assert frozen["frozen"] is True
    assert client.get("/_fakenova/clock").json["epoch"] == frozen["epoch"]
    moved = client.post("/_fakenova/clock", json={"advance": 90}).json
    assert moved["epoch"] == frozen["epoch"] + 90
    assert client.post("/_fakenova/clock", json={"freeze": False}).json["frozen"] is False
    assert client.post("/_fakenova/clock", json={"advance": -1}).status_code == 400
    assert client.post("/_fakenova/clock", json={}).status_code == 400


def test_set_state_and_step(app, client) -> None:
    server = create(app, client)
    answer = client.put(f"/_fakenova/servers/{server['id']}/state",
                        json={"vm_state": "active", "task_state": "rebooting", "locked": True})
    assert answer.json["server"]["status"] == "REBOOT" and answer.json["server"]["locked"] is True
    bad = client.put(f"/_fakenova/servers/{server['id']}/state", json={"vm_state": "rebooted"})
    assert bad.status_code == 400 and "unknown VmState 'rebooted'" in bad.json["badRequest"]["message"]
    assert client.put(f"/_fakenova/servers/{server['id']}/state", json={"colour": 1}).status_code == 400
    assert client.put("/_fakenova/servers/nope/state", json={"vm_state": "error"}).status_code == 404
    client.post("/_fakenova/reset", json={"settings": {"pace": "manual"}})
    server = create(app, client)
    path = f"/_fakenova/servers/{server['id']}/step"
    steps = [client.post(path, json={}).json["server"]["task_state"] for _ in range(3)]
    assert steps == ["networking", "spawning", None]


def test_journal_read_and_clear(app, client) -> None:
    create(app, client)
    entries = client.get("/_fakenova/journal").json["journal"]
    assert [(e["method"], e["path"], e["status"], e["version"]) for e in entries] == [
        ("POST", "/compute/v2.1/servers", 202, "2.60")]  # control-plane calls are not journalled
    assert client.delete("/_fakenova/journal").status_code == 200
    assert client.get("/_fakenova/journal").json["journal"] == []


def test_errors_use_novas_fault_body(client) -> None:
    answer = client.post("/_fakenova/reset", data="{not json", content_type="application/json")
    assert answer.status_code == 400 and answer.json == {"badRequest": {"code": 400,
                                                                        "message": "Malformed request body"}}
    assert client.get("/_fakenova/nothing").json["itemNotFound"]["code"] == 404
