"""Show, create and list detail of 1,000 servers on the memory store (1 worker) and Redis (1 and 2 workers).

Usage: ``python bench/store_bench.py [--servers 1000] [--requests 600] [--conns 8]``; without ``redis-server``
on PATH (or the redis extra) it prints one line and measures nothing. The memory store gets a fresh
``fakenova serve``; Redis gets one throwaway redis-server (no persistence) that the 1-worker and then the
2-worker ``fakenova serve --store redis://`` serve in turn (a restart keeps the cloud), so the cloud is
filled to ``--servers`` once per store (untimed; creates measured later are deleted again). Prints one row
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
from typing import Any, Callable, Dict, List, Optional, Tuple

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


def _plans(ids: List[str], args: argparse.Namespace, counter: "itertools.count[int]") -> Dict[str, Any]:
    cycle = list(itertools.islice(itertools.cycle(ids), args.requests))
    return {
        "show": ([("show", "GET", f"/compute/v2.1/servers/{i}", None) for i in cycle], (200,)),
        "detail (1,000)": ([("detail", "GET", "/compute/v2.1/servers/detail?limit=1000", None)]
                           * max(8, args.requests // 50), (200,)),
        "create": ([("create", "POST", "/compute/v2.1/servers", create_body(next(counter)))
                    for _ in range(args.requests // 2)], (202,)),
    }


def measure(label: str, store_url: str, workers: int, args: argparse.Namespace, counter: "itertools.count[int]",
            filled: Optional[Callable[[], None]] = None) -> List[Dict[str, Any]]:
    command = [sys.executable, "-m", "fakenova", "serve", "--port", "0", "--threads", "16", *QUOTA,
               "--store", store_url, "--workers", str(workers)]
    fake = Child(command, None)
    try:
        headers = {"X-Auth-Token": token(fake), "Content-Type": "application/json",
                   "OpenStack-API-Version": "compute 2.96"}
        ids = fill(fake, headers, args.servers, counter)[:args.servers]
        if filled is not None:
            filled()
        rows = []
        for op, (requests, expect) in _plans(ids, args, counter).items():
            rows.append({"config": label, "op": op, **drive(fake, headers, requests, args.conns, expect)})
        extra = [("delete", "DELETE", f"/compute/v2.1/servers/{i}", None) for i in all_ids(fake, headers)
                 if i not in set(ids)]
        drive(fake, headers, extra, 4, (204,))  # back to --servers for the next configuration
        return rows
    finally:
        fake.stop()


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
    rows = measure(CONFIGS[0][0], "memory://", 1, args, counter)
    server = RedisServer().start()
    try:
        empty = used_memory(server.url)
        filled: List[int] = []
        rows += measure(CONFIGS[1][0], server.url, 1, args, counter, lambda: filled.append(used_memory(server.url)))
        per_server = (filled[0] - empty) / args.servers
        rows += measure(CONFIGS[2][0], server.url, 2, args, counter)
        ceiling = redis_ceiling(server.port) if shutil.which("redis-benchmark") else []
    finally:
        server.stop()
    report(rows, ceiling, per_server, args)


def report(rows: List[Dict[str, Any]], ceiling: List[Tuple[str, float]], per_server: float,
           args: argparse.Namespace) -> None:
    print(f"store bench: {args.servers} servers, {args.conns} connections; the load generator, redis-server and "
          f"the workers share this machine's {os.cpu_count()} cores")
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
