"""What the Redis store adds to the contract: round trips that do not grow with the cloud, the lock, the codec
at the edges, and an app built on a store URL under any WSGI server."""
from itertools import islice

import pytest
from click.testing import CliRunner

from fakenova import create_app
from fakenova.cli import main
from fakenova.store import StoreUnavailable, open_store
from fakenova.store.redis_index import key_of, member, sortable


@pytest.fixture()
def store(redis_server):
    store = open_store(redis_server.url)
    store.client.flushdb()
    return store


def _counting(store):
    """Count the commands the store's client sends (a script call, a GET: one round trip each)."""
    calls = []
    send = store.client.execute_command

    def counted(*args, **options):
        calls.append(args[0])
        return send(*args, **options)
    store.client.execute_command = counted
    return calls


@pytest.mark.parametrize("size", [300, 1200])
def test_a_page_costs_one_round_trip_whatever_the_size(store, size):
    store.define_order("server", lambda record: (record["at"],))
    for n in range(size):
        store.put("server", f"k{n:05d}", {"at": n}, project="p" if n % 2 else "q")
    store.list("nothing"), list(store.walk("server", "nobody"))  # load the scripts into Redis (once per Redis)
    calls = _counting(store)
    page = list(islice(store.walk("server", "p"), 100))
    assert [record["at"] for record in page] == list(range(size - 1, size - 201, -2))
    assert calls == ["EVALSHA"]
    calls.clear()
    after = (page[-1]["at"], f"k{page[-1]['at']:05d}")
    assert [r["at"] for r in islice(store.walk("server", "p", after=after), 3)] == [page[-1]["at"] - 2 - 2 * n
                                                                                    for n in range(3)]
    assert calls == ["EVALSHA"]
    calls.clear()
    assert len(store.list("server", "q")) == size // 2 and calls == ["EVALSHA"]


@pytest.mark.parametrize("entries", [
    [(None,), (-1e300,), (-1,), (-0.5,), (0,), (0.25,), (1,), (2**53,), ("",), ("a",), ("a\x00",), ("ab",), ("b",)],
    [(1.0, "b"), (1.0, "ba"), (1.5, ""), (2, "a")],
])
def test_sortable_bytes_sort_as_the_tuples_do(entries):
    encoded = [sortable(entry) for entry in entries]
    assert encoded == sorted(encoded)
    assert key_of(member((1.0,), "srv-1:x")) == "srv-1:x"


def test_atomically_is_reentrant_and_makes_other_writers_wait(store):
    store.put("thing", "a", 1)
    with store.atomically():
        with store.atomically():
            store.compute("thing", "a", lambda v: v + 1)
        assert store.client.get(store.keys.lock) is not None
    assert store.client.get(store.keys.lock) is None and store.get("thing", "a") == 2


def test_a_lock_held_elsewhere_past_the_wait_is_unavailable_not_a_hang(redis_server):
    store = open_store(redis_server.url)
    store.client.flushdb()
    store.lock_wait = 0.2
    store.client.set(store.keys.lock, b"someone else", px=5000)
    for attempt in (lambda: store.put("thing", "a", 1), lambda: store.atomically().__enter__()):
        with pytest.raises(StoreUnavailable):
            attempt()
    store.client.delete(store.keys.lock)
    store.put("thing", "a", 1)
    assert store.get("thing", "a") == 1


def test_an_unreachable_redis_is_unavailable_within_the_timeout():
    store = open_store("redis://127.0.0.1:1/0?socket_connect_timeout=0.5")
    with pytest.raises(StoreUnavailable, match="redis at"):
        store.get("server", "x")
    with pytest.raises(StoreUnavailable):
        store.put("server", "x", 1)
    store.journal_append({"method": "GET"})  # the journal drops what it cannot keep, never failing a request


def test_create_app_on_a_store_url_serves_under_any_wsgi_server(redis_server):
    url = redis_server.url.rsplit("/", 1)[0] + "/5"
    open_store(url).client.flushdb()  # type: ignore[attr-defined]
    first, second = create_app(store=url), create_app(store=url)  # the second joins: no second seeding
    client = first.test_client()
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "demo", "domain": {"name": "Default"}}}}}}
    issued = client.post("/identity/v3/auth/tokens", json=body)
    assert issued.status_code == 201
    token = issued.headers["X-Subject-Token"]
    answer = second.test_client().get("/compute/v2.1/flavors", headers={"X-Auth-Token": token})
    assert answer.status_code == 200 and len(answer.json["flavors"]) >= 1


def test_workers_need_a_shared_store():
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--workers", "2"])
    assert result.exit_code == 2 and "--workers above 1 needs a store the processes share" in result.output


def test_the_journal_is_capped_and_keeps_captures_for_the_newest_entries_only(redis_server):
    from fakenova.store.redis_store import RedisStore

    store = RedisStore(redis_server.url, journal_limit=3, capture_limit=2)
    store.client.flushdb()
    entries = [{"method": "GET", "path": f"/p{i}", "status": 200, "rules": [{"rule": "r", "fired": i % 2 == 0}],
                "request": {"headers": [["Accept", "*/*"]], "body": None}, "response": {"body": b"{}"}}
               for i in range(5)]
    for entry in entries:
        store.journal_append(dict(entry))
    kept = store.journal()
    assert [entry["path"] for entry in kept] == ["/p2", "/p3", "/p4"]
    assert "request" not in kept[0] and kept[1] == entries[3] and kept[2] == entries[4]
    store.journal_clear()
    assert store.journal() == []
