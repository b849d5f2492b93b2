"""``run_server`` stops on SIGINT/SIGTERM, whenever the signal arrives in its main thread."""
from __future__ import annotations

import os
import signal
import threading
from typing import List

import pytest

from fakenova.app import create_app
from fakenova.serving import run_server

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")


@pytest.fixture(scope="module")
def app():  # type: ignore[no-untyped-def]
    return create_app()


def test_sigterm_stops_the_server_and_sets_the_stop_event(app) -> None:  # type: ignore[no-untyped-def]
    stop = threading.Event()
    urls: List[str] = []

    def ready(url: str) -> None:
        urls.append(url)
        os.kill(os.getpid(), signal.SIGTERM)  # handled in this (the main) thread, by run_server's handler

    before = signal.getsignal(signal.SIGTERM)
    run_server(app, "127.0.0.1", 0, 2, ready, stop=stop)
    assert urls and stop.is_set()
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_signal_while_the_stop_event_is_locked_does_not_hang(app) -> None:  # type: ignore[no-untyped-def]
    """The main thread holds the stop event's lock inside ``stop.wait()``; a handler running there must not
    wait for it (it did: a SIGTERM right after start-up could hang ``fakenova serve`` for good)."""
    stop = threading.Event()

    def ready(url: str) -> None:
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler)

        def while_locked() -> None:
            with stop._cond:  # type: ignore[attr-defined] # what stop.wait() holds, in the same thread
                handler(signal.SIGTERM, None)

        worker = threading.Thread(target=while_locked, daemon=True)
        worker.start()
        worker.join(5)
        assert not worker.is_alive(), "the signal handler waited for the stop event's lock"

    run_server(app, "127.0.0.1", 0, 2, ready, stop=stop)
    assert stop.is_set()
