"""Neutron port rows: ``POST /v2.0/ports`` and ``GET /v2.0/ports?device_id=`` at 100, 1 000 and 10 000 ports.

``fakenova serve --port 0`` runs in a child process; as ``demo``, this process makes a network with a /16 subnet,
fills it with ports (8 connections, untimed), each with its own ``device_id``, then measures creating more ports
and listing one device's ports by ``device_id`` (Nova's question about a server) at each size, at 1 and 8
connections, reporting req/s and p50/p99 latency in ms.

Run: ``python bench/port_bench.py [--sizes 100,1000,10000] [--requests 300]``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from typing import Any, Dict, List

from api_bench import token
from load import Child, Client, Request, drive

NETWORK = "/network/v2.0"


def setup(fake: Child, headers: Dict[str, str]) -> str:
    """A network with a subnet large enough for every port of the run; returns the network id."""
    client = Client(fake, headers)
    status, data = client.send("POST", f"{NETWORK}/networks", json.dumps({"network": {"name": "bench"}}).encode())
    net = json.loads(data)["network"]["id"]
    body = {"subnet": {"network_id": net, "cidr": "10.128.0.0/16", "ip_version": 4}}
    status, data = client.send("POST", f"{NETWORK}/subnets", json.dumps(body).encode())
    if status != 201:
        raise RuntimeError(data)
    return net


def port_body(net: str, index: int) -> bytes:
    return json.dumps({"port": {"network_id": net, "device_id": f"device-{index}"}}).encode()


def measure(fake: Child, headers: Dict[str, str], net: str, size: int, args: argparse.Namespace,
            counter: "itertools.count[int]", made: List[int]) -> List[Dict[str, Any]]:
    """Fill to ``size`` ports, then the rows; ``made`` counts the ports created so far (one item)."""
    missing = size - made[0]
    if missing > 0:
        drive(fake, headers, [("fill", "POST", f"{NETWORK}/ports", port_body(net, next(counter)))
                              for _ in range(missing)], 8, (201,))
        made[0] += missing
    rows = []
    for conns in (1, 8):
        lookups: List[Request] = [("list", "GET", f"{NETWORK}/ports?device_id=device-{i % size}", None)
                                  for i in range(args.requests)]
        rows.append({"op": "GET ports?device_id=", "ports": size, "conns": conns,
                     **drive(fake, headers, lookups, conns, (200,))})
        creates: List[Request] = [("create", "POST", f"{NETWORK}/ports", port_body(net, next(counter)))
                                  for _ in range(args.requests // 3)]
        rows.append({"op": "POST ports", "ports": size, "conns": conns, **drive(fake, headers, creates, conns, (201,))})
        made[0] += len(creates)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    fake = Child([sys.executable, "-m", "fakenova", "serve", "--port", "0"], 0 if (os.cpu_count() or 1) > 1 else None)
    try:
        headers = {"X-Auth-Token": token(fake), "Content-Type": "application/json"}
        net = setup(fake, headers)
        counter, made = itertools.count(), [0]
        rows: List[Dict[str, Any]] = []
        for size in (int(s) for s in args.sizes.split(",")):
            rows += measure(fake, headers, net, size, args, counter, made)
        print(f"{'op':<22} {'ports':>6} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for row in rows:
            print(f"{row['op']:<22} {row['ports']:>6} {row['conns']:>5} {row['rps']:>8.0f} {row['p50']:>8.2f} "
                  f"{row['p99']:>8.2f}")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
