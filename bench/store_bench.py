"""Show, create and a detail page of 100 on the memory store (1 worker) and on Redis (1 and 2 workers).

Usage: ``python bench/store_bench.py [--servers 1000] [--requests 600] [--conns 8]``; needs ``redis-server``
on PATH and the redis extra. Each configuration gets a fresh redis-server (no persistence) and a fresh
``fakenova serve``; the cloud is filled to ``--servers`` first (untimed). Prints one row per operation and
configuration: requests/s and p50/p99 latency in ms. Figures and what they mean: docs/scaling.md.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from typing import Any, Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from api_bench import create_body, fill, token  # noqa: E402
from load import Child, drive  # noqa: E402
from support.redis_server import RedisServer  # noqa: E402

#: (row label, --store kind, workers)
CONFIGS = [("memory, 1 worker", "memory", 1), ("redis, 1 worker", "redis", 1), ("redis, 2 workers", "redis", 2)]
QUOTA = [arg for name in ("instances", "cores", "ram") for arg in ("--quota", f"{name}=-1")]


def measure(label: str, store: str, workers: int, args: argparse.Namespace) -> List[Dict[str, Any]]:
    redis = RedisServer().start() if store == "redis" else None
    command = [sys.executable, "-m", "fakenova", "serve", "--port", "0", "--threads", "16", *QUOTA,
               "--store", redis.url if redis else "memory://", "--workers", str(workers)]
    fake = Child(command, None)
    try:
        headers = {"X-Auth-Token": token(fake), "Content-Type": "application/json",
                   "OpenStack-API-Version": "compute 2.96"}
        counter = itertools.count()
        ids = fill(fake, headers, args.servers, counter)
        cycle = list(itertools.islice(itertools.cycle(ids), args.requests))
        plans = {
            "show": ([("show", "GET", f"/compute/v2.1/servers/{i}", None) for i in cycle], (200,)),
            "detail?limit=100": ([("detail", "GET", "/compute/v2.1/servers/detail?limit=100", None)]
                                 * max(10, args.requests // 5), (200,)),
            "create": ([("create", "POST", "/compute/v2.1/servers", create_body(next(counter)))
                        for _ in range(args.requests // 2)], (202,)),
        }
        rows = []
        for op, (requests, expect) in plans.items():
            result = drive(fake, headers, requests, args.conns, expect)
            rows.append({"config": label, "op": op, **result})
        return rows
    finally:
        fake.stop()
        if redis is not None:
            redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--conns", type=int, default=8)
    args = parser.parse_args()
    rows = [row for label, store, workers in CONFIGS for row in measure(label, store, workers, args)]
    print(f"{'configuration':18} {'operation':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for row in rows:
        print(f"{row['config']:18} {row['op']:18} {row['rps']:8.0f} {row['p50']:8.1f} {row['p99']:8.1f}")


if __name__ == "__main__":
    main()
