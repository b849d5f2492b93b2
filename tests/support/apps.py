"""Apps for the suite: one per distinct build settings for the whole session, reset per test like the plugin.

Building an app costs tens of milliseconds (seed YAML, schemas, routes); resetting one costs well under one.
So tests never call ``create_app`` themselves: :func:`fresh_app` hands out a cached app after the same reset
the pytest plugin does (:meth:`fakenova.testing.FakeNova.reset`), passing the settings a reset accepts
(``seed``, ``pace``, ``max_version``...) as its overrides and keying the cache by the rest (``paces``,
``fixtures_dir``...). Time is :data:`CLOCK`, rewound by every reset and moved through the clock operation.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, Optional, Tuple

from flask import Flask

from fakenova import create_app
from fakenova.clock import OffsetClock
from fakenova.operations import RESET_SETTINGS
from fakenova.settings import Settings
from fakenova.store import Store
from fakenova.testing.harness import FakeNova

#: 2026-01-01T00:00:00Z, where ``ManualClock`` starts: the instant the suite's timestamps are written for
EPOCH = 1_767_225_600.0


class EpochClock(OffsetClock):
    """An offset clock that a reset stops at :data:`EPOCH` (the runtime resets offset clocks; it moves only
    when advanced, like ``ManualClock``, and can still be unfrozen through the control plane)."""

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.offset = 0.0
            self.frozen_at = EPOCH


#: one clock for every cached app: a test drives one app at a time, and every reset rewinds it
CLOCK = EpochClock()
_APPS: Dict[Tuple[bool, str], Flask] = {}
_LOCK = threading.Lock()


def _store() -> Optional[Store]:
    """The store of the next app: memory, or with ``FAKENOVA_TEST_REDIS=redis://HOST:PORT`` a key prefix of its
    own in that Redis (one per app and xdist worker, emptied first), to run the suite against the Redis store.
    (Prefixes, not databases: a worker may build more apps than Redis has databases.)"""
    url = os.environ.get("FAKENOVA_TEST_REDIS")
    if not url:
        return None
    from fakenova.store.redis_store import RedisStore

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    store = RedisStore(url, prefix=f"fakenova-test:{worker}:{len(_APPS)}:")
    store.clear()
    return store


def shared_app(system_clock: bool = False, **build: Any) -> Flask:
    """The session's app for these build settings (not reset): :data:`CLOCK`, or system time when asked."""
    key = (system_clock, repr(sorted(build.items())))
    with _LOCK:
        if key not in _APPS:
            _APPS[key] = create_app(Settings(**build), clock=None if system_clock else CLOCK, store=_store())
        return _APPS[key]


def fresh_app(system_clock: bool = False, **settings: Any) -> Flask:
    """A shared app back at the seed data, its clock at :data:`EPOCH`, with ``settings`` in force."""
    overrides = {name: value for name, value in settings.items() if name in RESET_SETTINGS}
    build = {name: value for name, value in settings.items() if name not in RESET_SETTINGS}
    app = shared_app(system_clock, **build)
    FakeNova(app=app).reset(**overrides)
    return app


def control(app: Flask) -> FakeNova:
    """The control handle on ``app`` (clock, server states, scenarios), called in-process."""
    return FakeNova(app=app)
