"""Round trips to Redis per API operation: create, show, list, detail, action, delete on a Redis-backed app.

One app (``create_app(store=redis://...)``) on a throwaway redis-server, driven in-process through Flask's
test client; every exchange with Redis (a command, a pipeline, a MULTI/EXEC block: one
``send_packed_command`` each) is counted, and so are the commands Redis ran (``INFO commandstats`` deltas).
Each operation runs a few times and the median is printed; the first request of each is a warm-up (it loads
the scripts and fills the per-process caches a long-lived worker has). Figures: docs/scaling.md.

Run: ``python bench/round_trips.py [--servers 50]`` (``TRACE=1`` prints every exchange of one request of
each operation; ``NETWORKS='[{"uuid": "..."}]'`` creates with a port); skips with one line when
redis-server or the redis client is absent.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
from typing import Any, Callable, Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
REPEAT = 7
#: the create body's networks (`NETWORKS='[{"uuid": "..."}]'` for a port), "none" by default
NETWORKS: Any = json.loads(os.environ.get("NETWORKS", "\"none\""))
TRACE = bool(os.environ.get("TRACE"))


class Counter:
    """Counts ``send_packed_command`` calls (one round trip each) of every redis-py connection."""

    def __init__(self) -> None:
        from redis.connection import AbstractConnection

        self.trips = 0
        self.trace: List[str] = []
        original = AbstractConnection.send_packed_command
        counter = self

        def counted(connection: Any, command: Any, check_health: bool = True) -> None:
            counter.trips += 1
            if TRACE:
                data = command if isinstance(command, (bytes, str)) else b"".join(
                    part if isinstance(part, bytes) else bytes(part) for part in command)
                raw = data.encode() if isinstance(data, str) else data
                words = [w for w in raw.split(b"\r\n") if w and w[:1] not in b"*$"]
                counter.trace.append(" ".join(w.decode("latin-1")[:40] for w in words[:4]))
            original(connection, command, check_health)
        AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


def commandstats(client: Any) -> Dict[str, int]:
    return {name: int(stats["calls"]) for name, stats in client.info("commandstats").items()}


def measure(counter: Counter, client: Any, call: Callable[[], Any]) -> Tuple[int, int]:
    """(round trips, commands) of one ``call``; the INFO exchanges themselves are not counted."""
    before = commandstats(client)
    trips = counter.trips
    call()
    trips = counter.trips - trips
    after = commandstats(client)
    commands = sum(after.values()) - sum(before.values()) - 1  # the INFO of ``before`` counts itself
    return trips, commands


#: threads of the concurrent row, each with its own test client, and shows each sends
THREADS, SHOWS_EACH = 8, 50


def concurrent_shows(app: Any, headers: Dict[str, str], ids: List[str], counter: Counter, client: Any) -> None:
    """Round trips per show when :data:`THREADS` requests run at once in the one process: concurrent requests
    share the call that carries their snapshots and journal entries (``fakenova/store/redis_exchange.py``)."""
    import threading

    failures: List[int] = []

    def shows(offset: int) -> None:
        http = app.test_client()
        for n in range(SHOWS_EACH):
            status = http.get(f"/compute/v2.1/servers/{ids[(offset + n) % len(ids)]}", headers=headers).status_code
            if status != 200:
                failures.append(status)

    def run() -> None:
        threads = [threading.Thread(target=shows, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    trips, commands = measure(counter, client, run)
    assert not failures, failures
    total = THREADS * SHOWS_EACH
    print(f"{f'show, {THREADS} threads at once (per show)':38} {trips / total:11.2f} {commands / total:9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("redis-server") is None or importlib.util.find_spec("redis") is None:
        print("round trips: skipped, needs redis-server on PATH (apt-get install redis-server) and the redis extra")
        return
    from support.redis_server import RedisServer
    from support.tokens import auth_headers

    from fakenova import Settings, create_app

    redis = RedisServer().start()
    try:
        counter = Counter()
        app = create_app(Settings(quota={"instances": -1, "cores": -1, "ram": -1}), store=redis.url)
        store = app.extensions["fakenova"].store
        http = app.test_client()
        headers = {**auth_headers(app), "OpenStack-API-Version": "compute 2.96"}
        body = {"server": {"name": "rt", "imageRef": IMAGE, "flavorRef": "1", "networks": NETWORKS}}

        def create() -> str:
            response = http.post("/compute/v2.1/servers", json=body, headers=headers)
            assert response.status_code == 202, response.data
            return str(response.json["server"]["id"])
        ids = [create() for _ in range(args.servers)]
        victims = list(ids)

        def expect(method: str, path: str, status: int, payload: Any = None) -> Callable[[], None]:
            def call() -> None:
                response = http.open(path, method=method, headers=headers,
                                     data=None if payload is None else json.dumps(payload),
                                     content_type="application/json")
                assert response.status_code == status, (path, response.status_code, response.data)
            return call
        operations: List[Tuple[str, Callable[[], Callable[[], Any]]]] = [
            ("POST /servers (create)", lambda: create),
            ("GET /servers/{id} (show)", lambda: expect("GET", f"/compute/v2.1/servers/{ids[0]}", 200)),
            ("GET /servers?limit=100 (list)", lambda: expect("GET", "/compute/v2.1/servers?limit=100", 200)),
            ("GET /servers/detail?limit=100", lambda: expect("GET", "/compute/v2.1/servers/detail?limit=100",
                                                             200)),
            ("GET /flavors", lambda: expect("GET", "/compute/v2.1/flavors", 200)),
            ("POST /servers/{id}/action (reboot)",
             lambda: expect("POST", f"/compute/v2.1/servers/{ids[1]}/action", 202, {"reboot": {"type": "SOFT"}})),
            ("DELETE /servers/{id}", lambda: expect("DELETE", f"/compute/v2.1/servers/{victims.pop()}", 204)),
        ]
        print(f"{'operation':38} {'round trips':>11} {'commands':>9}")
        for name, make in operations:
            make()()  # warm-up
            if TRACE:
                counter.trace.clear()
                make()()
                print(name, *counter.trace, sep="\n    ")
            samples = [measure(counter, store.client, make()) for _ in range(REPEAT)]
            trips = statistics.median(sample[0] for sample in samples)
            commands = statistics.median(sample[1] for sample in samples)
            print(f"{name:38} {trips:11.0f} {commands:9.0f}")
        concurrent_shows(app, headers, victims, counter, store.client)  # the servers not deleted above
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
