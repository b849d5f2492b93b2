"""One contract suite for every store implementation; a new store is done when this passes."""
import threading

import pytest

from fakenova.store import REMOVE, MemoryStore, open_store
from fakenova.store.base import IndexedStore, OrderedStore, UndeclaredWrite

#: the Redis store also as a request sees it: its reads through the per-process version-keyed cache
IMPLEMENTATIONS = ["MemoryStore", "RedisStore", "RedisStore in a request"]


@pytest.fixture(params=IMPLEMENTATIONS)
def store(request):
    if request.param == "MemoryStore":
        return MemoryStore()
    server = request.getfixturevalue("redis_server")
    store = open_store(server.url)
    store.client.flushdb()
    if request.param.endswith("in a request"):
        store.begin_request()
    return store


def test_put_get_list_by_project(store):
    store.put("server", "a", {"n": 1}, project="p1")
    store.put("server", "b", {"n": 2}, project="p2")
    store.put("server", "c", {"n": 3}, project="p1")
    assert store.get("server", "a") == {"n": 1} and store.get("server", "zz") is None
    assert store.list("server", "p1") == [{"n": 1}, {"n": 3}]
    assert store.list("server") == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert store.list("flavor") == []


def test_compute_replaces_keeps_project_and_removes(store):
    store.put("server", "a", 1, project="p1")
    assert store.compute("server", "a", lambda v: v + 1) == 2
    assert store.list("server", "p1") == [2]
    store.compute("server", "a", lambda v: REMOVE)
    assert store.get("server", "a") is None and store.list("server", "p1") == []


def test_compute_error_leaves_record_unchanged(store):
    store.put("k", "a", 1)
    with pytest.raises(RuntimeError):
        store.compute("k", "a", lambda v: (_ for _ in ()).throw(RuntimeError("no")))
    assert store.get("k", "a") == 1


def test_compute_whose_function_raises_leaves_no_write(store):
    """Puts, deletes and nested computes of several kinds before the error: none of them is kept."""
    store.put("server", "a", 1, project="p1")
    store.put("port", "x", {"ip": "10.0.0.3"}, project="p1")

    def several(current):
        store.put("port", "y", {"ip": "10.0.0.4"}, project="p2")
        store.delete("port", "x")
        store.compute("ip_allocation", "s/10.0.0.4", lambda _: {"port_id": "y"})
        store.put("server", "b", 2, project="p2")
        raise RuntimeError("no")
    with pytest.raises(RuntimeError):
        store.compute("server", "a", several, touches=("server", "port", "ip_allocation"))
    assert store.list("server") == [1] and store.list("server", "p2") == []
    assert store.list("port", "p1") == [{"ip": "10.0.0.3"}] and store.list("port", "p2") == []
    assert store.get("ip_allocation", "s/10.0.0.4") is None
    store.put("port", "z", 3, project="p3")  # writes after the failed compute are kept as ever
    assert store.list("port", "p3") == [3]


def test_compute_is_atomic_under_threads(store):
    store.put("counter", "x", 0)

    def bump():
        for _ in range(500):
            store.compute("counter", "x", lambda v: v + 1)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("counter", "x") == 4000


def _writing(store, kind, key, *, delete=False):
    """A compute function that also writes (or deletes) another record, then keeps its own."""
    def fn(current):
        store.delete(kind, key) if delete else store.put(kind, key, "written")
        return current
    return fn


def test_compute_writing_an_undeclared_record_raises_and_writes_nothing(store):
    store.put("server", "a", 1)
    store.put("server", "b", 2)
    store.put("image", "i", 3)
    for kind, key, delete in (("migration", "m", False), ("server", "b", False), ("image", "i", True)):
        with pytest.raises(UndeclaredWrite, match=f"wrote {kind} '{key}'"):
            store.compute("server", "a", _writing(store, kind, key, delete=delete))
    assert store.get("migration", "m") is None and store.get("server", "b") == 2 and store.get("image", "i") == 3


def test_compute_may_write_the_kinds_it_declares(store):
    store.put("server", "a", 1)
    store.compute("server", "a", _writing(store, "migration", "m"), touches=("migration",))
    store.compute("server", "a", _writing(store, "server", "b"), touches=("server",))
    store.compute("server", "a", lambda v: v + store.next_counter("n"))  # counters need no declaration
    assert store.get("migration", "m") == "written" and store.get("server", "b") == "written"
    assert store.get("server", "a") == 2
    store.put("image", "i", 0)  # once the compute has returned, writes are free again
    assert store.get("image", "i") == 0


def test_nested_compute_needs_every_enclosing_declaration(store):
    store.put("server", "a", 1)
    store.put("image", "i", 1)

    def inner(declared):
        return lambda v: store.compute("image", "i", _writing(store, "migration", "m"), touches=declared)

    with pytest.raises(UndeclaredWrite):  # the server compute did not declare migration
        store.compute("server", "a", inner(("migration",)), touches=("image",))
    with pytest.raises(UndeclaredWrite):  # the image compute did not declare migration
        store.compute("server", "a", inner(()), touches=("image", "migration"))
    store.compute("server", "a", inner(("migration",)), touches=("image", "migration"))
    assert store.get("migration", "m") == "written"


def test_memory_store_checks_declarations_only_when_strict():
    store = MemoryStore(strict=False)
    store.put("server", "a", 1)
    store.compute("server", "a", _writing(store, "migration", "m"))
    assert store.get("migration", "m") == "written"


def test_counters_journal_and_clear(store):
    assert [store.next_counter("n") for _ in range(3)] == [1, 2, 3]
    store.journal_append({"a": 1})
    assert store.journal() == [{"a": 1}]
    store.put("server", "a", 1, project="p")
    store.put("flavor", "1", {})
    store.clear(["server"])
    assert store.get("server", "a") is None and store.get("flavor", "1") == {} and store.list("server", "p") == []
    store.clear()
    assert store.get("flavor", "1") is None and store.next_counter("n") == 1 and store.journal() == []


def test_open_store():
    assert isinstance(open_store("memory://"), MemoryStore)
    for url in ("mongodb://localhost", "redis:/nowhere", ""):
        with pytest.raises(ValueError, match="unsupported store URL"):
            open_store(url)


# --- optional capability: the ordered index (OrderedStore) ----------------------------------------------

def _ordered(store):
    if not isinstance(store, OrderedStore):
        pytest.skip(f"{type(store).__name__} has no ordered index")
    return store


def test_ordered_index_walks_from_a_position_both_ways(store):
    store = _ordered(store)
    store.put("server", "b", {"t": 2, "p": "x"}, project="p1")  # indexed when the order is defined
    store.define_order("server", lambda r: (r["t"],), {"odd": lambda r: r["t"] % 2 == 1})
    for key, t, project in (("a", 1, "p1"), ("c", 2, "p2"), ("d", 3, "p1")):
        store.put("server", key, {"t": t}, project=project)
    keys = lambda records: [r["t"] for r in records]  # noqa: E731
    assert keys(store.walk("server")) == [3, 2, 2, 1]
    assert [r for r in store.walk("server", "p1", after=(2, "b"))] == [{"t": 1}]
    assert keys(store.walk("server", descending=False, after=(2, "b"))) == [2, 3]
    assert keys(store.walk("server", "p2")) == [2] and list(store.walk("server", "nobody")) == []
    assert store.marked("server", "odd") == ["a", "d"]


def test_ordered_index_follows_put_compute_delete_and_clear(store):
    store = _ordered(store)
    store.define_order("server", lambda r: (r["t"],), {"odd": lambda r: r["t"] % 2 == 1})
    store.put("server", "a", {"t": 1}, project="p")
    store.compute("server", "a", lambda r: {"t": 4})
    assert [r["t"] for r in store.walk("server", "p")] == [4] and store.marked("server", "odd") == []
    store.compute("server", "a", lambda r: REMOVE)
    assert list(store.walk("server")) == [] and list(store.walk("server", "p")) == []
    store.put("server", "b", {"t": 5}, project="p")
    store.clear(["server"])
    assert list(store.walk("server")) == [] and store.marked("server", "odd") == []
    store.put("server", "c", {"t": 7})
    assert [r["t"] for r in store.walk("server")] == [7] and store.marked("server", "odd") == ["c"]


def test_ordered_walk_survives_concurrent_writes(store):
    store = _ordered(store)
    store.define_order("server", lambda r: (r["t"],))
    for t in range(1000):
        store.put("server", f"k{t:04d}", {"t": t}, project="p")
    seen = []
    for record in store.walk("server", "p"):
        seen.append(record["t"])
        if record["t"] % 100 == 0:  # writers between chunks: new newest records, and deletes behind us
            store.put("server", f"n{record['t']}", {"t": 5000 + record["t"]}, project="p")
            store.delete("server", f"k{record['t'] + 1:04d}") if record["t"] < 999 else None
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))
    assert all(t < 1000 for t in seen)


def test_running_totals_follow_puts_replacements_and_deletes(store):
    store.define_order("thing", lambda v: (v["at"],), sums={"size": lambda v: (1, v["size"])})
    store.put("thing", "a", {"at": 1, "size": 5}, project="p1")
    store.put("thing", "b", {"at": 2, "size": 7}, project="p1")
    store.put("thing", "c", {"at": 3, "size": 1}, project="p2")
    assert store.total("thing", "size", "p1") == (2, 12) and store.total("thing", "size") == (3, 13)
    store.compute("thing", "a", lambda v: {**v, "size": 2})
    assert store.total("thing", "size", "p1") == (2, 9)
    store.delete("thing", "b")
    assert store.total("thing", "size", "p1") == (1, 2) and store.total("thing", "size", "p2") == (1, 1)
    assert store.total("thing", "size", "nobody") == ()
    store.clear(["thing"])
    assert store.total("thing", "size") == ()


def test_journal_keeps_entries_as_given_and_drops_the_oldest_beyond_its_limit():
    store = MemoryStore(journal_limit=3)
    entries = [{"method": "GET", "path": f"/p{i}", "version": "2.96", "status": 200} for i in range(4)]
    entries[2] = {**entries[2], "rules": [{"rule": "r", "fired": True}], "error": "Traceback ..."}
    for entry in entries:
        store.journal_append(dict(entry))
    assert store.journal() == entries[1:]
    store.journal()[0]["status"] = 500  # a copy: a caller cannot change the journal
    assert store.journal()[0]["status"] == 200
    assert open_store("memory://", journal_limit=1).journal() == []
    with pytest.raises(ValueError):
        MemoryStore(journal_limit=0)


def test_journal_limit_setting():
    from fakenova.settings import Settings

    assert Settings().journal_limit == 10_000
    assert Settings.from_env({"FAKENOVA_JOURNAL_LIMIT": "50"}).journal_limit == 50
    with pytest.raises(ValueError):
        Settings(journal_limit=0)


def test_ordered_index_follows_a_record_moved_to_another_project(store):
    store = _ordered(store)
    store.define_order("thing", lambda v: (v["at"],), sums={"size": lambda v: (1, v["size"])})
    store.put("thing", "a", {"at": 1, "size": 5}, project="p1")
    store.put("thing", "a", {"at": 1, "size": 5}, project="p2")
    assert list(store.walk("thing", "p1")) == [] and list(store.walk("thing", "p2")) == [{"at": 1, "size": 5}]
    assert store.total("thing", "size", "p1") == (0, 0) and store.total("thing", "size", "p2") == (1, 5)
    assert store.total("thing", "size") == (1, 5)
    store.put("thing", "a", {"at": 2, "size": 6})
    assert list(store.walk("thing", "p2")) == [] and list(store.walk("thing")) == [{"at": 2, "size": 6}]
    assert store.total("thing", "size", "p2") == (0, 0) and store.total("thing", "size") == (1, 6)


def test_a_compute_lists_its_own_writes(store):
    store.put("server", "a", 1, project="p")
    store.put("image", "old", "o", project="p")
    store.put("image", "gone", "g", project="p")
    seen = []

    def fn(current):
        store.put("image", "new", "n", project="p")
        store.put("image", "old", "o2", project="q")
        store.delete("image", "gone")
        seen.extend([store.list("image"), store.list("image", "p"), store.list("image", "q")])
        return current

    store.compute("server", "a", fn, touches=("image",))
    assert seen == [["o2", "n"], ["n"], ["o2"]]
    assert store.list("image") == ["o2", "n"]


def test_a_nested_compute_that_writes_nothing_needs_no_declaration(store):
    store.put("server", "a", 1)
    store.put("server", "b", 2)
    store.compute("server", "a", lambda v: v + store.compute("server", "b", lambda w: w))
    assert store.get("server", "a") == 3 and store.get("server", "b") == 2


# --- optional capability: records filed by a value (IndexedStore) ---------------------------------------

def _by_device(record):
    return record.get("device") or None


def test_value_index_files_records_already_there_and_follows_every_write(store):
    if not isinstance(store, IndexedStore):
        pytest.skip(f"{type(store).__name__} has no value index")
    store.put("port", "a", {"device": "d1", "n": 1}, project="p")
    store.define_index("port", "device", _by_device)
    store.define_index("port", "device", lambda record: "ignored")  # the first definition wins
    store.put("port", "b", {"device": "d1", "n": 2}, project="p")
    store.put("port", "c", {"device": "", "n": 3})
    assert store.find("port", "device", "d1") == [{"device": "d1", "n": 1}, {"device": "d1", "n": 2}]
    store.compute("port", "a", lambda record: {**record, "device": "d2"})
    store.compute("port", "c", lambda record: {**record, "device": "d2"})
    assert [r["n"] for r in store.find("port", "device", "d1")] == [2]
    assert [r["n"] for r in store.find("port", "device", "d2")] == [1, 3]
    store.compute("port", "b", lambda record: {**record, "n": 20})  # same value: filed where it was
    assert store.find("port", "device", "d1") == [{"device": "d1", "n": 20}]
    store.delete("port", "a")
    store.compute("port", "c", lambda record: REMOVE)
    assert store.find("port", "device", "d2") == [] and store.find("port", "device", "nothing") == []
    store.clear(["port"])
    assert store.find("port", "device", "d1") == []
    store.put("port", "e", {"device": "d1", "n": 5})
    assert [r["n"] for r in store.find("port", "device", "d1")] == [5]
    store.clear()
    assert store.find("port", "device", "d1") == []


def test_value_index_inside_a_compute_sees_its_own_writes(store):
    if not isinstance(store, IndexedStore):
        pytest.skip(f"{type(store).__name__} has no value index")
    store.define_index("port", "device", _by_device)
    store.put("server", "s", 0)

    def fn(current):
        store.put("port", "x", {"device": "d9"})
        return [r for r in store.find("port", "device", "d9")]
    assert store.compute("server", "s", fn, touches=("port",)) == [{"device": "d9"}]
    assert store.find("port", "device", "d9") == [{"device": "d9"}]


def test_per_group_totals_follow_every_write(store):
    from fakenova.store.base import GroupedStore

    assert isinstance(store, GroupedStore)
    store.put("server", "early", {"host": "h1", "cpu": 4}, project="p")  # counted when the totals are defined
    store.define_groups("server", "usage", lambda record: record["host"], lambda record: (1, record["cpu"]))
    store.define_groups("server", "usage", lambda record: "ignored", lambda record: (0, 0))  # the first wins
    store.put("server", "a", {"host": "h1", "cpu": 2}, project="p")
    store.put("server", "b", {"host": "h2", "cpu": 8}, project="q")
    store.put("server", "c", {"host": None, "cpu": 16}, project="q")  # in no group
    assert store.group_totals("server", "usage") == {"h1": (2, 6), "h2": (1, 8)}
    store.compute("server", "b", lambda record: {**record, "host": "h1"})  # moved
    store.delete("server", "early")
    assert store.group_totals("server", "usage") == {"h1": (2, 10)}
    with pytest.raises(RuntimeError):
        store.compute("server", "a", lambda record: (_ for _ in ()).throw(RuntimeError("boom")))
    store.compute("server", "a", lambda record: REMOVE)
    store.compute("server", "b", lambda record: {**record, "host": None})
    assert store.group_totals("server", "usage") == {}
