"""The list-servers benchmark of ``make bench``: page cost against store size, a full detail page against a
bare Flask route, and memory per stored server. Prints one table; not a test (nothing here asserts).

Everything runs in this process through the WSGI test client, so the numbers are fakenova's own work (routing,
auth, negotiation, listing, rendering) without a socket. Servers are made by cloning one server created
through the API and putting the clones in the store (what ``POST /servers`` would store, minus its cost).

* **page after a marker**: ``GET /servers?limit=100&marker=<middle server>`` (default sort), and the same with
  ``status=ACTIVE`` (one server in ten is SHUTOFF), at 1 000 and 100 000 servers; median of the runs.
* **detail 1000**: ``GET /servers/detail?limit=1000`` with 1 000 servers, against a bare Flask route that
  returns an equal list (the same items, as Python objects) with ``flask.jsonify``, measured alternately.
* **memory**: tracemalloc over putting 10 000 servers (record, project index, ordered index and marks).

With ``--redis`` the page rows run again on a throwaway redis-server (``create_app(store=redis://...)``, the
database emptied before each size; skipped with one line without ``redis-server``): the issue's "a page of
100 at 100 000 servers costs no more than 3x the page at 1 000" on the shared store, where a page is a walk
of the sorted-set index and one script call for its records.

Run: ``python bench/list_servers.py [--runs 200] [--redis]``.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import Flask, jsonify  # noqa: E402

from fakenova import create_app  # noqa: E402
from fakenova.clock import ManualClock  # noqa: E402
from fakenova.domain.states import PowerState, VmState  # noqa: E402
from fakenova.settings import Settings  # noqa: E402

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


def _login(client: Any) -> Dict[str, str]:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "demo", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}
    token = client.post("/identity/v3/auth/tokens", json=body).headers["X-Subject-Token"]
    return {"X-Auth-Token": token}


def build(count: int, store: Optional[str] = None) -> Tuple[Any, Dict[str, str], List[str]]:
    """An app holding ``count`` servers of the demo project (in ``store``, a Redis URL, emptied first; else in
    memory); returns (client, headers, ids newest first)."""
    if store is not None:
        import redis
        redis.Redis.from_url(store).flushdb()
    app = create_app(Settings(seed=1, max_limit=1000), clock=ManualClock(), store=store)
    client = app.test_client()
    headers = _login(client)
    made = client.post("/compute/v2.1/servers", headers=headers, json={"server": {
        "name": "template", "imageRef": IMAGE, "flavorRef": "1"}})
    template_id = made.json["server"]["id"]
    client.get(f"/compute/v2.1/servers/{template_id}", headers=headers)  # settles it to ACTIVE
    populate(app.extensions["fakenova"].store, template_id, count)
    ids = [s["id"] for s in client.get("/compute/v2.1/servers?limit=1000", headers=headers).json["servers"]]
    return client, headers, ids


#: servers written per transaction while populating (one commit each on Redis)
BATCH = 500


def populate(store: Any, template_id: str, count: int) -> None:
    template = store.get("server", template_id)
    store.delete("server", template_id)

    def clone(index: int) -> Any:
        stopped = index % 10 == 9
        return dataclasses.replace(
            template, id=f"{index:08d}-0000-4000-8000-000000000000", name=f"vm-{index}",
            created_at=template.created_at + index, updated_at=template.created_at + index,
            vm_state=VmState.STOPPED if stopped else VmState.ACTIVE,
            power_state=PowerState.SHUTDOWN if stopped else PowerState.RUNNING)

    def put_batch(start: int) -> Callable[[Any], Any]:
        def write(current: Any) -> Any:
            for server in map(clone, range(start, min(count, start + BATCH))):
                store.put("server", server.id, server, project=server.project_id)
            return current
        return write
    for start in range(0, count, BATCH):  # a transaction of its own for each batch
        store.compute("server", f"{start:08d}-0000-4000-8000-000000000000", put_batch(start), touches=("server",))


def timed(call: Callable[[], Any], runs: int) -> float:
    """Median milliseconds of ``runs`` calls (after two warm-ups)."""
    call()
    call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def page_ms(count: int, query: str, runs: int, store: Optional[str] = None,
            built: Optional[Tuple[Any, Dict[str, str], List[str]]] = None) -> float:
    client, headers, _ = built or build(count, store)
    marker = f"{count // 2:08d}-0000-4000-8000-000000000000"
    path = f"/compute/v2.1/servers?limit=100&marker={marker}{query}"
    assert len(client.get(path, headers=headers).json["servers"]) == 100
    return timed(lambda: client.get(path, headers=headers), runs)


def detail_vs_bare(runs: int) -> Tuple[float, float]:
    client, headers, _ = build(1000)
    path = "/compute/v2.1/servers/detail?limit=1000"
    items = client.get(path, headers=headers).json["servers"]
    bare = Flask("bare")
    bare.add_url_rule("/list", "list", lambda: jsonify({"servers": items}))
    bare_client = bare.test_client()
    ours = timed(lambda: client.get(path, headers=headers), runs)
    ceiling = timed(lambda: bare_client.get("/list"), runs)
    return ours, ceiling


def bytes_per_server(count: int = 10_000) -> float:
    app = create_app(Settings(seed=1), clock=ManualClock())
    client = app.test_client()
    headers = _login(client)
    client.get("/compute/v2.1/servers", headers=headers)  # defines the ordered index before measuring
    made = client.post("/compute/v2.1/servers", headers=headers, json={"server": {
        "name": "template", "imageRef": IMAGE, "flavorRef": "1"}})
    template_id = made.json["server"]["id"]
    client.get(f"/compute/v2.1/servers/{template_id}", headers=headers)
    store = app.extensions["fakenova"].store
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    populate(store, template_id, count)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--redis", action="store_true", help="the page rows on a throwaway redis-server")
    args = parser.parse_args()
    if args.redis:
        redis_pages(args.runs)
        return
    rows = []
    for label, query in (("default sort", ""), ("status=ACTIVE", "&status=ACTIVE")):
        small, large = page_ms(1_000, query, args.runs), page_ms(100_000, query, args.runs)
        rows.append((f"page limit=100 after marker, {label}", f"{small:.2f} ms @1k", f"{large:.2f} ms @100k",
                     f"{large / small:.2f}x (target <= 3x)"))
    ours, ceiling = detail_vs_bare(max(20, args.runs // 4))
    rows.append(("GET /servers/detail?limit=1000 @1k", f"{ours:.2f} ms", f"bare Flask {ceiling:.2f} ms",
                 f"{ours / ceiling:.2f}x (target <= 1.0x)"))
    rows.append(("memory per stored server (tracemalloc, 10k)", f"{bytes_per_server():.0f} B", "", ""))
    print(f"Python {sys.version.split()[0]}, {args.runs} runs per row (median)")
    table(rows)


def table(rows: List[Tuple[str, str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths)))


def redis_pages(runs: int) -> None:
    """The page rows on the Redis store, 1 000 against 100 000 servers."""
    import shutil
    if shutil.which("redis-server") is None:
        print("list servers on Redis: skipped, needs redis-server on PATH (apt-get install redis-server)")
        return
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
    from support.redis_server import RedisServer

    server = RedisServer().start()
    try:
        queries = (("default sort", ""), ("status=ACTIVE", "&status=ACTIVE"))
        timings: Dict[Tuple[int, str], float] = {}
        for count in (1_000, 100_000):  # each size filled once (100 000 servers take Redis a while)
            built = build(count, server.url)
            for _, query in queries:
                timings[(count, query)] = page_ms(count, query, runs, built=built)
        rows = []
        for label, query in queries:
            small, large = timings[(1_000, query)], timings[(100_000, query)]
            rows.append((f"Redis: page limit=100 after marker, {label}", f"{small:.2f} ms @1k",
                         f"{large:.2f} ms @100k", f"{large / small:.2f}x (target <= 3x)"))
    finally:
        server.stop()
    print(f"Python {sys.version.split()[0]}, one redis-server on loopback, {runs} runs per row (median)")
    table(rows)


if __name__ == "__main__":
    main()
