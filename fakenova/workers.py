"""``fakenova serve --workers N``: N server processes on one address, one cloud in a shared store.

No balancer of our own: each worker is an ordinary ``fakenova serve`` that binds the same address with
SO_REUSEPORT, and the kernel spreads new connections across them. This process only holds the port (a bound
socket that does not listen gets no connections, so ``--port 0`` still names one port for all), starts the
workers with the same command line, waits until each listens, prints the URL once, and on SIGINT/SIGTERM (or
when a worker dies) stops them all. Each worker learns the port from :data:`WORKER_PORT`.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Callable, Dict, List, Optional

from .serving import SIGNAL_POLL, _bind, format_url

logger = logging.getLogger("fakenova.workers")

#: set in a worker's environment: the port to bind with SO_REUSEPORT (and that it is one of several)
WORKER_PORT = "FAKENOVA_WORKER_PORT"
#: set in a worker's environment: its number, 0 to N-1 (worker 0 alone loads --scenario files: they are shared)
WORKER_INDEX = "FAKENOVA_WORKER_INDEX"
#: seconds a worker may take to start listening
START_TIMEOUT = 60.0
#: seconds workers get to stop after SIGTERM before they are killed
STOP_TIMEOUT = 10.0


def worker_port(environ: Optional[Dict[str, str]] = None) -> Optional[int]:
    """The port this process serves as a worker of ``--workers``, or None when it is not one."""
    value = (os.environ if environ is None else environ).get(WORKER_PORT)
    return int(value) if value else None


def is_first_worker(environ: Optional[Dict[str, str]] = None) -> bool:
    """Whether this process is worker 0 of ``--workers``, or not a worker at all."""
    return (os.environ if environ is None else environ).get(WORKER_INDEX, "0") == "0"


def _started(process: subprocess.Popen, lines: List[str], done: threading.Event) -> None:
    """Read the worker's one stdout line (its URL), then drain the rest."""
    assert process.stdout is not None
    lines.append(process.stdout.readline().strip())
    done.set()
    for _ in process.stdout:
        pass


def run_workers(count: int, host: str, port: int, ready: Callable[[str], None]) -> int:
    """Serve with ``count`` worker processes until a stop signal or a worker's death; the exit status."""
    holder = _bind(host, port, reuse_port=True, listen=False)
    port = int(holder.getsockname()[1])
    env = {**os.environ, WORKER_PORT: str(port)}
    command = [sys.executable, "-m", "fakenova", *sys.argv[1:]]
    received: List[int] = []
    previous = {number: signal.signal(number, lambda n, frame: received.append(n))
                for number in (signal.SIGINT, signal.SIGTERM)}
    workers: List[subprocess.Popen] = []
    try:
        waits = []
        for index in range(count):
            process = subprocess.Popen(command, env={**env, WORKER_INDEX: str(index)}, stdout=subprocess.PIPE,
                                       text=True)
            lines: List[str] = []
            done = threading.Event()
            threading.Thread(target=_started, args=(process, lines, done), daemon=True).start()
            workers.append(process)
            waits.append((done, lines))
        deadline = time.monotonic() + START_TIMEOUT
        for done, lines in waits:
            while not done.wait(SIGNAL_POLL):
                if received or time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                    logger.error("a worker did not start; stopping")
                    return 1
            if not lines[0]:
                logger.error("a worker exited before listening; stopping")
                return 1
        ready(format_url(host, port))
        while not received:
            if any(worker.poll() is not None for worker in workers):
                logger.error("a worker exited; stopping the others")
                return 1
            time.sleep(SIGNAL_POLL)
        return 0
    finally:
        _stop(workers)
        holder.close()
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stop(workers: List[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for worker in workers:
        try:
            worker.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
