"""Transport faults on a live server: a dropped connection, a truncated body, a slow body."""
from __future__ import annotations

import pytest
import requests
from support.apps import control


@pytest.fixture
def server(live_server):
    return live_server


def script(server, fault: dict) -> None:
    control(server.app).reset()
    answer = requests.post(server.url + "/_fakenova/scenarios", json={"scenario": {"name": "wire", "rules": [
        {"name": "fault", "when": {"path": "/compute/v2.1"}, "then": {"transport": fault}, "times": "once"}]}})
    assert answer.status_code == 201, answer.text


def test_dropped_connection(server) -> None:
    script(server, {"fault": "drop"})
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/compute/v2.1")
    assert requests.get(server.url + "/compute/v2.1").status_code == 200


def test_truncated_body(server) -> None:
    script(server, {"fault": "truncate"})
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        requests.get(server.url + "/compute/v2.1")


def test_slow_body_arrives_in_chunks(server) -> None:
    script(server, {"fault": "slow", "delay": 5, "chunks": 3})
    clock = server.app.extensions["fakenova"].clock
    before = clock.now()
    answer = requests.get(server.url + "/compute/v2.1")
    assert answer.status_code == 200 and answer.json()["version"]["id"] == "v2.1"
    assert clock.now() - before >= 10  # two pauses between three chunks, on the clock: the test never sleeps
