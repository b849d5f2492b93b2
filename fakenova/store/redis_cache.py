"""The Redis store's per-process read cache, keyed by versions kept in Redis so no process serves a stale read.

Every commit advances a version per kind it writes, in the same script as its writes (a hash beside the
records, with a random ``!id`` that a flushed or emptied Redis loses, so versions from before it never match
again). A request starts by reading that hash (in the exchange of :mod:`~.redis_exchange`, with its first
record read; only a stamp when no version moved since this process last read it) into a :class:`Snapshot`;
for the rest of the request a read of a kind whose version is unchanged since the value was cached is served
from this process's memory. A value is cached under the version its request saw
*before* reading it, so a cached value is never older than the version it is filed under: a request whose
snapshot came after a write anywhere finds a newer version and reads Redis. The request's own writes move
its snapshot to the versions its commit made. Outside a request (no snapshot) nothing is cached.
"""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, Hashable, Mapping, Optional, Tuple, TypeVar, Union, cast

if TYPE_CHECKING:
    import redis

    from .redis_keys import Keys

#: the field of the versions hash that names its incarnation
INCARNATION = b"!id"
#: the field of the versions hash that moves with every version (the commit script's and clear's doing)
STAMP = b"!n"
#: a request began and has not read yet: its first read takes the snapshot (in the same round trip)
PENDING = "pending"
T = TypeVar("T")
#: entries kept before the cache starts again empty (records, pages, marks, totals)
CACHE_MAX = 20_000


class Snapshot:
    """The versions one request reads under: the incarnation and each kind's version (0: never written)."""

    def __init__(self, found: Mapping[bytes, bytes]) -> None:
        self.incarnation = found.get(INCARNATION)
        self.stamp = found.get(STAMP)
        # never changed in place (wrote() replaces it), so forks may share it
        self.versions: Dict[str, int] = {name.decode("utf-8"): int(value) for name, value in found.items()
                                         if not name.startswith(b"!")}

    @property
    def known(self) -> Optional[Tuple[bytes, bytes]]:
        """(stamp, incarnation) to ask Redis whether the hash is still this one; None if it cannot tell."""
        if self.stamp is None or self.incarnation is None:
            return None
        return self.stamp, self.incarnation

    def fork(self) -> "Snapshot":
        """The same versions, for another request (which may then move its own with :meth:`wrote`)."""
        twin = Snapshot.__new__(Snapshot)
        twin.incarnation, twin.stamp, twin.versions = self.incarnation, self.stamp, self.versions
        return twin

    @property
    def usable(self) -> bool:
        """False until the hash has an incarnation (:func:`new_incarnation` gives one)."""
        return self.incarnation is not None

    def version(self, kind: str) -> Tuple[Optional[bytes], int]:
        return self.incarnation, self.versions.get(kind, 0)

    def wrote(self, versions: Mapping[str, int]) -> None:
        """Adopt the versions this request's own commit made."""
        self.versions = {**self.versions, **versions}


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


class SnapshotReads:
    """The Redis store's reads through :class:`Cache` at the request's :class:`Snapshot` (a mixin of
    :class:`~fakenova.store.redis_store.RedisStore`, whose client, keys and thread-local state it uses)."""

    client: "redis.Redis"
    keys: "Keys"
    lock_ttl_ms: int
    _cache: Cache
    _local: threading.local

    def _call(self, what: Callable[[], T]) -> T:
        """One Redis exchange, its errors as StoreUnavailable (the store's own)."""
        raise NotImplementedError

    def _take_snapshot(self, record_key: Optional[str]) -> Tuple[Snapshot, Optional[bytes], bool]:
        """(the versions for a request; the record at ``record_key``; whether it may be cached at them)."""
        raise NotImplementedError

    def begin_request(self) -> None:
        """Reads from now on may come from this process's cache, at the versions the first one finds."""
        self._local.snapshot = PENDING

    def end_request(self, *_: Any) -> None:
        self._local.snapshot = None

    def _snapshot(self, record_key: Optional[str] = None) -> Tuple[Optional[Snapshot], Optional[bytes], bool]:
        """(the request's snapshot, or None outside one; the record at ``record_key``; whether that record
        may be cached), taking the snapshot first when the request has none yet (with the record, one trip)."""
        snap: Union[Snapshot, str, None] = getattr(self._local, "snapshot", None)
        if snap is None or isinstance(snap, Snapshot):
            return snap, None, False
        taken, blob, fresh = self._take_snapshot(record_key)
        self._local.snapshot = taken
        return taken, blob, fresh

    def _blob(self, kind: str, key: str) -> Optional[bytes]:
        """A record's stored bytes: from the cache when the request's snapshot allows, else from Redis."""
        record_key, tag = self.keys.record(kind, key), ("r", kind, key)
        snap = getattr(self._local, "snapshot", None)
        if snap is PENDING:
            taken, blob, fresh = self._snapshot(record_key)
            if taken is not None and fresh:
                self._cache.put(taken, kind, tag, blob)
            return blob
        return self._cached(kind, tag, lambda: cast(Optional[bytes], self.client.get(record_key)))

    def _guess(self, kind: str, key: str) -> Optional[bytes]:
        """What a record probably holds without asking Redis: the last bytes this process saw of it, at any
        version, or missing (a new record: most puts make one)."""
        return cast(Optional[bytes], self._cache.peek(("r", kind, key))[1])

    def _cached(self, kind: str, tag: Hashable, fetch: Callable[[], T]) -> T:
        """``fetch()`` (one Redis exchange on ``kind``), or what it gave before at the same version of ``kind``."""
        snap = self._snapshot()[0]
        if snap is None:
            return self._call(fetch)
        hit, value = self._cache.get(snap, kind, tag)
        if not hit:
            value = self._call(fetch)
            self._cache.put(snap, kind, tag, value)
        return cast(T, value)

    def _refresh(self) -> None:
        """Read the versions again at the next read (after a race lost, or a lock taken)."""
        if getattr(self._local, "snapshot", None) is not None:
            self._local.snapshot = PENDING

    def _take_lock(self, token: bytes) -> bool:
        """SET NX the lock; in a request, read the versions in the same trip (no writer commits under our lock,
        so the cache stays valid at them until it is released)."""
        if getattr(self._local, "snapshot", None) is None:
            return bool(self._call(lambda: self.client.set(self.keys.lock, token, nx=True, px=self.lock_ttl_ms)))
        with self.client.pipeline(transaction=False) as pipe:
            pipe.set(self.keys.lock, token, nx=True, px=self.lock_ttl_ms)
            pipe.hgetall(self.keys.versions)
            taken, found = self._call(pipe.execute)
        if taken:
            snap = Snapshot(found)
            self._local.snapshot = snap if snap.usable else PENDING
        return bool(taken)

