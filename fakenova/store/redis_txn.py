"""One optimistic transaction of the Redis store: plain reads, buffered writes, one atomic commit script.

A ``compute`` (and every plain ``put``/``delete``, which is a compute that ignores the record) runs its
function against a :class:`Txn`: each record it reads is fetched with a plain ``GET`` (or, on a first
attempt inside a request, taken from the process's version-keyed cache) and its bytes remembered, and each
write (its own record, and those of the kinds it declared in ``touches``, nested computes included) is kept
here until the function returns. Then :meth:`Txn.commit` sends one script call (:data:`~.redis_scripts`
``COMMIT``) carrying the bytes every read saw and every write with the index changes it implies: Redis runs
it atomically, applying all of it only if no record read changed and no one else holds the store's lock, and
nothing otherwise, in which case the store runs the function again on fresh reads. Nothing is written
before that one call, so an error in the function, an undeclared write or a lost connection (before or
during the call) leaves Redis as it was: all of a transaction's records and indexes, or none.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from . import codec
from .base import REMOVE
from .redis_index import Definition, Meta

if TYPE_CHECKING:
    from .redis_keys import Keys

Stored = Tuple[Meta, Any]  # a record as read: its meta and value
#: reads one record's stored bytes (None when missing)
Reader = Callable[[str, str], Optional[bytes]]
#: runs the commit script on its arguments; answers (status, [kind, new version, ...])
Committer = Callable[[List[Any]], List[Any]]
#: GroupedStore definitions: kind -> total name -> (group of a record or None, its contribution)
Groups = Dict[str, Dict[str, Tuple[Callable[[Any], Optional[str]], Callable[[Any], Tuple[int, ...]]]]]
#: IndexedStore definitions: kind -> index name -> the value a record is filed under (None: in no set)
Indexes = Dict[str, Dict[str, Callable[[Any], Optional[str]]]]


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
    found = (Meta.unpack(data[:4], data[5] if len(data) > 5 else None), data[4])
    with _DECODED_LOCK:
        _DECODED[blob] = found
        if len(_DECODED) > DECODED_MAX:
            _DECODED.popitem(last=False)
    return found


def pack_record(meta: Meta, value: Any) -> bytes:
    """The stored bytes: meta, value, then the group contributions when there are any (so records of kinds
    without groups keep the layout they always had)."""
    return codec.encode([*meta.pack(), value, meta.pack_groups()] if meta.groups else [*meta.pack(), value])


class LockHeld(Exception):
    """Another holder has the store's lock: wait for it and run the transaction again."""


class Conflict(Exception):
    """A record the transaction read changed before it committed: run it again on fresh reads."""


#: the commit script's answers
COMMITTED, CHANGED, LOCKED = 0, 1, 2


class Ops:
    """The write commands of one commit, as the commit script's arguments (op code, then its operands)."""

    def __init__(self) -> None:
        self.args: List[Any] = []

    def set(self, key: str, value: bytes) -> None:
        self.args += ["S", key, value]

    def delete(self, key: str) -> None:
        self.args += ["D", key]

    def next_seq(self) -> None:
        """Draw a fresh sequence number; ``zadd`` with ``seq=True`` scores by it."""
        self.args.append("N")

    def zadd(self, key: str, member: Any, score: float = 0, *, seq: bool = False) -> None:
        self.args += ["Z", key, member, "*" if seq else score]

    def zrem(self, key: str, member: Any) -> None:
        self.args += ["R", key, member]

    def sadd(self, key: str, member: str) -> None:
        self.args += ["A", key, member]

    def hincrby(self, key: str, field: str, amount: int) -> None:
        self.args += ["H", key, field, amount]

    def bump(self, kind: str) -> None:
        """Advance ``kind``'s version (what per-process caches are keyed by)."""
        self.args += ["V", kind]


class Txn:
    """Reads and buffered writes of one attempt at a transaction."""

    def __init__(self, reader: Reader, keys: Keys, definitions: Dict[str, Definition],
                 lock_token: Optional[bytes], groups: Optional[Groups] = None,
                 indexes: Optional[Indexes] = None) -> None:
        self.reader, self.keys, self.definitions, self.groups = reader, keys, definitions, groups or {}
        self.indexes = indexes or {}
        self.lock_token = lock_token  # ours when this thread holds the lock (atomically), else None
        self.frames: List[Tuple[str, str, frozenset]] = []
        self._read: Dict[Tuple[str, str], Optional[Stored]] = {}
        self._blobs: Dict[Tuple[str, str], Optional[bytes]] = {}
        self._writes: Dict[Tuple[str, str], Tuple[Any, Optional[str], bool]] = {}
        #: after commit: the bytes each record written now holds (None: deleted)
        self.written: Dict[Tuple[str, str], Optional[bytes]] = {}

    @property
    def writes(self) -> bool:
        """Whether anything was written."""
        return bool(self._writes)

    def read(self, kind: str, key: str) -> Optional[Stored]:
        """The record as this transaction sees it: its own write, else Redis's (checked again at commit)."""
        at = (kind, key)
        if at in self._writes:
            value, project, keep = self._writes[at]
            if value is REMOVE:
                return None
            before = self.stored(kind, key)
            return Meta(before[0].project if keep and before else project), value
        return self.stored(kind, key)

    def assume(self, kind: str, key: str, blob: Optional[bytes]) -> None:
        """Take ``blob`` (None: missing) as what the record holds, in place of a read: the commit checks it as
        it checks a read, so a wrong guess costs a retry (which reads), never a wrong index."""
        self._blobs[(kind, key)] = blob
        self._read[(kind, key)] = unpack_record(blob)

    def stored(self, kind: str, key: str) -> Optional[Stored]:
        """The record in Redis when this transaction first looked."""
        at = (kind, key)
        if at not in self._read:
            blob = self._blobs[at] = self.reader(kind, key)
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
        self.stored(kind, key)  # check it at commit, and know what the indexes hold for it
        self._writes[(kind, key)] = (value, project, keep_project)

    def commit(self, run: Committer) -> Dict[str, int]:
        """Apply every buffered write and its index changes in one script call, if nothing read changed.

        :returns: the new version of each kind written.
        :raises Conflict: a record read changed meanwhile (nothing was written).
        :raises LockHeld: another holder has the store's lock (nothing was written).
        """
        ops = Ops()
        for kind in sorted({kind for kind, _ in self._writes}):
            ops.bump(kind)
        for (kind, key), (value, project, keep) in self._writes.items():
            before = self._read[(kind, key)]
            if value is REMOVE:
                if before is not None:
                    self._apply(ops, kind, key, before, None, None)
                continue
            if project is None and keep and before is not None:
                project = before[0].project
            definition = self.definitions.get(kind)
            meta = Meta(project) if definition is None else Meta(project, *definition.meta(key, value))
            if kind in self.groups:
                meta = replace(meta, groups=_grouped(self.groups[kind], value))
            self._apply(ops, kind, key, before, meta, value)
        checks: List[Any] = []
        for (kind, key), blob in self._blobs.items():
            checks += [self.keys.record(kind, key), b"" if blob is None else blob]
        status, versions = run([self.keys.lock, self.lock_token or b"", self.keys.seq, self.keys.versions,
                                len(self._blobs), *checks, *ops.args])
        if status == LOCKED:
            raise LockHeld()
        if status == CHANGED:
            raise Conflict()
        return {versions[at].decode("utf-8"): int(versions[at + 1]) for at in range(0, len(versions), 2)}

    def _apply(self, ops: Ops, kind: str, key: str, before: Optional[Stored], meta: Optional[Meta],
               value: Any) -> None:
        """Queue one write's commands (a fresh sequence number first where the record is new somewhere)."""
        keys = self.keys
        old = before[0] if before is not None else None
        if meta is not None and (old is None or old.project != meta.project or set(meta.marks) - set(old.marks)):
            ops.next_seq()
        if meta is None:
            ops.delete(keys.record(kind, key))
            ops.zrem(keys.all(kind), key)
            self.written[(kind, key)] = None
        else:
            blob = self.written[(kind, key)] = pack_record(meta, value)
            ops.set(keys.record(kind, key), blob)
            if old is None:
                ops.zadd(keys.all(kind), key, seq=True)
        project = meta.project if meta is not None else None
        if old is not None and old.project is not None and (meta is None or old.project != project):
            ops.zrem(keys.project(kind, old.project), key)
        if meta is not None and project is not None and (old is None or old.project != project):
            ops.zadd(keys.project(kind, project), key, seq=True)
            ops.sadd(keys.projects(kind), project)
        self._index(ops, kind, key, old, meta)
        self._file(ops, kind, key, before[1] if before is not None else None, value if meta is not None else None)

    def _file(self, ops: Ops, kind: str, key: str, old: Any, new: Any) -> None:
        """Move the record between the value indexes of its kind (IndexedStore) when its filed value changes."""
        for name, filed in self.indexes.get(kind, {}).items():
            before = filed(old) if old is not None else None
            after = filed(new) if new is not None else None
            if before == after:
                continue
            if before is not None:
                ops.zrem(self.keys.filed(kind, name, before), key)
            if after is not None:
                ops.next_seq()  # filed last among this record's moves, so the fresh number scores only this one
                ops.zadd(self.keys.filed(kind, name, after), key, seq=True)

    def _index(self, ops: Ops, kind: str, key: str, old: Optional[Meta], new: Optional[Meta]) -> None:
        """Move the record's ordered-index entry, marks and sum contributions from ``old`` to ``new``."""
        keys = self.keys
        old_project = old.project if old else None
        new_project = new.project if new else None
        moved = old_project != new_project
        if old is not None and old.member is not None and (new is None or moved or old.member != new.member):
            for scope in _scopes(old_project):
                ops.zrem(keys.order(kind, scope), old.member)
        if new is not None and new.member is not None and (old is None or moved or old.member != new.member):
            for scope in _scopes(new_project):
                ops.zadd(keys.order(kind, scope), new.member)
        old_marks = set(old.marks) if old else set()
        new_marks = set(new.marks) if new else set()
        for name in old_marks - new_marks:
            ops.zrem(keys.mark(kind, name), key)
        for name in new_marks - old_marks:
            ops.zadd(keys.mark(kind, name), key, seq=True)
        self._group(ops, kind, old, new)
        old_sums = (old.sums or {}) if old else {}
        new_sums = (new.sums or {}) if new else {}
        for name in set(old_sums) | set(new_sums):
            before, after = old_sums.get(name), new_sums.get(name)
            if before == after and not moved:
                continue
            for parts, sign, owner in ((before, -1, old_project), (after, 1, new_project)):
                for scope in _scopes(owner) if parts is not None else ():
                    for at, amount in enumerate(parts or ()):
                        ops.hincrby(keys.total(kind, name, scope), str(at), sign * amount)


    def _group(self, ops: Ops, kind: str, old: Optional[Meta], new: Optional[Meta]) -> None:
        """Move the record's contributions to its kind's per-group totals (and each group's record count)."""
        old_groups = (old.groups or {}) if old else {}
        new_groups = (new.groups or {}) if new else {}
        for name in set(old_groups) | set(new_groups):
            before, after = old_groups.get(name), new_groups.get(name)
            if before == after:
                continue
            for entry, sign in ((before, -1), (after, 1)):
                if entry is not None:
                    group, parts = entry
                    ops.hincrby(self.keys.group(kind, name), f"{group}\x00n", sign)
                    for at, amount in enumerate(parts):
                        ops.hincrby(self.keys.group(kind, name), f"{group}\x00{at}", sign * amount)


def _grouped(definitions: Dict[str, Tuple[Callable[[Any], Optional[str]], Callable[[Any], Tuple[int, ...]]]],
             value: Any) -> Optional[Dict[str, Tuple[str, Tuple[int, ...]]]]:
    """What ``value`` counts in each per-group total of its kind (None: in none)."""
    found = {}
    for name, (group, part) in definitions.items():
        where = group(value)
        if where is not None:
            found[name] = (where, tuple(part(value)))
    return found or None


def _scopes(project: Optional[str]) -> Tuple[Optional[str], ...]:
    """The index scopes a record of ``project`` is in: everyone's, and its project's."""
    return (None, project) if project is not None else (None,)
