"""Every pace fakenova offers, and what moves a live cloud along at each while a real client waits.

``immediate`` and ``polls:N`` need nothing but the client's own reads. ``seconds:S`` needs the injected clock
to move and ``manual`` needs the control plane's steps: a :class:`Driver` thread does that for them while the
test's client call blocks (the test itself never sleeps; the driver only ticks when something is in
transition, so the clock does not run away from issued tokens).
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Iterator, Optional

from flask import Flask

from fakenova.testing.harness import FakeNova
from support.apps import control

#: the paces client tests run in: one of each kind fakenova has (fakenova/domain/pace.py)
PACES = ("immediate", "polls:2", "seconds:5", "manual")
#: fake seconds the driver moves the clock per tick at a seconds pace
TICK_SECONDS = 1.0


def _in_transition(record: Any) -> bool:
    transition = record.get("transition") if isinstance(record, dict) else getattr(record, "transition", None)
    return transition is not None


def _pending(app: Flask) -> Dict[str, list]:
    store = app.extensions["fakenova"].store
    return {kind: [r for r in store.list(kind) if _in_transition(r)]
            for kind in ("server", "volume", "volume_snapshot")}


def _advance_clock(handle: FakeNova, pending: Dict[str, list]) -> None:
    handle.clock.advance(TICK_SECONDS)


def _step_everything(handle: FakeNova, pending: Dict[str, list]) -> None:
    steps: Dict[str, Callable[[str], Any]] = {
        "server": handle.step_server,
        "volume": lambda key: handle.step_volume("volumes", key),
        "volume_snapshot": lambda key: handle.step_volume("snapshots", key),
    }
    for kind, records in pending.items():
        for record in records:
            key = record["id"] if isinstance(record, dict) else record.id
            try:
                steps[kind](key)
            except Exception:  # noqa: BLE001 - deleted meanwhile by the client's own call: nothing to step
                continue


#: pace kind -> what one tick of the driver does (None: the client's reads are enough)
TICKS: Dict[str, Optional[Callable[[FakeNova, Dict[str, list]], None]]] = {
    "immediate": None, "polls": None, "seconds": _advance_clock, "manual": _step_everything,
}


class Driver(threading.Thread):
    """Ticks a live app every few milliseconds while anything is in transition (a daemon; :meth:`stop` it)."""

    def __init__(self, app: Flask, pace: str) -> None:
        super().__init__(daemon=True, name=f"pace-driver-{pace}")
        self.app, self.tick = app, TICKS[pace.partition(":")[0]]
        self.handle = control(app)
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(0.005):
            pending = _pending(self.app)
            if any(pending.values()) and self.tick is not None:
                self.tick(self.handle, pending)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)


def paced(app: Flask, pace: str) -> Iterator[str]:
    """Reset ``app`` at ``pace`` and drive it while the test runs (a fixture body: yields the pace)."""
    control(app).reset(pace=pace)
    driver = Driver(app, pace)
    driver.start()
    try:
        yield pace
    finally:
        driver.stop()
        control(app).reset()
