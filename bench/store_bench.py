"""Show, create and list detail of 1,000 servers on the memory store (1 worker) and Redis (1 and 2 workers).

Usage: ``python bench/store_bench.py [--servers 1000] [--requests 600] [--conns 8]``; without ``redis-server``
on PATH (or the redis extra) it prints one line and measures nothing. The memory store gets a fresh
``fakenova serve``; Redis gets one throwaway redis-server (no persistence) that a 1-worker and a 2-worker
``fakenova serve --store redis://`` serve at once (one cloud), so the cloud is filled to ``--servers`` once
per store (untimed; creates measured are deleted again). All three serve throughout; each operation runs in
:data:`ROUNDS` rounds, each configuration once per round in turn, and each keeps its best round, so a burst
of another tenant's load lands in one round of one configuration, not on one side of a ratio. Prints one row
per operation and configuration (req/s, p50/p99 ms), ``redis-benchmark``'s own rate for the commands a
request sends and the request rate that allows at this build's round trips per request, the ratios the
issue sets targets for, and Redis' memory per stored server. Figures and what they mean: docs/scaling.md.
"""
from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
from typing import Any, Callable, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from api_bench import all_ids, create_body, fill, token  # noqa: E402
from load import Child, drive  # noqa: E402

#: (row label, --store kind, workers)
CONFIGS = [("memory, 1 worker", "memory", 1), ("redis, 1 worker", "redis", 1), ("redis, 2 workers", "redis", 2)]
QUOTA = [arg for name in ("instances", "cores", "ram") for arg in ("--quota", f"{name}=-1")]
OPS = ("show", "detail (1,000)", "create")
#: the commands requests send (bench/round_trips.py lists which), as redis-benchmark runs them; the EVAL is
#: the shape of the page script (a lookup and an MGET)
REDIS_COMMANDS: List[Tuple[str, List[str]]] = [
    ("GET", ["-t", "get"]), ("SET", ["-t", "set"]), ("MGET (10 keys)", ["mget", *[f"key:{n}" for n in range(10)]]),
    ("EVAL (GET+MGET)", ["eval", "redis.call('GET', KEYS[1]); return redis.call('MGET', KEYS[1], KEYS[1])",
                         "1", "key:__rand_int__"]),
]
#: round trips per request measured by bench/round_trips.py on this build (docs/scaling.md)
ROUND_TRIPS = {"show": 2, "create": 11}


#: each operation runs this many rounds, every configuration once per round in turn, and each configuration
#: keeps its best round: a burst of load from another tenant of the machine hits one round, not one side
ROUNDS = 3


def _plans(ids: List[str], args: argparse.Namespace, counter: "itertools.count[int]") -> Dict[str, Any]:
    per_round = max(8, args.requests // ROUNDS)
    cycle = list(itertools.islice(itertools.cycle(ids), per_round))
    return {
        "show": (lambda: [("show", "GET", f"/compute/v2.1/servers/{i}", None) for i in cycle], (200,)),
        "detail (1,000)": (lambda: [("detail", "GET", "/compute/v2.1/servers/detail?limit=1000", None)]
                           * max(4, per_round // 50), (200,)),
        "create": (lambda: [("create", "POST", "/compute/v2.1/servers", create_body(next(counter)))
                            for _ in range(per_round // 2)], (202,)),
    }


def serve(store_url: str, workers: int) -> Child:
    return Child([sys.executable, "-m", "fakenova", "serve", "--port", "0", "--threads", "16", *QUOTA,
                  "--store", store_url, "--workers", str(workers)], None)


def measure(fakes: List[Tuple[str, Child]], args: argparse.Namespace, counter: "itertools.count[int]",
            filled: Callable[[], None]) -> List[Dict[str, Any]]:
    """Every operation on every configuration (all serving at once, each filled to ``--servers``), in
    alternating rounds; each configuration's best round per operation."""
    headers = {label: {"X-Auth-Token": token(fake), "Content-Type": "application/json",
                       "OpenStack-API-Version": "compute 2.96"} for label, fake in fakes}
    # the Redis configurations serve one cloud: the first one's fill is the other's
    ids = {label: fill(fake, headers[label], args.servers, counter)[:args.servers] for label, fake in fakes}
    filled()
    plans = {label: _plans(ids[label], args, counter) for label, _ in fakes}
    best: Dict[Tuple[str, str], Dict[str, float]] = {}
    for op in OPS:
        for _ in range(ROUNDS):
            for label, fake in fakes:
                requests, expect = plans[label][op]
                row = drive(fake, headers[label], requests(), args.conns, expect)
                if row["rps"] > best.get((label, op), {"rps": -1.0})["rps"]:
                    best[(label, op)] = row
    for label, fake in fakes:  # back to --servers, so a later run starts from the same cloud
        kept = set(ids[label])
        extra = [("delete", "DELETE", f"/compute/v2.1/servers/{i}", None) for i in all_ids(fake, headers[label])
                 if i not in kept]
        if extra:
            drive(fake, headers[label], extra, 4, (204,))
    return [{"config": label, "op": op, **best[(label, op)]} for op in OPS for label, _ in fakes]


def redis_ceiling(port: int) -> List[Tuple[str, float]]:
    """requests/s redis-benchmark gets for each of :data:`REDIS_COMMANDS` (50 clients, no pipelining)."""
    found = []
    for name, spec in REDIS_COMMANDS:
        out = subprocess.run(["redis-benchmark", "-p", str(port), "-n", "20000", "-c", "50", "-q", *spec],
                             capture_output=True, text=True, timeout=120).stdout
        rates = [float(rate) for rate in re.findall(r"([0-9.]+) requests per second", out)]
        found.append((name, rates[-1] if rates else float("nan")))
    return found


def used_memory(url: str) -> int:
    import redis
    return int(redis.Redis.from_url(url).info("memory")["used_memory"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--conns", type=int, default=8)
    args = parser.parse_args()
    try:
        import redis  # noqa: F401
    except ImportError:
        redis = None
    if shutil.which("redis-server") is None or redis is None:
        print("store bench: skipped, needs redis-server on PATH (apt-get install redis-server) and the redis extra")
        return
    from support.redis_server import RedisServer

    counter = itertools.count()
    server = RedisServer().start()
    fakes: List[Tuple[str, Child]] = []
    try:
        empty = used_memory(server.url)
        for label, kind, workers in CONFIGS:  # the 1-worker Redis configuration first: it makes the cloud
            fakes.append((label, serve("memory://" if kind == "memory" else server.url, workers)))
        memory: List[int] = []
        rows = measure(fakes, args, counter, lambda: memory.append(used_memory(server.url)))
        per_server = (memory[0] - empty) / args.servers
        ceiling = redis_ceiling(server.port) if shutil.which("redis-benchmark") else []
    finally:
        for _, fake in fakes:
            fake.stop()
        server.stop()
    report(rows, ceiling, per_server, args)


def report(rows: List[Dict[str, Any]], ceiling: List[Tuple[str, float]], per_server: float,
           args: argparse.Namespace) -> None:
    print(f"store bench: {args.servers} servers, {args.conns} connections, best of {ROUNDS} alternating rounds; the "
          f"load generator, redis-server and the workers share this machine's {os.cpu_count()} cores")
    print(f"{'configuration':18} {'operation':16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for row in rows:
        print(f"{row['config']:18} {row['op']:16} {row['rps']:8.0f} {row['p50']:8.1f} {row['p99']:8.1f}")
    rate = {(row["config"], row["op"]): row["rps"] for row in rows}
    for name, value in ceiling:
        bound = ", ".join(f"{op} {value / trips:,.0f}/s at {trips} round trips" for op, trips in ROUND_TRIPS.items())
        print(f"redis-benchmark {name:16} {value:10,.0f} commands/s  (request ceiling: {bound})")
    for op in OPS:
        one = rate[(CONFIGS[1][0], op)]
        print(f"ratio {op:16} redis 1 worker / memory {one / rate[(CONFIGS[0][0], op)]:5.2f}x   "
              f"redis 2 workers / 1 worker {rate[(CONFIGS[2][0], op)] / one:5.2f}x")
    print("targets on show: redis 1 worker / memory >= 0.5x; 2 workers / 1 worker >= 1.3x (2 cores, load "
          "generator included)")
    print(f"redis memory per server: {per_server:,.0f} bytes (INFO used_memory delta / {args.servers})")


if __name__ == "__main__":
    main()
