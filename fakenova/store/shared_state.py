"""The part of a runtime that lives beside the records when the store is shared by several processes.

With one process, a reset's setting overrides, the clock's offset and the id sequence are plain attributes of
the runtime. With a shared store (Redis), every process serving the cloud must agree on the first two, so
they are one record, :data:`STATE`: which reset the cloud is at (a random revision), that reset's overrides,
and the clock's offset and freeze point. Each process reads it once per request (:func:`sync`) and adopts a
new revision's settings; a clock change is a ``compute`` on it, seen by the next request anywhere. A process
that did not make the reset restarts its ids from system randomness: two processes drawing from one seeded
sequence would hand out the same UUIDs.
"""
from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional

from ..clock import OffsetClock
from .base import Store

if TYPE_CHECKING:
    from ..runtime import Runtime

#: (kind, key) of the shared runtime record; ``clear()`` drops it with everything else
STATE = ("runtime", "state")


def is_shared(store: Store) -> bool:
    """Whether other processes may serve from ``store`` too (it says so with ``shared = True``)."""
    return bool(getattr(store, "shared", False))


class StoreClock(OffsetClock):
    """An offset clock whose offset and freeze point are the shared record's.

    ``now()`` reads the values the last :meth:`load` gave (each request loads them first), so it costs no
    round trip; advancing or freezing writes the record and takes the result at once.
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def load(self, state: Mapping[str, Any]) -> None:
        self.offset, self.frozen_at = float(state.get("offset", 0.0)), state.get("frozen_at")

    def _change(self, change: Any) -> None:
        def apply(state: Optional[Dict[str, Any]]) -> Dict[str, Any]:
            state = dict(state or {"revision": None, "overrides": {}})
            state.setdefault("offset", 0.0)
            state.setdefault("frozen_at", None)
            change(state, time.time())
            return state
        self.load(self.store.compute(*STATE, apply))

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._change(lambda state, now: state.update(offset=state["offset"] + seconds))
        return self.now()

    def freeze(self) -> None:
        self._change(lambda state, now: state.update(frozen_at=now) if state["frozen_at"] is None else None)

    def unfreeze(self) -> None:
        def thaw(state: Dict[str, Any], now: float) -> None:
            if state["frozen_at"] is not None:
                state.update(offset=state["offset"] + state["frozen_at"] - now, frozen_at=None)
        self._change(thaw)


class Sharing:
    """Keeps one runtime in step with the shared record (one per runtime whose store is shared)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.revision: Optional[str] = None
        self._lock = threading.Lock()

    def published(self, overrides: Mapping[str, Any]) -> None:
        """After this process reset the cloud: publish the reset (the clock back at system time)."""
        self.revision = uuid.uuid4().hex
        state = {"revision": self.revision, "overrides": dict(overrides), "offset": 0.0, "frozen_at": None}
        self.runtime.store.put(*STATE, state)
        self._load_clock(state)

    def sync(self) -> None:
        """Adopt the shared record: a reset made elsewhere (its settings), the clock's offset."""
        state = self.runtime.store.get(*STATE)
        if state is None:  # Redis came back empty (or was flushed): seed the cloud again, once
            self.runtime.start()
            return
        if state["revision"] != self.revision:
            with self._lock:
                if state["revision"] != self.revision:
                    runtime = self.runtime
                    base = runtime.initial_settings or runtime.settings
                    runtime.settings = runtime.reset_settings = base.replace(**state["overrides"])
                    runtime.ids.reseed(None)
                    self.revision = state["revision"]
                    runtime.engine.refresh()
        self._load_clock(state)

    def _load_clock(self, state: Mapping[str, Any]) -> None:
        clock = self.runtime.clock
        if isinstance(clock, StoreClock):
            clock.load(state)
