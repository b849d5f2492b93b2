"""The API benchmark of ``make bench``: fakenova as users run it, against a bare-Flask ceiling, in one run.

``fakenova serve --port 0`` (default server and settings, unlimited quota so it can hold 10 000 servers) runs
in one process, a bare Flask app on the same WSGI server (waitress, through ``fakenova.serving``) in another,
and this process drives both over loopback with keep-alive ``http.client`` connections, pinned to a different
core when the OS allows. For every row the ceiling route returns a body equal to the one fakenova just
returned, encoded per request with the standard library's ``json``, so each ratio says what fakenova costs
beyond "a Flask route that returns this JSON". Each row's requests go in three batches, alternating with
the ceiling's, and each side keeps its best batch: the machine is shared, and a burst of someone else's load
then spoils one batch instead of one side of a ratio.

Rows: create, show, update, action (reboot), delete, list and list detail at 100, 1 000 and 10 000 servers,
each at 1 and 8 connections; then show and create with 50 loaded scenario rules (none of which fires on them)
against the same with none, batches alternating, as "vs none" (the scenario engine's matching cost); then
resident memory per stored server and time to ready.

With ``--peers`` (``make bench PEERS=1``) the same rows then run against moto_server's EC2 API
(``bench/peers.py``, needs ``pip install -e '.[peers]'``), and one more table sets fakenova's req/s beside moto's.

Run: ``python bench/api_bench.py [--sizes 100,1000,10000] [--requests 900] [--conns 1,8] [--peers]``.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import sys
import zlib
from typing import Any, Callable, Dict, List, Tuple

from load import Child, Client, Request, drive

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


# --- the ceiling: a bare Flask app that re-encodes a registered body on every request --------------------

def serve_ceiling() -> None:
    """Child mode: a bare Flask app; ``PUT /_register/<key>`` stores a body, any method on ``/<key>`` returns it."""
    sys.path.insert(0, REPO)
    from flask import Flask, Response, request

    from fakenova.serving import ServerThread

    app = Flask("ceiling")
    bodies: Dict[str, Any] = {}

    @app.put("/_register/<key>")
    def register(key: str) -> Response:
        bodies[key] = json.loads(zlib.decompress(request.get_data()))
        return Response(b"", status=204)

    @app.route("/<key>", methods=["GET", "POST", "PUT", "DELETE"])
    def answer(key: str) -> Response:
        request.get_data()
        return Response(json.dumps(bodies[key]), mimetype="application/json")

    server = ServerThread(app).start()
    print(server.url, flush=True)
    sys.stdin.read()
    server.shutdown()


# --- the scenario --------------------------------------------------------------------------------------------

def token(fake: Child) -> str:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "domain": {"id": "default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}
    conn = http.client.HTTPConnection(fake.host, fake.port)
    conn.request("POST", "/identity/v3/auth/tokens", body=json.dumps(body),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.headers["X-Subject-Token"]


def create_body(index: int) -> bytes:
    return json.dumps({"server": {"name": f"bench-{index}", "imageRef": IMAGE, "flavorRef": "1",
                                  "networks": "none"}}).encode()


def operations(ids: List[str], count: int, counter: "itertools.count[int]") -> Dict[str, Callable[[], List[Request]]]:
    """Request lists for every measured operation; ids cycle so actions don't pile up on one server."""
    cycle = lambda: itertools.islice(itertools.cycle(ids), count)  # noqa: E731
    return {
        "show": lambda: [("show", "GET", f"/compute/v2.1/servers/{i}", None) for i in cycle()],
        "update": lambda: [("update", "PUT", f"/compute/v2.1/servers/{i}",
                            b'{"server": {"name": "renamed"}}') for i in cycle()],
        "action": lambda: [("action", "POST", f"/compute/v2.1/servers/{i}/action",
                            b'{"reboot": {"type": "HARD"}}') for i in cycle()],
        "list": lambda: [("list", "GET", "/compute/v2.1/servers", None)] * max(10, count // 10),
        "detail": lambda: [("detail", "GET", "/compute/v2.1/servers/detail", None)] * max(10, count // 10),
        "create": lambda: [("create", "POST", "/compute/v2.1/servers", create_body(next(counter)))
                           for _ in range(count)],
    }


EXPECT = {"show": (200,), "update": (200,), "action": (202,), "list": (200,), "detail": (200,),
          "create": (202,), "delete": (204,)}


def all_ids(fake: Child, headers: Dict[str, str], query: str = "") -> List[str]:
    """Every server id of the project, following ``servers_links``."""
    client, ids, path = Client(fake, headers), [], f"/compute/v2.1/servers?limit=1000{query}"
    while path:
        status, data = client.send("GET", path)
        body = json.loads(data)
        ids += [server["id"] for server in body["servers"]]
        links = body.get("servers_links")
        path = links[0]["href"].split(f"{fake.port}", 1)[1] if links else ""
    return ids


def fill(fake: Child, headers: Dict[str, str], target: int, counter: "itertools.count[int]") -> List[str]:
    """Create servers (8 connections, untimed) until the project holds ``target``."""
    missing = target - len(all_ids(fake, headers))
    if missing > 0:
        requests = [("fill", "POST", "/compute/v2.1/servers", create_body(next(counter))) for _ in range(missing)]
        drive(fake, headers, requests, 8, (202,))
    return all_ids(fake, headers)


def ceiling_for(ceiling: Child, fake: Child, headers: Dict[str, str], key: str, sample: Request) -> None:
    """Register at the ceiling the body fakenova answers to ``sample``."""
    status, data = Client(fake, headers).send(sample[1], sample[2], sample[3])
    client = Client(ceiling, {"Content-Type": "application/json"})
    # compressed: a list of 1,000 detailed servers is over the WSGI server's 1 MiB request-body cap
    client.send("PUT", f"/_register/{key}", zlib.compress(data if data else b"null"))


#: each row alternates fakenova and ceiling batches this many times and keeps each side's best batch, so a
#: burst of load from another tenant of the machine hits one batch, not one side
ROUNDS = 3


def measure_row(fake: Child, ceiling: Child, headers: Dict[str, str], op: str, requests: List[Request],
                conns: int, key: str, expect: Tuple[int, ...] = ()) -> Dict[str, Any]:
    """fakenova's best batch of ``requests`` beside the ceiling's best answering the same with the body
    registered under ``key``; ``expect``: fakenova's statuses (:data:`EXPECT` of ``op`` when empty)."""
    size = max(conns, len(requests) // ROUNDS)
    mine: List[Dict[str, float]] = []
    bare: List[Dict[str, float]] = []
    for start in range(0, len(requests) - size + 1, size):
        batch = requests[start:start + size]
        mine.append(drive(fake, headers, batch, conns, expect or EXPECT[op]))
        mirrored = [(op, method, f"/{key}", body) for _, method, _, body in batch]
        bare.append(drive(ceiling, {"Content-Type": "application/json"}, mirrored, conns, (200,)))
    best, ceiling_best = max(mine, key=lambda run: run["rps"]), max(bare, key=lambda run: run["rps"])
    return {"op": op, "conns": conns, **best, "ceiling": ceiling_best["rps"],
            "ratio": best["rps"] / ceiling_best["rps"]}


def measure_size(fake: Child, ceiling: Child, headers: Dict[str, str], size: int, args: argparse.Namespace,
                 counter: "itertools.count[int]") -> List[Dict[str, Any]]:
    base = fill(fake, headers, size, counter)
    ops = operations(base, args.requests, counter)
    rows = []
    for op in ("show", "update", "action", "list", "detail", "create"):
        key = f"{op}-{size}"
        ceiling_for(ceiling, fake, headers, key, ops[op]()[0])
        for conns in args.conns:
            rows.append({"servers": size, **measure_row(fake, ceiling, headers, op, ops[op](), conns, key)})
    extra = sorted(set(all_ids(fake, headers)) - set(base))
    sample = ("delete", "DELETE", f"/compute/v2.1/servers/{extra.pop()}", None)
    ceiling_for(ceiling, fake, headers, f"delete-{size}", sample)
    for conns in args.conns:
        batch, extra = extra[:len(extra) // 2 if conns == args.conns[0] else len(extra)], extra[len(extra) // 2:]
        requests = [("delete", "DELETE", f"/compute/v2.1/servers/{i}", None) for i in batch]
        rows.append({"servers": size, **measure_row(fake, ceiling, headers, "delete", requests, conns,
                                                    f"delete-{size}")})
    return rows


def fifty_rules() -> Dict[str, Any]:
    """A scenario of 50 rules in the shapes users write (paths, bodies, queries, headers, counters), none of
    which fires on a show or a create: what is measured is the cost of deciding so."""
    kinds = [
        lambda i: {"method": "DELETE", "path": "/servers/{server_id}", "after": 3},
        lambda i: {"method": "POST", "path": "/servers/{server_id}/action", "body": {"/reboot/type": f"S{i}"}},
        lambda i: {"method": "GET", "path": "/servers/detail", "query": {"name": f"x{i}"}},
        lambda i: {"service": "network", "headers": {"user-agent": {"regex": f"tool-{i}"}}},
        lambda i: {"method": "POST", "path": "/servers", "body": {"server": {"flavorRef": f"nope-{i}"}}},
        lambda i: {"method": "GET", "path": "/servers/{server_id}", "headers": {"x-chaos": f"on-{i}"},
                   "probability": 0.5},
    ]
    return {"name": "bench-50-rules", "rules": [
        {"name": f"r{i}", "when": kinds[i % len(kinds)](i), "then": {"respond": {"status": 503}}}
        for i in range(50)]}


def measure_rules(fake: Child, headers: Dict[str, str], ids: List[str], args: argparse.Namespace,
                  counter: "itertools.count[int]") -> List[Dict[str, Any]]:
    """Show and create with 50 loaded rules against none, batches alternating; the ratio is rules / none."""
    control = Client(fake, {"Content-Type": "application/json"})
    load = json.dumps({"scenario": fifty_rules()}).encode()
    rows = []
    for op in ("show", "create"):
        for conns in args.conns:
            best: Dict[bool, Dict[str, float]] = {}
            for _ in range(ROUNDS):
                for loaded in (False, True):
                    control.send("DELETE", "/_fakenova/scenarios")
                    if loaded:
                        control.send("POST", "/_fakenova/scenarios", load)
                    run = drive(fake, headers, operations(ids, args.requests // ROUNDS, counter)[op](), conns,
                                EXPECT[op])
                    if loaded not in best or run["rps"] > best[loaded]["rps"]:
                        best[loaded] = run
            rows.append({"op": f"{op}+50r", "servers": len(ids), "conns": conns, **best[True],
                         "ceiling": best[False]["rps"], "ratio": best[True]["rps"] / best[False]["rps"]})
    control.send("DELETE", "/_fakenova/scenarios")
    return rows


def print_table(rows: List[Dict[str, Any]]) -> None:
    print(f"{'op':<8}{'servers':>8}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ceiling':>9}{'ratio':>7}")
    for row in rows:
        print(f"{row['op']:<8}{row['servers']:>8}{row['conns']:>6}{row['rps']:>9.0f}{row['p50']:>9.2f}"
              f"{row['p99']:>9.2f}{row['ceiling']:>9.0f}{row['ratio']:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--requests", type=int, default=900)
    parser.add_argument("--conns", default="1,8")
    parser.add_argument("--ceiling", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peers", action="store_true", help="then the same rows against moto_server's EC2 API")
    args = parser.parse_args()
    if args.ceiling:
        return serve_ceiling()
    if args.peers:
        import peers  # bench/peers.py: moto_server's EC2 API under the same load

        peers.require_moto()  # now, not after fakenova's rows
    args.conns = [int(c) for c in args.conns.split(",")]
    cpus = (0, 1) if (os.cpu_count() or 1) >= 2 else (None, None)
    if cpus[1] is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpus[1]})
    quota = [arg for name in ("instances", "cores", "ram") for arg in ("--quota", f"{name}=-1")]
    fake = Child([sys.executable, "-m", "fakenova", "serve", "--port", "0", *quota], cpus[0])
    ceiling = Child([sys.executable, os.path.abspath(__file__), "--ceiling"], cpus[0])
    try:
        headers = {"X-Auth-Token": token(fake), "Content-Type": "application/json",
                   "OpenStack-API-Version": "compute latest"}
        counter = itertools.count()
        rss_empty = fake.rss_kib()
        rows: List[Dict[str, Any]] = []
        for size in (int(s) for s in args.sizes.split(",")):
            rows += measure_size(fake, ceiling, headers, size, args, counter)
            largest, rss = size, fake.rss_kib()
            if size == int(args.sizes.split(",")[0]):
                rule_rows = measure_rules(fake, headers, all_ids(fake, headers)[:size], args, counter)
        # Nova lists deleted servers too when asked for changes since a time: those kept for that are stored
        # servers as well (deleted_retention, 1 000 by default). Counted after reading RSS: the listing allocates.
        stored = len(all_ids(fake, headers, "&changes-since=1970-01-01T00:00:00Z"))
        print_table(rows)
        print("\nwith 50 loaded scenario rules (ceiling = the same op with none; ratio must stay >= 0.8)")
        print_table(rule_rows)
        print(f"\nresident memory per stored server at {largest} servers ({stored} stored, deleted ones kept for "
              f"changes-since included): {(rss - rss_empty) * 1024 / stored:.0f} bytes")
        print(f"fakenova serve ready in {fake.ready_ms:.0f} ms (spawn to URL line)")
    finally:
        fake.stop()
        ceiling.stop()
    if args.peers:
        peers.print_side_by_side(rows, peers.measure(args.sizes, args.requests, args.conns, cpus[0]))


if __name__ == "__main__":
    main()
