"""One contract suite for every store implementation; a new store is done when this passes."""
import threading

import pytest

from fakenova.store import REMOVE, MemoryStore, open_store

IMPLEMENTATIONS = [MemoryStore]


@pytest.fixture(params=IMPLEMENTATIONS, ids=lambda cls: cls.__name__)
def store(request):
    return request.param()


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
    with pytest.raises(ValueError):
        open_store("redis://localhost")
