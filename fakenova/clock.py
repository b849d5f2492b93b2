"""Time as an injected dependency: the system clock, a manual clock for tests, and an offset clock.

Every timestamp fakenova shows or compares comes from a :class:`Clock`, so tests advance time instead of
sleeping and a live server can be moved forward through the control plane.
"""
from __future__ import annotations

import threading
import time
from typing import Optional, Protocol, runtime_checkable


class Clock(Protocol):
    """Anything with ``now()`` returning seconds since the epoch (UTC)."""

    def now(self) -> float: ...


@runtime_checkable
class AdvancingClock(Clock, Protocol):
    """A clock the control plane can move forward (``ManualClock``, ``OffsetClock``)."""

    def advance(self, seconds: float) -> float: ...


@runtime_checkable
class FreezingClock(Clock, Protocol):
    """A clock the control plane can stop and restart (``OffsetClock``)."""

    def freeze(self) -> None: ...

    def unfreeze(self) -> None: ...


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
    """System time plus an offset that the control plane can grow: time travel for live servers.

    It can also be frozen (time stands still until advanced or unfrozen), for tests that compare timestamps.
    """

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen_at: Optional[float] = None
        self._lock = threading.Lock()

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self) -> float:
        frozen_at = self.frozen_at
        return frozen_at + self.offset if frozen_at is not None else time.time() + self.offset

    def freeze(self) -> None:
        """Stop time where it is now (advance still moves it)."""
        with self._lock:
            if self.frozen_at is None:
                self.frozen_at = time.time()

    def unfreeze(self) -> None:
        """Let time run again from where it stood (the offset absorbs the frozen interval)."""
        with self._lock:
            if self.frozen_at is not None:
                self.offset += self.frozen_at - time.time()
                self.frozen_at = None

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self.offset += seconds
        return self.now()

    def reset(self) -> None:
        """Back to running system time (what resetting a live server does)."""
        with self._lock:
            self.offset = 0.0
            self.frozen_at = None
