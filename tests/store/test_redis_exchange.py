"""Group commit of the Redis store's per-request exchanges: each request's part sent once, in arrival order,
never in a call already under way; and on a live Redis-backed app no journal entry lost under threads."""
from __future__ import annotations

import threading
import time
from typing import List

import pytest
from support.server_api import IMAGE
from support.tokens import auth_headers

from fakenova import Settings, create_app
from fakenova.store.redis_exchange import Exchange, GroupCommit


def test_a_lone_exchange_goes_out_at_once_and_alone():
    sent: List[List[Exchange]] = []
    group = GroupCommit(sent.append)
    wish = group.run(Exchange(record_key="k"))
    assert wish.done and wish.error is None and sent == [[wish]]


def test_an_exchange_joins_only_a_call_not_yet_sent():
    """While the first call is in flight, later arrivals wait and then go together in the next call."""
    in_flight, release = threading.Event(), threading.Event()
    sent: List[List[str]] = []

    def send(batch: List[Exchange]) -> None:
        sent.append([str(each.record_key) for each in batch])
        if len(sent) == 1:
            in_flight.set()
            assert release.wait(10)

    group = GroupCommit(send)
    first = threading.Thread(target=group.run, args=(Exchange(record_key="first"),))
    first.start()
    assert in_flight.wait(10)
    later = [threading.Thread(target=group.run, args=(Exchange(record_key=f"later{n}"),)) for n in range(5)]
    for thread in later:
        thread.start()
    deadline = time.monotonic() + 10
    while group.waiting < 6:  # the five queue behind the call in flight (they cannot join it)
        assert time.monotonic() < deadline, "the later exchanges never queued"
        time.sleep(0.001)  # a wait for the other threads to get there, not for simulated time
    release.set()
    for thread in [first, *later]:
        thread.join(10)
    assert sent[0] == ["first"]
    assert len(sent) == 2 and sorted(sent[1]) == [f"later{n}" for n in range(5)]


@pytest.mark.parametrize("limit", [1, 3, 64])
def test_under_threads_every_exchange_is_sent_exactly_once_within_the_limit(limit):
    sent: List[List[Exchange]] = []
    lock = threading.Lock()

    def send(batch: List[Exchange]) -> None:
        with lock:
            sent.append(list(batch))

    group = GroupCommit(send, limit=limit)
    wishes = [[Exchange(record_key=f"{t}-{n}") for n in range(50)] for t in range(8)]
    threads = [threading.Thread(target=lambda mine=mine: [group.run(wish) for wish in mine]) for mine in wishes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    carried = [each for batch in sent for each in batch]
    assert len(carried) == 400 and len({id(each) for each in carried}) == 400
    assert all(len(batch) <= limit for batch in sent)
    assert all(wish.done and wish.error is None for mine in wishes for wish in mine)


def test_a_failed_call_is_every_member_s_failure_and_the_next_call_goes_out():
    calls: List[int] = []

    def send(batch: List[Exchange]) -> None:
        calls.append(len(batch))
        if len(calls) == 1:
            raise ConnectionError("lost")

    group = GroupCommit(send)
    failed = group.run(Exchange())
    assert isinstance(failed.error, ConnectionError) and failed.done
    assert group.run(Exchange()).error is None and calls == [1, 1]


def test_no_journal_entry_is_lost_when_requests_share_exchanges(redis_server):
    url = redis_server.url.rsplit("/", 1)[0] + "/10"  # a database of its own
    app = create_app(Settings(quota={"instances": -1, "cores": -1, "ram": -1}), store=url)
    headers = {**auth_headers(app), "OpenStack-API-Version": "compute 2.96"}
    body = {"server": {"name": "j", "imageRef": IMAGE, "flavorRef": "1", "networks": "none"}}
    server = app.test_client().post("/compute/v2.1/servers", json=body, headers=headers).json["server"]["id"]
    store = app.extensions["fakenova"].store
    store.journal_clear()
    statuses: List[int] = []

    def shows() -> None:
        http = app.test_client()
        for _ in range(20):
            response = http.get(f"/compute/v2.1/servers/{server}", headers=headers)
            statuses.append(response.status_code)
            assert response.json["server"]["id"] == server

    threads = [threading.Thread(target=shows) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    entries = store.journal()
    assert statuses == [200] * 320
    assert len(entries) == 320 and len({entry["request_id"] for entry in entries}) == 320
    assert {(entry["method"], entry["path"], entry["status"]) for entry in entries} == {
        ("GET", f"/compute/v2.1/servers/{server}", 200)}
    assert all(entry["response"] is not None for entry in entries[-10:])  # the newest keep their captures
