"""Time as an injected dependency: the system clock, a manual clock for tests, and an offset clock.

Every timestamp fakenova shows or compares comes from a :class:`Clock`, so tests advance time instead of
sleeping and a live server can be moved forward through the control plane.
"""
from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` returning seconds since the epoch (UTC)."""

    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to; starts at a fixed instant so outputs are reproducible.

    :param start: seconds since the epoch at which the clock starts.
    """

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += seconds
            return self._now


class OffsetClock:
    """System time plus an offset that the control plane can grow: time travel for live servers."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self.offset += seconds
        return self.now()

    def reset(self) -> None:
        """Back to system time (what resetting a live server does)."""
        with self._lock:
            self.offset = 0.0
