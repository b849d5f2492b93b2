"""``fakenova record`` end to end: a client talks to a second fakenova through the recording proxy, and the
scenario it wrote, loaded into the live server, answers the same session status by status and body by body.

All three servers listen on 127.0.0.1 ephemeral ports in this process.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, List, Tuple

import pytest
import requests
import yaml
from support.apps import fresh_app

from fakenova.scenario import load
from fakenova.scenario.recorder import REDACTED, Recorder, RecordingProxy, redact
from fakenova.serving import ServerThread

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
AUTH = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "demo", "domain": {"id": "default"}, "password": "demo"}}},
    "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}


@pytest.fixture
def upstream() -> Iterator[ServerThread]:
    with ServerThread(fresh_app(system_clock=True, seed=11)) as server:
        yield server


@pytest.fixture
def recording(upstream: ServerThread) -> Iterator[Tuple[ServerThread, Recorder]]:
    recorder = Recorder("session")
    with ServerThread(RecordingProxy(upstream.url, recorder)) as proxy:  # type: ignore[arg-type]
        yield proxy, recorder


def session(base: str) -> List[Tuple[int, Any]]:
    """Boot, show until ACTIVE, list, list detail, delete, show (404): every answer's status and body, with
    this cloud's URL written as BASE."""
    http = requests.Session()
    token = http.post(f"{base}/identity/v3/auth/tokens", json=AUTH)
    compute = next(endpoint["url"] for service in token.json()["token"]["catalog"] if service["type"] == "compute"
                   for endpoint in service["endpoints"] if endpoint["interface"] == "public")
    assert compute.startswith(base), "the catalog sends the client back through this address"
    http.headers.update({"X-Auth-Token": token.headers["X-Subject-Token"],
                         "OpenStack-API-Version": "compute 2.60"})
    answers = [http.post(f"{compute}/servers", json={"server": {
        "name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "none"}})]
    server = answers[0].json()["server"]["id"]
    answers += [http.get(f"{compute}/servers/{server}"), http.get(f"{compute}/servers"),
                http.get(f"{compute}/servers/detail"), http.delete(f"{compute}/servers/{server}"),
                http.get(f"{compute}/servers/{server}")]
    return [(answer.status_code, _normal(answer, base)) for answer in answers]


def _normal(answer: requests.Response, base: str) -> Any:
    if not answer.content:
        return None
    return redact(yaml.safe_load(re.sub(re.escape(base), "BASE", answer.text)))


def test_a_recorded_session_replays_answer_for_answer(recording, cloud) -> None:
    proxy, recorder = recording
    recorded = session(proxy.url)
    assert [status for status, _ in recorded] == [202, 200, 200, 200, 204, 404]
    document = yaml.safe_load(recorder.dump())
    assert load(document).rules, "the recording is a valid scenario"
    text = recorder.dump()
    assert REDACTED in text and proxy.url not in text  # adminPass redacted, the proxy's URL a placeholder
    assert requests.post(f"{cloud.url}/_fakenova/scenarios", json={"scenario": document}).status_code == 201
    assert session(cloud.url) == recorded


def test_the_same_request_answers_in_recorded_order(recording) -> None:
    proxy, recorder = recording
    session(proxy.url)
    shows = [rule for rule in recorder.scenario()["rules"]
             if rule["when"]["method"] == "GET" and rule["when"]["path"].startswith("/compute/v2.1/servers/")
             and not rule["when"]["path"].endswith("/detail")]
    assert [rule["when"].get("after", 0) for rule in shows] == [0, 1]
    assert [rule["then"]["respond"]["status"] for rule in shows] == [200, 404]
    assert shows[0]["times"] == 1 and "times" not in shows[1]  # the last answer stays


def test_tokens_and_passwords_are_redacted_ids_kept() -> None:
    body = {"server": {"id": "abc", "adminPass": "s3cret"}, "auth": {"password": "p", "token": {"id": "t"}}}
    assert redact(body) == {"server": {"id": "abc", "adminPass": REDACTED},
                            "auth": {"password": REDACTED, "token": {"id": "t"}}}
