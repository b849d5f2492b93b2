"""The load generator both API benchmarks share: server subprocesses, keep-alive clients, and ``drive``.

``bench/api_bench.py`` (fakenova and its bare-Flask ceiling) and ``bench/peers.py`` (moto_server) both measure
with these, so neither imports the other's module for them.
"""
from __future__ import annotations

import http.client
import shutil
import subprocess
import threading
import time
from typing import Dict, List, Optional, Tuple

#: (row name, method, path, body): one request of a measured operation
Request = Tuple[str, str, str, Optional[bytes]]


# --- processes -----------------------------------------------------------------------------------------------

def pinned(command: List[str], cpu: Optional[int]) -> List[str]:
    return ["taskset", "-c", str(cpu), *command] if cpu is not None and shutil.which("taskset") else command


class Child:
    """A server subprocess that prints its URL on its first stdout line; stopped by closing stdin or SIGTERM."""

    def __init__(self, command: List[str], cpu: Optional[int]) -> None:
        started = time.perf_counter()
        self.proc = subprocess.Popen(pinned(command, cpu), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().strip()
        self.ready_ms = (time.perf_counter() - started) * 1000
        if not self.url.startswith("http://"):
            raise RuntimeError(f"{command} did not print its URL")
        self.host, port = self.url[len("http://"):].rsplit(":", 1)
        self.port = int(port)

    def rss_kib(self) -> int:
        """Resident memory of the server process (the leaf process when started through taskset)."""
        with open(f"/proc/{self.proc.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# --- the load generator -------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection with fixed headers."""

    def __init__(self, child: Child, headers: Dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection(child.host, child.port, timeout=60)
        self.headers = headers

    def send(self, method: str, path: str, body: Optional[bytes] = None) -> Tuple[int, bytes]:
        self.conn.request(method, path, body=body, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def drive(child: Child, headers: Dict[str, str], requests: List[Request], conns: int,
          expect: Tuple[int, ...]) -> Dict[str, float]:
    """Send ``requests`` over ``conns`` connections; req/s and p50/p99 latency in ms. Any other status fails."""
    latencies: List[float] = []
    failures: List[str] = []
    lock = threading.Lock()
    feed = iter(requests)

    def work() -> None:
        client = Client(child, headers)
        while True:
            with lock:
                item = next(feed, None)
            if item is None:
                return
            started = time.perf_counter()
            status, data = client.send(item[1], item[2], item[3])
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status not in expect:
                    failures.append(f"{item[1]} {item[2]} -> {status} {data[:200]!r}")

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(conns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, first: {failures[0]}")
    latencies.sort()
    pick = lambda fraction: latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1000  # noqa
    return {"rps": len(latencies) / wall, "p50": pick(0.50), "p99": pick(0.99)}
