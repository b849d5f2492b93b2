"""One optimistic Redis transaction of the Redis store: reads under WATCH, buffered writes, one MULTI/EXEC.

A ``compute`` (and every plain ``put``/``delete``, which is a compute that ignores the record) runs its
function against a :class:`Txn`: each record it reads is WATCHed first, together with the store's lock key,
and each write (its own record, and those of the kinds it declared in ``touches``, nested computes
included) is kept here until the function returns. Then :meth:`Txn.commit` sends every write and the index
changes it implies in one MULTI/EXEC; if a watched key changed meanwhile, EXEC fails and the store runs the
function again on fresh reads. Nothing is written before EXEC, so an error in the function, an undeclared
write or a lost connection leaves Redis as it was.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple, cast

from redis.exceptions import WatchError

from . import codec
from .base import REMOVE
from .redis_index import Definition, Meta

if TYPE_CHECKING:
    from redis.client import Pipeline

    from .redis_store import Keys

Stored = Tuple[Meta, Any]  # a record as read: its meta and value
#: one value-index move: (sorted set left, sorted set joined, key, its sequence number in the one joined)
Filing = Tuple[Optional[str], Optional[str], str, int]


#: stored bytes -> what they decoded to, for the most recently read records of this process. Equal bytes are
#: the same record version, so a reader gets the very object it got before: caches keyed by record identity
#: (the server render cache) stay valid across processes, and a record read again is not decoded again.
_DECODED: "OrderedDict[bytes, Stored]" = OrderedDict()
DECODED_MAX = 8192
_DECODED_LOCK = threading.Lock()


def unpack_record(blob: Optional[bytes]) -> Optional[Stored]:
    """(meta, value) of a stored blob, None for a missing record."""
    if blob is None:
        return None
    found = _DECODED.get(blob)
    if found is not None:
        return found
    data = codec.decode(blob)
    found = (Meta.unpack(data[:4]), data[4])
    with _DECODED_LOCK:
        _DECODED[blob] = found
        if len(_DECODED) > DECODED_MAX:
            _DECODED.popitem(last=False)
    return found


def pack_record(meta: Meta, value: Any) -> bytes:
    return codec.encode([*meta.pack(), value])


class LockHeld(Exception):
    """Another holder has the store's lock: wait for it and run the transaction again."""


class Txn:
    """Reads and buffered writes of one attempt at a transaction."""

    def __init__(self, pipe: Pipeline, keys: Keys, definitions: Dict[str, Definition],
                 lock_token: Optional[bytes], *, watch: bool = True,
                 indexes: Optional[Mapping[str, Mapping[str, Callable[[Any], Optional[str]]]]] = None) -> None:
        """:param watch: WATCH each record as it is read; when False, reads are plain GETs and a transaction
            that writes must :meth:`confirm` its reads before :meth:`commit` (a compute that writes nothing,
            such as a read that settles nothing, then costs one round trip per record instead of three)."""
        self.pipe, self.keys, self.definitions = pipe, keys, definitions
        self.indexes = indexes or {}  # IndexedStore: kind -> index name -> the value a record is filed under
        self.lock_token = lock_token  # ours when this thread holds the lock (atomically), else None
        self.frames: List[Tuple[str, str, frozenset]] = []
        self._read: Dict[Tuple[str, str], Optional[Stored]] = {}
        self._blobs: Dict[Tuple[str, str], Optional[bytes]] = {}
        self._writes: Dict[Tuple[str, str], Tuple[Any, Optional[str], bool]] = {}
        self._watch = watch
        self._watched_lock = False

    @property
    def writes(self) -> bool:
        """Whether anything was written."""
        return bool(self._writes)

    def confirm(self) -> None:
        """WATCH every record read unwatched and check none changed since (WatchError if one did)."""
        keys = [self.keys.record(kind, key) for kind, key in self._blobs]
        self.pipe.watch(*keys, self.keys.lock)
        *blobs, holder = cast(List[Optional[bytes]], self.pipe.mget(*keys, self.keys.lock))
        if holder is not None and holder != self.lock_token:
            raise LockHeld()
        if list(self._blobs.values()) != blobs:
            raise WatchError("a record read changed before the write")
        self._watch = self._watched_lock = True

    def read(self, kind: str, key: str) -> Optional[Stored]:
        """The record as this transaction sees it: its own write, else Redis's (WATCHed from now on)."""
        at = (kind, key)
        if at in self._writes:
            value, project, keep = self._writes[at]
            if value is REMOVE:
                return None
            before = self.stored(kind, key)
            return Meta(before[0].project if keep and before else project), value
        return self.stored(kind, key)

    def stored(self, kind: str, key: str) -> Optional[Stored]:
        """The record in Redis when this transaction first looked (WATCHed)."""
        at = (kind, key)
        if at not in self._read:
            record_key = self.keys.record(kind, key)
            if not self._watch:
                blob = self._blobs[at] = cast(Optional[bytes], self.pipe.immediate_execute_command("GET", record_key))
            elif self._watched_lock:
                self.pipe.watch(record_key)
                blob = cast(Optional[bytes], self.pipe.get(record_key))
            else:
                self.pipe.watch(record_key, self.keys.lock)
                blob, holder = cast(List[Optional[bytes]], self.pipe.mget(record_key, self.keys.lock))
                if holder is not None and holder != self.lock_token:
                    raise LockHeld()
                self._watched_lock = True
            self._read[at] = unpack_record(blob)
        return self._read[at]

    def overlay(self, kind: str, project: Optional[str], listed: List[Tuple[str, Optional[Stored]]]) -> List[Any]:
        """A listing of ``kind`` as this transaction sees it: Redis's (``listed``, in order) with its own
        writes applied (a record it added comes last, as a new record does)."""
        pending = {key for written_kind, key in self._writes if written_kind == kind}
        if not pending:
            return [stored[1] for _, stored in listed if stored is not None]
        found = []
        for key, stored in listed:
            if key in pending:
                pending.discard(key)
                stored = self.read(kind, key)
                if stored is None or (project is not None and stored[0].project != project):
                    continue
            if stored is not None:
                found.append(stored[1])
        for key in (key for written_kind, key in self._writes if written_kind == kind and key in pending):
            stored = self.read(kind, key)
            if stored is not None and (project is None or stored[0].project == project):
                found.append(stored[1])
        return found

    def write(self, kind: str, key: str, value: Any, project: Optional[str], keep_project: bool) -> None:
        """Buffer a write (``REMOVE`` deletes); ``keep_project`` files it where it was when ``project`` is None."""
        self.stored(kind, key)  # WATCH it, and know what the indexes hold for it
        self._writes[(kind, key)] = (value, project, keep_project)

    def commit(self, next_seq: Any) -> None:
        """Send every buffered write and its index changes in one MULTI/EXEC (WatchError if raced).

        :param next_seq: gives a fresh sequence number (insertion order of new records and new marks).
        """
        pipe = self.pipe
        writes: List[Tuple[str, str, Optional[Stored], Optional[Meta], Any]] = []
        for (kind, key), (value, project, keep) in self._writes.items():
            before = self._read[(kind, key)]
            if value is REMOVE:
                if before is not None:
                    writes.append((kind, key, before, None, None))
                continue
            if project is None and keep and before is not None:
                project = before[0].project
            definition = self.definitions.get(kind)
            meta = Meta(project) if definition is None else Meta(project, *definition.meta(key, value))
            writes.append((kind, key, before, meta, value))
        seqs = {}
        for kind, key, old, new, _ in writes:  # sequence numbers first: they are read outside MULTI
            if new is not None and (old is None or old[0].project != new.project
                                    or set(new.marks) - set(old[0].marks)):
                seqs[(kind, key)] = next_seq()
        filings = self._filings(writes, seqs, next_seq)
        pipe.multi()
        for kind, key, old, new, value in writes:
            self._apply(kind, key, old, new, value, seqs.get((kind, key), 0))
        for removed, added, key, seq in filings:
            if removed is not None:
                pipe.zrem(removed, key)
            if added is not None:
                pipe.zadd(added, {key: seq})
        pipe.execute()

    def _filings(self, writes: List[Tuple[str, str, Optional[Stored], Optional[Meta], Any]],
                 seqs: Dict[Tuple[str, str], int], next_seq: Any) -> List[Filing]:
        """The value-index moves of ``writes`` (IndexedStore); sequence numbers are taken now, outside MULTI."""
        moves: List[Filing] = []
        for kind, key, old, new, value in writes:
            for name, filed in self.indexes.get(kind, {}).items():
                before = filed(old[1]) if old is not None else None
                after = filed(value) if new is not None else None
                if before == after:
                    continue
                seq = seqs.get((kind, key)) or next_seq() if after is not None else 0
                moves.append((None if before is None else self.keys.filed(kind, name, before),
                              None if after is None else self.keys.filed(kind, name, after), key, seq))
        return moves

    def _apply(self, kind: str, key: str, before: Optional[Stored], meta: Optional[Meta], value: Any,
               seq: int) -> None:
        """Queue one write's commands (``seq``: its sequence number, where it is new somewhere)."""
        pipe, keys = self.pipe, self.keys
        old = before[0] if before is not None else None
        if meta is None:
            pipe.delete(keys.record(kind, key))
            pipe.zrem(keys.all(kind), key)
        else:
            pipe.set(keys.record(kind, key), pack_record(meta, value))
            if old is None:
                pipe.zadd(keys.all(kind), {key: seq})
        project = meta.project if meta is not None else None
        if old is not None and old.project is not None and (meta is None or old.project != project):
            pipe.zrem(keys.project(kind, old.project), key)
        if meta is not None and project is not None and (old is None or old.project != project):
            pipe.zadd(keys.project(kind, project), {key: seq})
            pipe.sadd(keys.projects(kind), project)
        self._index(kind, key, old, meta, seq)

    def _index(self, kind: str, key: str, old: Optional[Meta], new: Optional[Meta], seq: int) -> None:
        """Move the record's ordered-index entry, marks and sum contributions from ``old`` to ``new``."""
        pipe, keys = self.pipe, self.keys
        old_project = old.project if old else None
        new_project = new.project if new else None
        moved = old_project != new_project
        if old is not None and old.member is not None and (new is None or moved or old.member != new.member):
            for scope in _scopes(old_project):
                pipe.zrem(keys.order(kind, scope), old.member)
        if new is not None and new.member is not None and (old is None or moved or old.member != new.member):
            for scope in _scopes(new_project):
                pipe.zadd(keys.order(kind, scope), {new.member: 0})
        old_marks = set(old.marks) if old else set()
        new_marks = set(new.marks) if new else set()
        for name in old_marks - new_marks:
            pipe.zrem(keys.mark(kind, name), key)
        for name in new_marks - old_marks:
            pipe.zadd(keys.mark(kind, name), {key: seq})
        old_sums = (old.sums or {}) if old else {}
        new_sums = (new.sums or {}) if new else {}
        for name in set(old_sums) | set(new_sums):
            before, after = old_sums.get(name), new_sums.get(name)
            if before == after and not moved:
                continue
            for parts, sign, owner in ((before, -1, old_project), (after, 1, new_project)):
                for scope in _scopes(owner) if parts is not None else ():
                    for at, amount in enumerate(parts or ()):
                        pipe.hincrby(keys.total(kind, name, scope), str(at), sign * amount)


def _scopes(project: Optional[str]) -> Tuple[Optional[str], ...]:
    """The index scopes a record of ``project`` is in: everyone's, and its project's."""
    return (None, project) if project is not None else (None,)
