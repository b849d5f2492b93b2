"""The journal's capture: headers and bodies as sent, capped, redacted when read; fake-clock time; servers touched."""
from __future__ import annotations

import json
import tracemalloc
from typing import Any, Dict, List

import pytest
from support.apps import EPOCH, fresh_app
from support.tokens import auth_headers

from fakenova import journal
from fakenova.store.memory import MemoryStore
from fakenova.testing.harness import FakeNova

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
SECRET = "s3cr3t-value"


@pytest.fixture
def app():
    return fresh_app(seed=3)


@pytest.fixture
def client(app):
    return app.test_client()


def _headers(app) -> Dict[str, str]:
    return {**auth_headers(app, "demo", "demo"), "OpenStack-API-Version": "compute 2.60"}


def _create(app, client, **extra: Any) -> Dict[str, Any]:
    body = {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "auto", **extra}}
    response = client.post("/compute/v2.1/servers", json=body, headers=_headers(app))
    assert response.status_code == 202, response.json
    return response.json["server"]


def _journal(client, **query: str) -> List[Dict[str, Any]]:
    return client.get("/_fakenova/journal", query_string=query).json["journal"]


def test_an_entry_has_time_headers_bodies_and_servers(app, client) -> None:
    client.post("/_fakenova/clock", json={"advance": 42})
    server = _create(app, client, adminPass=SECRET)
    [entry] = _journal(client)
    assert entry["time"] == EPOCH + 42 and entry["server_ids"] == [server["id"]]
    request, response = entry["request"], entry["response"]
    assert request["headers"]["Openstack-Api-Version"] == "compute 2.60"
    assert request["format"] == "json" and request["body"]["server"]["name"] == "vm"
    assert request["size"] == int(request["headers"]["Content-Length"]) and not request["truncated"]
    assert response["headers"]["Location"].endswith(server["id"]) and response["body"]["server"]["id"] == server["id"]
    assert response["headers"]["x-compute-request-id"] == entry["request_id"]


def test_every_secret_kind_is_redacted_when_read(app, client) -> None:
    token = auth_headers(app, "demo", "demo")["X-Auth-Token"]
    extra = {"Authorization": f"Bearer {SECRET}", "X-Fakenova-Control-Token": SECRET,
             "OpenStack-API-Version": "compute 2.60"}
    client.set_cookie("session", SECRET)  # the test client sends its own cookie jar, not a Cookie header
    server = client.post("/compute/v2.1/servers", headers={"X-Auth-Token": token, **extra}, json={"server": {
        "name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "auto", "adminPass": SECRET}}).json["server"]
    client.post(f"/compute/v2.1/servers/{server['id']}/action", headers=_headers(app),
                json={"changePassword": {"adminPass": SECRET}})
    client.post("/identity/v3/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "demo", "domain": {"id": "default"}, "password": "demo"}}}}})
    client.post("/identity/v3/auth/tokens", json={"auth": {"identity": {"methods": ["token"],
                                                                          "token": {"id": token}}}})
    text = json.dumps(_journal(client))
    assert SECRET not in text and token not in text and '"password": "demo"' not in text
    entries = _journal(client)
    assert entries[0]["request"]["headers"]["X-Auth-Token"] == journal.REDACTED
    assert all(entries[0]["request"]["headers"][name] == journal.REDACTED
               for name in ("Authorization", "Cookie", "X-Fakenova-Control-Token"))
    assert entries[2]["request"]["body"]["auth"]["identity"]["password"]["user"]["name"] == "demo"  # ids stay
    assert entries[2]["response"]["headers"]["X-Subject-Token"] == journal.REDACTED
    assert entries[3]["request"]["body"]["auth"]["identity"]["token"] == {"id": journal.REDACTED}
    assert entries[0]["response"]["body"]["server"]["id"] == server["id"]


@pytest.mark.parametrize("body, hidden", [
    ({"application_credential": {"id": "ac1", "name": "ci", "secret": SECRET}}, "secret"),
    ({"user": {"password": SECRET, "original_password": SECRET}}, "password"),
    ({"keypair": {"name": "k", "private_key": SECRET, "public_key": "ssh-rsa AAA"}}, "private_key"),
    ({"credential": {"blob": "{}", "access_token": SECRET}}, "access_token"),
    ({"rescue": {"adminPass": SECRET}}, "adminPass"),
    ({"auth": {"identity": {"application_credential": {"id": "ac1", "secret": SECRET}}}}, "secret"),
])
def test_json_bodies_lose_secrets_and_keep_ids(body, hidden) -> None:
    shown = journal.read_body(json.dumps(body).encode(), 0)
    assert SECRET not in json.dumps(shown) and hidden in json.dumps(shown)
    assert "ac1" in json.dumps(shown) or "ac1" not in json.dumps(body)


def test_text_and_binary_bodies() -> None:
    assert journal.read_body(b"plain words\n", 12) == {"size": 12, "truncated": False, "format": "text",
                                                      "body": "plain words\n"}
    assert journal.read_body(b"\x00\x01\xff" * 10, 30)["body"] == "<30 bytes>"
    assert journal.read_body(None, 0)["format"] == "none"


def test_a_long_body_is_capped_and_a_cut_json_body_is_still_redacted(app, client) -> None:
    user_data = "QUFB" * 12_000  # 48 000 base64 characters, after adminPass: the cut falls in user_data
    _create(app, client, adminPass=SECRET, user_data=user_data)
    [entry] = _journal(client)
    request = entry["request"]
    assert request["truncated"] and request["size"] > journal.BODY_CAP and request["format"] == "text"
    assert SECRET not in request["body"] and '"adminPass": "***"' in request["body"]
    stored = app.extensions["fakenova"].store.journal()[0]["request"]
    assert len(stored[1]) == journal.BODY_CAP and stored[2] == request["size"]


def test_a_long_response_is_capped() -> None:
    big = b"[" + b"1," * 600_000 + b"1]"
    flat, body, size = journal.capture_response([("Content-Type", "application/json")], [big])
    assert body is not None and len(body) == journal.BODY_CAP and size == len(big) and body is not big
    small = b'{"a": 1}'
    assert journal.capture_response([], [small])[1] is small  # kept by reference, not copied
    assert journal.capture_response([], iter([big]))[1] is None  # a stream is never read


def test_memory_per_entry_stays_bounded_whatever_the_body_size() -> None:
    store = MemoryStore(journal_limit=50)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            entry = {"request_id": "r", "request": journal.capture_request({}, b"x" * 200_000),
                     "response": journal.capture_response([], [b"y" * 1_000_000])}
            store.journal_append(entry)
            del entry
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 50 * (2 * journal.BODY_CAP + 2048), grown


def test_servers_touched_by_create_show_action_and_delete(app, client) -> None:
    server = _create(app, client)
    others = _create(app, client, min_count=3)
    headers = _headers(app)
    client.get(f"/compute/v2.1/servers/{server['id']}", headers=headers)
    client.post(f"/compute/v2.1/servers/{server['id']}/action", json={"reboot": {"type": "SOFT"}},
                headers=headers)
    client.delete(f"/compute/v2.1/servers/{server['id']}", headers=headers)
    client.get("/compute/v2.1/flavors", headers=headers)
    entries = _journal(client)
    created = entries[1]["server_ids"]
    assert len(created) == 3 and created[0] == others["id"]
    assert [len(entry["server_ids"]) for entry in entries] == [1, 3, 1, 1, 1, 0]
    mine = _journal(client, server_id=server["id"])
    assert [(entry["method"], entry["status"]) for entry in mine] == [
        ("POST", 202), ("GET", 200), ("POST", 202), ("DELETE", 204)]
    assert [entry["method"] for entry in _journal(client, server_id=created[2])] == ["POST"]


def test_the_harness_journal_reads_the_same_entries(app, client) -> None:
    server = _create(app, client, adminPass=SECRET)
    fake = FakeNova(app=app)
    assert fake.journal.assert_called("POST", "/servers", times=1)[0]["server_ids"] == [server["id"]]
    assert [entry["method"] for entry in fake.journal.touching(server["id"])] == ["POST"]
    assert SECRET not in json.dumps(fake.journal.entries())


def test_headers_and_bodies_are_kept_for_the_newest_entries_only() -> None:
    store = MemoryStore(journal_limit=5, capture_limit=2)
    for number in range(7):
        store.journal_append({"n": number, "request": journal.capture_request({"HTTP_HOST": "h"}, b"{}"),
                              "response": journal.capture_response([], [b"{}"])})
    entries = store.journal()
    assert [entry["n"] for entry in entries] == [2, 3, 4, 5, 6]
    assert ["request" in entry for entry in entries] == [False, False, False, True, True]
    shown = [journal.readable(entry) for entry in entries]
    assert [entry["request"]["kept"] for entry in shown] == [False, False, False, True, True]
    assert shown[-1]["request"]["headers"] == {"Host": "h"}
    store.journal_clear()
    store.journal_append({"n": 7})
    assert store.journal() == [{"n": 7}]
