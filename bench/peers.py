"""Measure moto_server's EC2 API with api_bench's operations, sizes and load, for ``make bench PEERS=1``.

Its one job: the peer rows beside fakenova's. ``python -m moto.server -p0`` (moto[server], the AWS fake, run
as its users run it: werkzeug's threaded server, access log on) is pinned to the core fakenova's server used
and driven by ``load.drive`` (the load generator api_bench uses): ``http.client`` connections POSTing form-encoded
``Action=...&Version=2016-11-15`` bodies to ``/``, with a SigV4-shaped Authorization header for us-east-1 whose
signature is zeros (moto reads the region from it and verifies no signature). werkzeug answers
``Connection: close``, so http.client reconnects for every request, as any client of moto_server does. The
operations:

- create: ``RunInstances`` with MinCount=MaxCount=1 (one reservation per instance, as a user's create makes);
- show: ``DescribeInstances`` with ``InstanceId.1``;
- update: ``CreateTags`` ``Name=renamed`` (an EC2 instance's name is its Name tag, so this is the rename;
  moto checks the instance exists);
- action: ``RebootInstances``; delete: ``TerminateInstances`` of one instance;
- list and list detail: EC2 has one list form, so both rows are ``DescribeInstances`` with MaxResults=1000.

moto pages by reservation, not by instance, so a page of 1000 holds 1000 instances only if each of its
reservations holds one. Filling (untimed) therefore creates one instance per RunInstances up to 1000
instances and 500 per call beyond that: the first page at every size is 100, 1000 and 1000 instances, as
fakenova's list pages are. Terminated instances stay listed (as on AWS), so the later pages hold some.
Bulk filling flatters moto at 10 000: its by-id calls copy every reservation per request, and 10 000
instances in ~1 300 reservations cost about what 1 000 single-instance ones do (at 3 000 instances, show
takes 26 ms with one instance per reservation and 6 ms with 500).

Every row stops at api_bench's request count or after ``--seconds`` (3 by default), whichever comes first.
Every connection sends at least one request, so a row overruns by up to one request per connection; a row
whose 1-connection median says that would exceed twice the bound (8 lists of 1000 take 20-40 s: moto serves
one request at a time) is skipped and shown as ``-``. ``n`` is the number of requests sent.

Run alone: ``python bench/peers.py [--sizes 100,1000,10000] [--requests 400] [--conns 1,8]``; or through
``python bench/api_bench.py --peers``, which prints fakenova/moto side by side.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, Iterator, List, Optional, Sequence
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import Child, Client, Request, drive, pinned  # noqa: E402

ROW_SECONDS = 3.0
SINGLE_UP_TO = 1000  # fill one instance per reservation up to this many, so a 1000-reservation page is 1000
BULK = 500
HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "X-Amz-Date": "20261127T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/ec2/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64,
}
OPS = ("show", "update", "action", "list", "detail", "create")


def require_moto() -> None:
    if not all(importlib.util.find_spec(name) for name in ("moto", "flask_cors")):  # flask_cors: moto[server]
        raise SystemExit("bench/peers.py needs moto_server: make install-peers (pip install -e '.[peers]')")


class MotoServer(Child):
    """``python -m moto.server -p0``; the port comes from werkzeug's ``Running on http://...`` line on stderr."""

    def __init__(self, cpu: Optional[int], timeout: float = 60.0) -> None:
        started = time.perf_counter()
        self.log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: the access log must never block
        self.proc = subprocess.Popen(pinned([sys.executable, "-m", "moto.server", "-p0"], cpu),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log)
        self.url = self._wait_for_url(started + timeout)
        self.ready_ms = (time.perf_counter() - started) * 1000
        self.host, port = self.url[len("http://"):].rsplit(":", 1)
        self.port = int(port)

    def _wait_for_url(self, deadline: float) -> str:
        while time.perf_counter() < deadline and self.proc.poll() is None:
            self.log.seek(0)
            found = re.search(r"Running on (http://[\d.]+:\d+)", self.log.read())
            if found:
                return found.group(1)
            time.sleep(0.02)
        self.proc.kill()
        raise RuntimeError("moto_server did not report its URL (is moto[server] installed? make install-peers)")


class Bounded:
    """A request feed for ``api_bench.drive``: ends after its requests or ``seconds`` after the first one."""

    def __init__(self, requests: Sequence[Request], seconds: float) -> None:
        self.requests, self.seconds, self.sent = requests, seconds, 0

    def __iter__(self) -> Iterator[Request]:
        deadline = time.perf_counter() + self.seconds
        for item in self.requests:
            if self.sent and time.perf_counter() >= deadline:
                return
            self.sent += 1
            yield item


def ec2(action: str, **params: Any) -> bytes:
    return urlencode({"Action": action, "Version": "2016-11-15", **params}).encode()


def run_instances(count: int) -> bytes:
    return ec2("RunInstances", ImageId="ami-12c6146b", InstanceType="t2.micro", MinCount=count, MaxCount=count)


def call(server: Child, body: bytes) -> bytes:
    status, data = Client(server, HEADERS).send("POST", "/", body)
    if status != 200:
        raise RuntimeError(f"moto answered {status}: {data[:300]!r}")
    return data


def instance_ids(xml: bytes) -> List[str]:
    return re.findall(r"<instanceId>(i-[0-9a-f]+)</instanceId>", xml.decode())


def last_reservation(xml: bytes) -> str:
    return re.findall(r"<reservationId>(r-[0-9a-f]+)</reservationId>", xml.decode())[-1]


class Fleet:
    """What the client knows of moto's instances: ids to show/update/reboot, how many run, the newest reservation."""

    def __init__(self) -> None:
        self.ids: List[str] = []
        self.running = 0
        self.stored = 0  # terminated instances stay in moto (and listed)
        self.fill_seconds = 0.0
        self.newest = ""

    def fill(self, server: Child, target: int) -> None:
        """RunInstances (untimed) until ``target`` instances run; one per call up to SINGLE_UP_TO, then BULK."""
        started = time.perf_counter()
        while self.running < target:
            count = 1 if self.running < SINGLE_UP_TO else min(BULK, target - self.running)
            data = call(server, run_instances(count))
            self.ids += instance_ids(data)
            self.running += count
            self.stored += count
            self.newest = last_reservation(data)
        self.fill_seconds += time.perf_counter() - started

    def created_since_newest(self, server: Child) -> List[str]:
        """Instances launched after ``newest`` (the create rows'), from DescribeInstances pages after it."""
        created: List[str] = []
        while True:
            data = call(server, ec2("DescribeInstances", MaxResults=1000, NextToken=self.newest))
            if b"<reservationId>" not in data:
                return created
            created += instance_ids(data)
            self.newest = last_reservation(data)


def requests_for(op: str, ids: List[str], count: int) -> List[Request]:
    """api_bench's request list for ``op``, in EC2 terms (lists send a tenth as many, at least 10)."""
    cycle = [ids[i % len(ids)] for i in range(count)]
    if op == "show":
        return [(op, "POST", "/", ec2("DescribeInstances", **{"InstanceId.1": i})) for i in cycle]
    if op == "update":
        rename = {"Tag.1.Key": "Name", "Tag.1.Value": "renamed"}
        return [(op, "POST", "/", ec2("CreateTags", **{"ResourceId.1": i}, **rename)) for i in cycle]
    if op == "action":
        return [(op, "POST", "/", ec2("RebootInstances", **{"InstanceId.1": i})) for i in cycle]
    if op in ("list", "detail"):
        return [(op, "POST", "/", ec2("DescribeInstances", MaxResults=1000))] * max(10, count // 10)
    return [(op, "POST", "/", run_instances(1))] * count


def terminations(ids: List[str]) -> List[Request]:
    return [("delete", "POST", "/", ec2("TerminateInstances", **{"InstanceId.1": i})) for i in ids]


def row(server: Child, op: str, size: int, conns: int, requests: List[Request], seconds: float) -> Dict[str, Any]:
    feed = Bounded(requests, seconds)
    figures = drive(server, HEADERS, feed, conns, (200,))  # type: ignore[arg-type]
    return {"op": op, "servers": size, "conns": conns, "n": feed.sent, **figures}


def skipped(op: str, size: int, conns: int) -> Dict[str, Any]:
    return {"op": op, "servers": size, "conns": conns, "skipped": True}


def too_slow(first: Dict[str, Any], conns: int, seconds: float) -> bool:
    """Would one request per connection, at ``first`` row's median, overrun the bound more than twice?"""
    return conns > first["conns"] and first["p50"] / 1000 * conns > 2 * seconds


def op_rows(server: Child, op: str, size: int, requests: List[Request], conns: List[int],
            seconds: float) -> List[Dict[str, Any]]:
    """One op at every connection count; rows that ``too_slow`` predicts (a page of 1000 at 8 conns) are skipped."""
    rows: List[Dict[str, Any]] = []
    for c in conns:
        rows.append(skipped(op, size, c) if rows and too_slow(rows[0], c, seconds)
                    else row(server, op, size, c, requests, seconds))
    return rows


def delete_rows(server: Child, fleet: Fleet, size: int, conns: List[int], seconds: float) -> List[Dict[str, Any]]:
    """Terminate the instances the create rows made: half at the first connection count, the rest at the next."""
    created = fleet.created_since_newest(server)
    fleet.running += len(created)
    fleet.stored += len(created)
    rows = []
    for c in conns:
        batch, created = (created[:len(created) // 2], created[len(created) // 2:]) if c == conns[0] else (created, [])
        rows.append(row(server, "delete", size, c, terminations(batch), seconds))
        fleet.running -= rows[-1]["n"]
    return rows


def measure_size(server: Child, fleet: Fleet, size: int, count: int, conns: List[int],
                 seconds: float) -> List[Dict[str, Any]]:
    """api_bench's rows at one size: OPS at every connection count, then deletes of the instances just created."""
    fleet.fill(server, size)
    base = fleet.ids[:size]
    rows = [r for op in OPS for r in op_rows(server, op, size, requests_for(op, base, count), conns, seconds)]
    return rows + delete_rows(server, fleet, size, conns, seconds)


def measure(sizes: str, count: int, conns: List[int], cpu: Optional[int],
            seconds: float = ROW_SECONDS) -> List[Dict[str, Any]]:
    """Start moto_server on ``cpu``, run every row, stop it; prints readiness, durations and memory per instance."""
    started = time.perf_counter()
    server = MotoServer(cpu)
    try:
        fleet = Fleet()
        fleet.fill(server, 1)  # moto loads its EC2 backend on the first call (about a second)
        rss_empty, rows = server.rss_kib(), []
        for size in (int(s) for s in sizes.split(",")):
            rows += measure_size(server, fleet, size, count, conns, seconds)
            memory = (server.rss_kib() - rss_empty) * 1024 / fleet.stored  # noise below ~1 000 instances
        took = time.perf_counter() - started
        print(f"\nmoto_server ready in {server.ready_ms:.0f} ms; all its rows took {took:.0f} s"
              f" ({fleet.fill_seconds:.0f} s of them filling); resident memory per stored instance at {fleet.stored}"
              f" ({fleet.running} running): {memory:.0f} bytes")
        return rows
    finally:
        server.stop()


def figures(r: Optional[Dict[str, Any]], width: int = 12) -> str:
    """req/s, p50, p99 and n of a moto row, or a dash when the row was skipped."""
    if r is None or r.get("skipped"):
        return f"{'-':>{width}}{'-':>13}{'-':>13}{'-':>8}"
    return f"{r['rps']:>{width}.1f}{r['p50']:>13.2f}{r['p99']:>13.2f}{r['n']:>8}"


def print_rows(rows: List[Dict[str, Any]]) -> None:
    print(f"{'op':<8}{'servers':>8}{'conns':>6}{'req/s':>12}{'p50 ms':>13}{'p99 ms':>13}{'n':>8}")
    for r in rows:
        print(f"{r['op']:<8}{r['servers']:>8}{r['conns']:>6}{figures(r)}")


def print_side_by_side(ours: List[Dict[str, Any]], theirs: List[Dict[str, Any]]) -> None:
    """One table: fakenova's and moto's req/s for every op/size/conns, moto's latency, and fakenova/moto."""
    moto = {(r["op"], r["servers"], r["conns"]): r for r in theirs}
    print(f"\n{'op':<8}{'servers':>8}{'conns':>6}{'fakenova req/s':>16}{'moto req/s':>12}{'moto p50 ms':>13}"
          f"{'moto p99 ms':>13}{'moto n':>8}{'fakenova/moto':>15}")
    for r in ours:
        m = moto.get((r["op"], r["servers"], r["conns"]))
        ratio = f"{r['rps'] / m['rps']:>15.1f}" if m and not m.get("skipped") else f"{'-':>15}"
        print(f"{r['op']:<8}{r['servers']:>8}{r['conns']:>6}{r['rps']:>16.0f}{figures(m)}{ratio}")
    if any(r.get("skipped") for r in theirs):
        print("- : skipped, one request per connection would have overrun the row's time bound more than twice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--conns", default="1,8")
    parser.add_argument("--seconds", type=float, default=ROW_SECONDS, help="wall-time bound of each row")
    args = parser.parse_args()
    cpu = 0 if (os.cpu_count() or 1) >= 2 else None
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {1})
    print_rows(measure(args.sizes, args.requests, [int(c) for c in args.conns.split(",")], cpu, args.seconds))


if __name__ == "__main__":
    main()
