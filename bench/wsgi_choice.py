"""Choose fakenova's WSGI server by measurement: waitress and cheroot against werkzeug's threaded dev server.

Each configuration runs the server in a subprocess (through ``fakenova.serving.ServerThread``, the code that
ships, on 127.0.0.1 port 0) and drives it from this process with keep-alive ``http.client`` connections, at 1
and at 8 concurrent connections. Two apps: a bare Flask route returning a 1.6 KB JSON constant (server
overhead), and the real ``create_app()`` answering ``GET /compute/v2.1`` (what fakenova costs per request).
Where the OS allows, the server is pinned to one core and the client to another.

werkzeug answers every request with ``Connection: close`` (no keep-alive), so its rows include a reconnect per
request, which ``http.client`` makes transparently. Also measured: time to the ready line, and time to shut
down while a client holds an idle keep-alive connection (the case of a pytest session ending with pooled
sessions still open).

Run: ``python bench/wsgi_choice.py [--requests 3000] [--repeat 2] [--servers waitress,cheroot,werkzeug]``.
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import platform
import subprocess
import sys
import threading
import time
from importlib import metadata
from typing import Dict, List, Optional, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = {"bare": "/bare", "version": "/compute/v2.1"}
#: a server-like document, about 1.6 KB once serialised
BARE_BODY = json.dumps({"server": {
    "id": "9168b536-cd40-4630-b43f-b259807c6e87", "name": "new-server-test", "status": "ACTIVE",
    "tenant_id": "6f70656e737461636b20342065766572", "user_id": "fake", "hostId": "2091634baaccdc4c5a1d5a" * 2,
    "created": "2013-09-03T04:01:32Z", "updated": "2013-09-03T04:01:33Z", "accessIPv4": "1.2.3.4",
    "accessIPv6": "80fe::", "progress": 0, "metadata": {"My Server Name": "Apache1"},
    "addresses": {"private": [{"addr": "192.168.1.30", "OS-EXT-IPS-MAC:mac_addr": "00:0c:29:0d:11:74",
                               "OS-EXT-IPS:type": "fixed", "version": 4}]},
    "flavor": {"disk": 1, "ephemeral": 0, "original_name": "m1.tiny", "ram": 512, "swap": 0, "vcpus": 1,
               "extra_specs": {"hw:numa_nodes": "1"}},
    "image": {"id": "70a599e0-31e7-49b7-b260-868f441e862b",
              "links": [{"href": "http://openstack.example.com/images/70a599e0", "rel": "bookmark"}]},
    "links": [{"href": "http://openstack.example.com/v2.1/servers/9168b536", "rel": "self"},
              {"href": "http://openstack.example.com/servers/9168b536", "rel": "bookmark"}],
    "OS-DCF:diskConfig": "AUTO", "OS-EXT-AZ:availability_zone": "nova", "OS-EXT-STS:power_state": 1,
    "OS-EXT-STS:task_state": None, "OS-EXT-STS:vm_state": "active", "OS-SRV-USG:launched_at": "2013-09-03",
    "OS-SRV-USG:terminated_at": None, "security_groups": [{"name": "default"}], "locked": False,
    "description": None, "tags": [], "trusted_image_certificates": None, "host_status": "UP",
    "server_groups": [], "locked_reason": None, "pinned_availability_zone": None,
    "os-extended-volumes:volumes_attached": [], "key_name": None, "config_drive": "",
    "fault": None, "OS-EXT-SRV-ATTR:hostname": "new-server-test"}}).encode()


# --- server side (subprocess) ------------------------------------------------------------------------------

def _build_app(kind: str):
    if kind == "version":
        from fakenova.app import create_app
        return create_app()
    from flask import Flask, Response
    app = Flask("bare")

    @app.get("/bare")
    def bare() -> Response:
        return Response(BARE_BODY, mimetype="application/json")
    return app


def serve(backend: str, kind: str, threads: int, cpu: Optional[int]) -> None:
    """Child mode: serve until stdin closes; print the port once listening."""
    sys.path.insert(0, REPO)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    from fakenova.serving import ServerThread
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1" is noise here
    server = ServerThread(_build_app(kind), "127.0.0.1", 0, threads, backend).start()
    print(server.port, flush=True)
    sys.stdin.read()  # the parent closes our stdin to stop us
    started = time.perf_counter()
    server.shutdown()
    print(f"{(time.perf_counter() - started) * 1000:.1f}", flush=True)


# --- client side -------------------------------------------------------------------------------------------

def _worker(port: int, path: str, count: int, latencies: List[float], failures: List[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    local: List[float] = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append(str(response.status))
    except Exception as exc:  # recorded, reported, never hidden
        failures.append(repr(exc))
    finally:
        conn.close()
        latencies.extend(local)


def drive(port: int, path: str, total: int, connections: int) -> Tuple[float, List[float], List[str]]:
    """Send ``total`` GETs over ``connections`` keep-alive connections; return (req/s, latencies, failures)."""
    latencies: List[float] = []
    failures: List[str] = []
    share = total // connections
    workers = [threading.Thread(target=_worker, args=(port, path, share, latencies, failures))
               for _ in range(connections)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, failures


def _percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


class Child:
    """One server subprocess: started, measured, stopped."""

    def __init__(self, backend: str, kind: str, threads: int, cpu: Optional[int]) -> None:
        command = [sys.executable, os.path.abspath(__file__), "--serve", backend, kind, "--threads", str(threads)]
        if cpu is not None:
            command += ["--cpu", str(cpu)]
        started = time.perf_counter()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.strip():
            raise RuntimeError(f"{backend} server for {kind!r} exited with {self.proc.wait()} before listening")
        self.port = int(line)
        self.ready_ms = (time.perf_counter() - started) * 1000

    def stop(self, idle_path: str) -> float:
        """Close stdin while an idle keep-alive connection is open; return the child's shutdown ms."""
        held = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        held.request("GET", idle_path)
        held.getresponse().read()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        shutdown_ms = float(self.proc.stdout.readline() or "nan")
        self.proc.wait(timeout=30)
        held.close()
        return shutdown_ms


def measure(kind: str, servers: List[str], args: argparse.Namespace, cpus: Tuple[Optional[int], Optional[int]]):
    """Rows for one app: per (server, connection count), the best of ``args.repeat`` runs.

    All servers run at once (idle but one) and the runs are interleaved, so a burst of load from elsewhere on the
    machine hits every server alike instead of one configuration.
    """
    children = {backend: Child(backend, kind, args.threads, cpus[0]) for backend in servers}
    runs: Dict[Tuple[str, int], list] = {(backend, conns): [] for backend in servers for conns in (1, 8)}
    try:
        for child in children.values():
            drive(child.port, PATHS[kind], 300, 4)  # warm-up: lazy imports, caches, the thread pool
        for _ in range(args.repeat):
            for connections in (1, 8):
                for backend, child in children.items():
                    runs[backend, connections].append(drive(child.port, PATHS[kind], args.requests, connections))
    finally:
        stops = {backend: child.stop(PATHS[kind]) for backend, child in children.items()}
    rows = []
    for (backend, connections), results in runs.items():
        rate, latencies, _ = max(results, key=lambda run: run[0])
        failures = [failure for run in results for failure in run[2]]
        rows.append({"server": backend, "app": kind, "conns": connections, "rps": rate,
                     "rps_runs": [round(run[0]) for run in results],
                     "p50": _percentile(latencies, 0.50), "p99": _percentile(latencies, 0.99),
                     "failures": len(failures), "sample": failures[:1],
                     "ready_ms": children[backend].ready_ms, "shutdown_ms": stops[backend]})
    return sorted(rows, key=lambda row: (row["conns"], servers.index(row["server"])))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", nargs=2, metavar=("BACKEND", "APP"), help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--servers", default="werkzeug,waitress,cheroot")
    parser.add_argument("--requests", type=int, default=3000, help="requests per run (default 3000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per configuration; the best is kept")
    parser.add_argument("--threads", type=int, default=8, help="worker threads of pooled servers")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], args.threads, args.cpu)
        return

    sys.path.insert(0, REPO)
    cpus: Tuple[Optional[int], Optional[int]] = (None, None)
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2:
        server_cpu, client_cpu = sorted(os.sched_getaffinity(0))[:2]
        os.sched_setaffinity(0, {client_cpu})
        cpus = (server_cpu, client_cpu)
    servers = [name for name in args.servers.split(",") if name]
    print(f"# python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"server cpu {cpus[0]}, client cpu {cpus[1]}; {args.requests} requests x {args.repeat} runs")
    print("# " + ", ".join(f"{name} {_version(name)}" for name in ("flask", "werkzeug", "waitress", "cheroot")))
    rows = [row for kind in ("bare", "version") for row in measure(kind, servers, args, cpus)]
    baseline: Dict[Tuple[str, int], float] = {(r["app"], r["conns"]): r["rps"] for r in rows
                                              if r["server"] == "werkzeug"}
    header = ("| app | server | conns | req/s | runs | p50 ms | p99 ms | vs werkzeug | ready ms | stop ms "
              "| failures |")
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for row in rows:
        base = baseline.get((row["app"], row["conns"]))
        ratio = f"{row['rps'] / base:.2f}x" if base else "-"
        print(f"| {row['app']} | {row['server']} | {row['conns']} | {row['rps']:.0f} | "
              f"{'/'.join(map(str, row['rps_runs']))} | {row['p50']:.2f} | {row['p99']:.2f} | {ratio} | "
              f"{row['ready_ms']:.0f} | {row['shutdown_ms']:.1f} | {row['failures']} {''.join(row['sample'])} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
