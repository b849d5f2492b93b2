"""RedisStore: fakenova's state in one Redis database, so several processes serve one cloud.

Layout (every key under one prefix, ``fakenova:`` by default; all of a kind's keys under ``<prefix><kind>/``
so clearing a kind is one pattern): a string per record (its value and :class:`~.redis_index.Meta`, by
:mod:`~fakenova.store.codec`), a sorted set of the kind's keys in insertion order and one per project, and
for an ordered kind a lexicographic sorted set per scope, one sorted set per mark and one hash per running
total and scope, and one hash per per-group total (GroupedStore). Counters are one hash, the journal one
capped list, the lock one string.

Every write is an optimistic transaction (:mod:`~.redis_txn`): read, run, then one commit script that
applies all of its writes only if nothing it read changed (again when raced, at most :data:`ATTEMPTS`
times). :meth:`RedisStore.atomically` takes a lock with a fencing token (its holder's random token; other
transactions' commits refuse while it is someone else's, and wait) and a bounded wait. Lists and walks fetch
a page of keys and their records in one script call. Inside a request (:meth:`RedisStore.begin_request`)
reads go through the version-keyed per-process cache of :mod:`~.redis_cache`. Redis unreachable, too slow, or
a lock not had in time raise :class:`~.base.StoreUnavailable` within the socket timeout.
"""
from __future__ import annotations

import os
import random
import threading
import time
from contextlib import contextmanager
from typing import (
    Any,
    Callable,
    Collection,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    cast,
)

import redis
from redis.exceptions import RedisError

from . import codec
from .base import REMOVE, StoreBusy, StoreUnavailable, UndeclaredWrite
from .memory import CAPTURE_LIMIT
from .redis_cache import STAMP, Cache, Snapshot, SnapshotReads
from .redis_exchange import GroupCommit, RequestExchanges
from .redis_index import Definition, Mark, Order, Sum, key_of
from .redis_keys import Keys
from .redis_scripts import Scripts
from .redis_txn import Conflict, Groups, Indexes, LockHeld, Txn, unpack_record

#: tries of one transaction before giving up with StoreUnavailable (each raced by another writer)
ATTEMPTS = 200
#: records fetched per script call while walking an ordered index (a page of 100 takes one)
WALK_CHUNK = 128
T = TypeVar("T")


class RedisStore(RequestExchanges, SnapshotReads):
    """:class:`~fakenova.store.base.Store` and :class:`~fakenova.store.base.OrderedStore` in Redis.

    :param url: ``redis://[:password@]host:port/db``, ``rediss://...`` or ``unix:///path?db=N``; redis-py's
        query options apply and win over the defaults here (``?socket_timeout=0.5`` for a tighter bound).
    :param journal_limit: journal entries kept (the oldest go first).
    :param prefix: the prefix of every key (two clouds can share a database under two prefixes).
    :param timeout: seconds a Redis call may take before the store gives up (StoreUnavailable).
    :param lock_wait: seconds :meth:`atomically` (and a transaction meeting the lock) waits for the lock.
    :param lock_ttl: seconds the lock lives if its holder dies holding it.
    """

    #: other processes may serve from the same Redis (the runtime shares its clock and reset through it)
    shared = True

    def __init__(self, url: str, journal_limit: int = 10_000, *, prefix: str = "fakenova:",
                 timeout: float = 2.0, lock_wait: float = 5.0, lock_ttl: float = 30.0,
                 capture_limit: int = CAPTURE_LIMIT) -> None:
        if journal_limit < 1:
            raise ValueError("journal_limit must be at least 1")
        self.url, self.journal_limit = url, journal_limit
        self.capture_limit = max(1, min(capture_limit, journal_limit))
        self.keys = Keys(prefix)
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                           max_connections=256, health_check_interval=30)
        self.scripts = Scripts(self.client)
        self.lock_wait, self.lock_ttl_ms = lock_wait, int(lock_ttl * 1000)
        self._definitions: Dict[str, Definition] = {}
        self._groups: Groups = {}
        self._indexes: Indexes = {}  # IndexedStore: kind -> name -> the value a record is filed under
        self._cache = Cache()
        self._exchanges = GroupCommit(self._send_exchanges)
        # .txn: the transaction running on this thread; .lock: [token, depth]; .snapshot: of the request
        self._local = threading.local()

    def _call(self, what: Callable[[], T]) -> T:
        """Run one Redis exchange; an unreachable or slow Redis becomes StoreUnavailable."""
        try:
            return what()
        except RedisError as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    # --- reads ----------------------------------------------------------------------------------------

    def get(self, kind: str, key: str) -> Optional[Any]:
        txn: Optional[Txn] = getattr(self._local, "txn", None)
        if txn is not None:  # inside a compute: read our own writes, and check at commit what we read
            stored = txn.read(kind, key)
        else:
            stored = unpack_record(self._blob(kind, key))
        return stored[1] if stored is not None else None

    def list(self, kind: str, project: Optional[str] = None) -> List[Any]:
        zset = self.keys.all(kind) if project is None else self.keys.project(kind, project)
        keys, blobs = self._cached(kind, ("l", kind, project),
                                   lambda: self.scripts.range(zset, self.keys.record_prefix(kind)))
        txn: Optional[Txn] = getattr(self._local, "txn", None)
        if txn is not None:  # inside a compute: its own writes show, as they would in the memory store
            return txn.overlay(kind, project, [(key.decode("utf-8"), unpack_record(blob))
                                               for key, blob in zip(keys, blobs)])
        return [record[1] for record in map(unpack_record, blobs) if record is not None]

    # --- writes ---------------------------------------------------------------------------------------

    def put(self, kind: str, key: str, value: Any, project: Optional[str] = None) -> None:
        self._write(kind, key, value, project, keep_project=False)

    def delete(self, kind: str, key: str) -> bool:
        return self._write(kind, key, REMOVE, None, keep_project=False) is not None

    def _write(self, kind: str, key: str, value: Any, project: Optional[str], keep_project: bool) -> Any:
        """Write one record (in the running transaction, else in one of its own); what it replaced."""
        txn: Optional[Txn] = getattr(self._local, "txn", None)
        if txn is not None:
            self._check_declared(txn, kind, key)
            before = txn.read(kind, key) if value is REMOVE else None  # a put's caller ignores what it replaced
            txn.write(kind, key, value, project, keep_project)
            return before[1] if before else None

        def write(current: Any) -> Any:
            self._local.txn.write(kind, key, value, project, keep_project)
            return current
        return self._transact(kind, key, write, blind=value is not REMOVE)

    def compute(self, kind: str, key: str, fn: Callable[[Any], Any], project: Optional[str] = None,
                *, touches: Collection[str] = ()) -> Any:
        txn: Optional[Txn] = getattr(self._local, "txn", None)
        if txn is not None:  # nested: part of the enclosing transaction (checked only if it writes)
            return self._run(txn, kind, key, fn, project, touches)
        return self._transact(kind, key, lambda current: self._run(self._local.txn, kind, key, fn, project,
                                                                   touches, current))

    def _run(self, txn: Txn, kind: str, key: str, fn: Callable[[Any], Any], project: Optional[str],
             touches: Collection[str], *current: Any) -> Any:
        if not current:
            stored = txn.read(kind, key)
            current = (stored[1] if stored else None,)
        txn.frames.append((kind, key, frozenset(touches)))
        try:
            result = fn(current[0])
        finally:
            txn.frames.pop()
        if result is REMOVE or result is not current[0]:
            self._check_declared(txn, kind, key)  # against the enclosing computes, if any
            txn.write(kind, key, result, project, keep_project=True)
        return result

    def _transact(self, kind: str, key: str, fn: Callable[[Any], Any], blind: bool = False) -> Any:
        """``fn(current)`` in a fresh transaction on (kind, key), committed; run again when raced.

        :param blind: ``fn`` ignores ``current`` (a put): the first attempt guesses what the record held
            (:meth:`_guess`) instead of reading it, and the commit checks the guess.
        """
        deadline = time.monotonic() + self.lock_wait
        for attempt in range(ATTEMPTS):
            txn = self._local.txn = Txn(self._blob, self.keys, self._definitions, self._lock_token(), self._groups,
                                        self._indexes)
            try:
                if blind and attempt == 0:
                    txn.assume(kind, key, self._guess(kind, key))
                stored = txn.read(kind, key)
                result = fn(stored[1] if stored else None)
                if not txn.writes:
                    return result
                versions = txn.commit(self.scripts.commit)
                snap = getattr(self._local, "snapshot", None)
                if isinstance(snap, Snapshot):  # what we wrote is what those keys hold at the new versions
                    snap.wrote(versions)
                    for (written_kind, written_key), blob in txn.written.items():
                        self._cache.put(snap, written_kind, ("r", written_kind, written_key), blob)
                return result
            except (Conflict, LockHeld):
                self._refresh()
                if time.monotonic() > deadline:
                    break
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2 ** min(attempt, 6))))
            except RedisError as exc:
                raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
            finally:
                self._local.txn = None
        raise StoreBusy(f"{kind} {key!r}: still contended after {self.lock_wait} s")

    def _check_declared(self, txn: Txn, kind: str, key: str) -> None:
        """Every compute running on this thread must allow a write to ``(kind, key)``."""
        for outer_kind, outer_key, touches in txn.frames:
            if kind not in touches and (kind, key) != (outer_kind, outer_key):
                raise UndeclaredWrite(f"a compute on {outer_kind} {outer_key!r} wrote {kind} {key!r}; "
                                      f"declare touches=({kind!r},) or write after compute returns")

    # --- the lock -------------------------------------------------------------------------------------

    def _lock_token(self) -> Optional[bytes]:
        held = getattr(self._local, "lock", None)
        return held[0] if held else None

    @contextmanager
    def atomically(self) -> Iterator[None]:
        held = getattr(self._local, "lock", None)
        if held is not None:  # re-entrant, as MemoryStore's
            held[1] += 1
            try:
                yield
            finally:
                held[1] -= 1
            return
        token = os.urandom(16)
        deadline = time.monotonic() + self.lock_wait
        while not self._take_lock(token):
            if time.monotonic() > deadline:
                raise StoreBusy(f"the store lock was not had within {self.lock_wait} s")
            time.sleep(random.uniform(0.0005, 0.005))
        self._local.lock = [token, 1]
        try:
            yield
        finally:
            self._local.lock = None
            self._call(lambda: self.scripts.unlock(self.keys.lock, token))

    # --- counters, clearing --------------------------------------------------------------------

    def next_counter(self, name: str) -> int:
        return int(self._call(lambda: self.client.hincrby(self.keys.counters, name, 1)))

    def clear(self, kinds: Optional[Iterable[str]] = None) -> None:
        keys = self.keys
        patterns = [keys.prefix + "*"] if kinds is None else [f"{keys.prefix}{kind}/*" for kind in kinds]
        keep = {keys.seq.encode(), keys.indexed.encode(), keys.lock.encode()}
        for pattern in patterns:
            batch: List[bytes] = []
            for found in self._call(lambda: list(self.client.scan_iter(match=pattern, count=1000))):
                if found not in keep:
                    batch.append(found)
                if len(batch) >= 1000:
                    self._call(lambda: self.client.unlink(*batch))
                    batch = []
            if batch:
                self._call(lambda: self.client.unlink(*batch))
        if kinds is not None:  # (everything else went with the versions hash and its incarnation)
            with self.client.pipeline(transaction=True) as pipe:  # the stamp moves with the versions, at once
                for kind in kinds:
                    pipe.hincrby(keys.versions, kind, 1)
                pipe.hincrby(keys.versions, STAMP.decode(), 1)
                self._call(pipe.execute)
        self._refresh()

    # --- OrderedStore ---------------------------------------------------------------------------------

    def define_order(self, kind: str, order: Order, marks: Optional[Mapping[str, Mark]] = None,
                     sums: Optional[Mapping[str, Sum]] = None) -> None:
        if kind in self._definitions:
            return
        self._definitions[kind] = Definition(order, dict(marks or {}), dict(sums or {}))
        if self._call(lambda: self.client.sadd(self.keys.indexed, kind)):
            for record_key in cast(List[bytes], self._call(lambda: self.client.zrange(self.keys.all(kind), 0, -1))):
                key = record_key.decode("utf-8")
                self.compute(kind, key, lambda current: REMOVE if current is None else _copy(current))

    # --- GroupedStore ---------------------------------------------------------------------------------

    def define_groups(self, kind: str, name: str, group: Callable[[Any], Optional[str]],
                      part: Callable[[Any], Tuple[int, ...]]) -> None:
        """Per-group totals in one hash per total (``<group> NUL <index>`` and ``<group> NUL n``, the count),
        moved by every commit with the records. Every process must define them before it writes (the runtime
        does at start); the first process to define them on this Redis counts the records already there."""
        if name in self._groups.get(kind, {}):
            return
        self._groups.setdefault(kind, {})[name] = (group, part)
        if self._call(lambda: self.client.sadd(self.keys.indexed, f"{kind}\x00{name}")):
            for record_key in cast(List[bytes], self._call(lambda: self.client.zrange(self.keys.all(kind), 0, -1))):
                key = record_key.decode("utf-8")
                self.compute(kind, key, lambda current: REMOVE if current is None else _copy(current))

    # --- IndexedStore ---------------------------------------------------------------------------------

    def define_index(self, kind: str, name: str, value: Callable[[Any], Optional[str]]) -> None:
        """One sorted set per value (``<kind>/x/<name>/<value>``), moved by every commit with the records. Every
        process must define it before it writes (the runtime does at start); the first process to define it on
        this Redis files the records already there."""
        if name in self._indexes.get(kind, {}):
            return
        self._indexes.setdefault(kind, {})[name] = value
        if not self._call(lambda: self.client.sadd(self.keys.indexed, f"{kind}#{name}")):
            return  # another process filed what was there; every process files its own writes from now on
        # filed in creation order: each record's score in the kind's own index
        scores = dict(cast(List[Tuple[bytes, float]],
                           self._call(lambda: self.client.zrange(self.keys.all(kind), 0, -1, withscores=True))))
        keys, blobs = self._call(lambda: self.scripts.range(self.keys.all(kind), self.keys.record_prefix(kind)))
        with self.client.pipeline(transaction=False) as pipe:
            for key, blob in zip(keys, blobs):
                stored = unpack_record(blob)
                filed = value(stored[1]) if stored is not None else None
                if filed is not None:
                    member = key.decode("utf-8") if isinstance(key, bytes) else key
                    pipe.zadd(self.keys.filed(kind, name, filed), {member: scores.get(member.encode(), 0)})
            self._call(pipe.execute)

    def find(self, kind: str, name: str, value: str) -> List[Any]:
        filed = self._indexes[kind][name]
        if getattr(self._local, "txn", None) is not None:  # inside a compute: its own writes show (a scan)
            return [record for record in self.list(kind) if filed(record) == value]
        keys, blobs = self._call(lambda: self.scripts.range(self.keys.filed(kind, name, value),
                                                            self.keys.record_prefix(kind)))
        # checked again: a record filed while another process was filing what was there may be stale
        found = (unpack_record(blob) for blob in blobs)
        return [stored[1] for stored in found if stored is not None and filed(stored[1]) == value]

    def group_totals(self, kind: str, name: str) -> Dict[str, Tuple[int, ...]]:
        found = cast(Dict[bytes, bytes], self._cached(kind, ("g", kind, name),
                                                      lambda: self.client.hgetall(self.keys.group(kind, name))))
        parts: Dict[str, Dict[str, int]] = {}
        for field, amount in found.items():
            group, _, at = field.decode("utf-8").rpartition("\x00")
            parts.setdefault(group, {})[at] = int(amount)
        return {group: tuple(values[str(at)] for at in range(len(values) - 1))
                for group, values in parts.items() if values.get("n")}

    def walk(self, kind: str, project: Optional[str] = None, *, after: Optional[Tuple[Any, ...]] = None,
             descending: bool = True) -> Iterator[Any]:
        from .redis_index import sortable

        zset = self.keys.order(kind, project)
        bound: Optional[bytes] = None if after is None else sortable(after) + (b"" if descending else b"\xff")
        while True:
            members, blobs = self._cached(kind, ("w", kind, project, bound, descending),
                                          lambda: self.scripts.walk(zset, self.keys.record_prefix(kind), bound,
                                                                    descending, WALK_CHUNK))
            if not members:
                return
            for blob in blobs:
                record = unpack_record(blob)
                if record is not None:
                    yield record[1]
            bound = members[-1]

    def marked(self, kind: str, mark: str) -> List[str]:
        found = cast(List[bytes], self._cached(kind, ("m", kind, mark),
                                               lambda: self.client.zrange(self.keys.mark(kind, mark), 0, -1)))
        return [key.decode("utf-8") for key in found]

    def total(self, kind: str, name: str, project: Optional[str] = None) -> Tuple[int, ...]:
        found = self._cached(kind, ("t", kind, name, project),
                             lambda: self.client.hgetall(self.keys.total(kind, name, project)))
        return tuple(int(found[str(at).encode()]) for at in range(len(found)))

    def ping(self) -> bool:
        """Whether Redis answers now."""
        try:
            return bool(self.client.ping())
        except RedisError:
            return False


def _copy(value: Any) -> Any:
    """The same value as a new object, so a compute writes it back (and indexes it)."""
    return codec.decode(codec.encode(value))


__all__ = ["RedisStore", "key_of"]
