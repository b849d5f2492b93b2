"""The Neutron and Glance rows of ``make bench``: port create and ``GET /v2.0/ports?device_id=`` at 10 000
ports, and ``GET /image/v2/images`` at 1 000 images, each beside the bare-Flask ceiling.

``fakenova serve --port 0`` runs in one child process and ``api_bench.py``'s bare Flask app (the ceiling,
returning a body equal to fakenova's, encoded per request) in another, pinned to one core while this process
drives both from the other, as ``bench/api_bench.py`` does and with its row measurement (batches alternating
with the ceiling's, each side's best batch kept). As ``demo``: a network with a /16 subnet is filled with
ports by bulk create (100 a request, untimed), each with its own ``device_id``, and the image service with
images (untimed); then each row runs at 1 and 8 connections, reporting req/s, p50/p99 latency in ms, the
ceiling's req/s and the ratio. ``device_id`` is Nova's question about a server's ports, asked on every look
at a server, so it must not cost a pass over every port; the image list is the first page (Glance's default
limit of 25), what ``openstack image list`` asks first.

Run: ``python bench/port_bench.py [--ports 10000] [--images 1000] [--requests 300] [--conns 1,8]``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from typing import Any, Dict, List, Tuple

from api_bench import ceiling_for, measure_row, token
from load import Child, Client, Request, drive

NETWORK = "/network/v2.0"
IMAGES = "/image/v2/images"
#: ports per bulk create while filling (Neutron's bulk create: one request, all or nothing)
BULK = 100


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


def port(net: str, index: int) -> Dict[str, Any]:
    return {"network_id": net, "device_id": f"device-{index}"}


def port_body(net: str, index: int) -> bytes:
    return json.dumps({"port": port(net, index)}).encode()


def image_body(index: int) -> bytes:
    return json.dumps({"name": f"bench-{index}", "disk_format": "qcow2", "container_format": "bare"}).encode()


def fill(fake: Child, headers: Dict[str, str], net: str, ports: int, images: int) -> None:
    """``ports`` ports (``device-0`` ...) in bulk, and ``images`` images, over 8 connections, untimed."""
    bulks: List[Request] = [("fill", "POST", f"{NETWORK}/ports", json.dumps(
        {"ports": [port(net, i) for i in range(start, min(start + BULK, ports))]}).encode())
        for start in range(0, ports, BULK)]
    drive(fake, headers, bulks, 8, (201,))
    drive(fake, headers, [("fill", "POST", IMAGES, image_body(i)) for i in range(images)], 8, (201,))


def operations(net: str, args: argparse.Namespace, counter: "itertools.count[int]") -> List[
        Tuple[str, str, List[Request], Tuple[int, ...]]]:
    """(op, ceiling key, requests, fakenova's status) of each row; creates take fresh device ids."""
    lookups: List[Request] = [("list", "GET", f"{NETWORK}/ports?device_id=device-{i * 7919 % args.ports}", None)
                              for i in range(args.requests)]
    creates: List[Request] = [("create", "POST", f"{NETWORK}/ports", port_body(net, next(counter)))
                              for _ in range(args.requests)]
    listings: List[Request] = [("images", "GET", IMAGES, None)] * args.requests
    return [("port create", "port-create", creates, (201,)),
            ("ports?device_id=", "port-device", lookups, (200,)),
            ("image list", "image-list", listings, (200,))]


def print_rows(rows: List[Dict[str, Any]]) -> None:
    print(f"{'op':<18}{'stored':>8}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ceiling':>9}{'ratio':>7}")
    for row in rows:
        print(f"{row['op']:<18}{row['stored']:>8}{row['conns']:>6}{row['rps']:>9.0f}{row['p50']:>9.2f}"
              f"{row['p99']:>9.2f}{row['ceiling']:>9.0f}{row['ratio']:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--conns", default="1,8")
    args = parser.parse_args()
    conns = [int(c) for c in args.conns.split(",")]
    cpus = (0, 1) if (os.cpu_count() or 1) >= 2 else (None, None)
    if cpus[1] is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpus[1]})
    here = os.path.dirname(os.path.abspath(__file__))
    # 10 000 ports are more than Neutron's default port quota (500): unlimited, as an operator would set it
    fake = Child([sys.executable, "-m", "fakenova", "serve", "--port", "0", "--network-quota", "port=-1"], cpus[0])
    ceiling = Child([sys.executable, os.path.join(here, "api_bench.py"), "--ceiling"], cpus[0])
    try:
        headers = {"X-Auth-Token": token(fake), "Content-Type": "application/json"}
        net = setup(fake, headers)
        fill(fake, headers, net, args.ports, args.images)
        counter = itertools.count(args.ports)
        rows: List[Dict[str, Any]] = []
        for op, key, requests, expect in operations(net, args, counter):
            stored = args.images if key == "image-list" else args.ports
            ceiling_for(ceiling, fake, headers, key, requests[0])
            for at, conn_count in enumerate(conns):
                batch = requests[at * len(requests) // len(conns):(at + 1) * len(requests) // len(conns)] \
                    if op == "port create" else requests  # each create a new port, the store grows little
                rows.append({"stored": stored, **measure_row(fake, ceiling, headers, op, batch, conn_count, key,
                                                             expect)})
        print_rows(rows)
    finally:
        fake.stop()
        ceiling.stop()


if __name__ == "__main__":
    main()
