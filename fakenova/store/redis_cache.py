"""The Redis store's per-process read cache, keyed by versions kept in Redis so no process serves a stale read.

Every commit advances a version per kind it writes, in the same script as its writes (a hash beside the
records, with a random ``!id`` that a flushed or emptied Redis loses, so versions from before it never match
again). A request starts by reading that hash (one round trip, pipelined with its first record read) into a
:class:`Snapshot`; for the rest of the request a read of a kind whose version is unchanged since the value
was cached is served from this process's memory. A value is cached under the version its request saw
*before* reading it, so a cached value is never older than the version it is filed under: a request whose
snapshot came after a write anywhere finds a newer version and reads Redis. The request's own writes move
its snapshot to the versions its commit made. Outside a request (no snapshot) nothing is cached.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, Hashable, Mapping, Optional, Tuple

#: the field of the versions hash that names its incarnation
INCARNATION = b"!id"
#: entries kept before the cache starts again empty (records, pages, marks, totals)
CACHE_MAX = 20_000


class Snapshot:
    """The versions one request reads under: the incarnation and each kind's version (0: never written)."""

    def __init__(self, found: Mapping[bytes, bytes]) -> None:
        self.incarnation = found.get(INCARNATION)
        self.versions: Dict[str, int] = {name.decode("utf-8"): int(value) for name, value in found.items()
                                         if name != INCARNATION}

    @property
    def usable(self) -> bool:
        """False until the hash has an incarnation (:func:`new_incarnation` gives one)."""
        return self.incarnation is not None

    def version(self, kind: str) -> Tuple[Optional[bytes], int]:
        return self.incarnation, self.versions.get(kind, 0)

    def wrote(self, versions: Mapping[str, int]) -> None:
        """Adopt the versions this request's own commit made."""
        self.versions.update(versions)


def new_incarnation() -> bytes:
    return os.urandom(8).hex().encode()


class Cache:
    """Values by (tag, kind, ...) with the (incarnation, version) of the kind they were read under."""

    def __init__(self, limit: int = CACHE_MAX) -> None:
        self.limit = limit
        self._entries: Dict[Hashable, Tuple[Tuple[Optional[bytes], int], Any]] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot, kind: str, tag: Hashable) -> Tuple[bool, Any]:
        """(True, value) when ``tag`` was cached under the version ``snapshot`` has for ``kind``."""
        entry = self._entries.get(tag)
        if entry is not None and entry[0] == snapshot.version(kind):
            return True, entry[1]
        return False, None

    def peek(self, tag: Hashable) -> Tuple[bool, Any]:
        """(True, value) when ``tag`` was cached at any version: a guess, to be checked before it counts."""
        entry = self._entries.get(tag)
        return (True, entry[1]) if entry is not None else (False, None)

    def put(self, snapshot: Snapshot, kind: str, tag: Hashable, value: Any) -> None:
        with self._lock:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            self._entries[tag] = (snapshot.version(kind), value)
