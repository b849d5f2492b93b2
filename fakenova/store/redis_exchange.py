"""What every request of a Redis-backed process says to Redis, group-committed: its snapshot and its journal entry.

A request starts by reading the versions hash (with its first record, the shared runtime record) and ends by
appending its journal entry, so each costs Redis two exchanges at least. Under concurrency a process has
several requests at each of those points at once: :class:`GroupCommit` sends everything waiting in one script
call while the previous call is in flight, as databases group their commits. Nothing waits on a timer (a
request alone goes out at once, so one client's latency is unchanged), and a request only joins a call not
yet sent, so its snapshot is never older than its arrival and its entry is in Redis before its answer leaves.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, TypeVar

from redis.exceptions import RedisError

from . import codec
from .base import StoreUnavailable
from .redis_cache import INCARNATION, Snapshot, new_incarnation

if TYPE_CHECKING:
    import redis

    from .redis_keys import Keys
    from .redis_scripts import Scripts

#: requests one call may carry (a script's arguments stay small)
BATCH_LIMIT = 64
T = TypeVar("T")


@dataclass(eq=False)
class Exchange:
    """One request's part of a call: a snapshot (with the record at ``record_key``), a journal entry, or both;
    filled in by the call."""

    snapshot: bool = False
    record_key: Optional[str] = None
    #: the journal entry and its capture, encoded
    entry: Optional[Tuple[bytes, bytes]] = None
    done: bool = False
    #: the versions the request reads under (shared: fork before moving them)
    taken: Optional[Snapshot] = None
    #: whether the record may be cached at ``taken`` (false when the hash had no incarnation when read)
    fresh: bool = False
    record: Optional[bytes] = None
    error: Optional[BaseException] = None


Send = Callable[[List[Exchange]], None]


class GroupCommit:
    """Runs exchanges through ``send`` a batch at a time: the oldest waiting request sends every request
    waiting behind it, the others wait for their batch to come back."""

    def __init__(self, send: Send, limit: int = BATCH_LIMIT) -> None:
        self._send, self._limit = send, limit
        self._queue: List[Exchange] = []
        self._turn = threading.Condition()

    @property
    def waiting(self) -> int:
        """Exchanges queued now, the call in flight's included."""
        with self._turn:
            return len(self._queue)

    def run(self, wish: Exchange) -> Exchange:
        with self._turn:
            self._queue.append(wish)
            while not wish.done and self._queue[0] is not wish:
                self._turn.wait()
            if wish.done:
                return wish
            batch = self._queue[:self._limit]
        try:
            self._send(batch)
        except BaseException as exc:  # every request of the batch answers for it (a 503, or a dropped entry)
            for each in batch:
                each.error = exc
        finally:
            with self._turn:
                for each in batch:
                    each.done = True
                del self._queue[:len(batch)]
                self._turn.notify_all()
        return wish


class RequestExchanges:
    """The Redis store's snapshots and journal through one :class:`GroupCommit` (a mixin of
    :class:`~fakenova.store.redis_store.RedisStore`, whose client, keys and scripts it uses)."""

    url: str
    client: "redis.Redis"
    keys: "Keys"
    scripts: "Scripts"
    journal_limit: int
    capture_limit: int
    _exchanges: GroupCommit
    #: the versions this process last read whole: a snapshot whose stamp check finds them unchanged shares them
    _last_snapshot: Optional[Snapshot] = None

    def _send_exchanges(self, batch: List[Exchange]) -> None:
        wanted = [each for each in batch if each.snapshot]
        base = self._last_snapshot
        record_keys = list(dict.fromkeys(each.record_key for each in wanted if each.record_key is not None))
        keys = self.keys
        found, records = self.scripts.exchange(
            keys.versions, base.known if base is not None else None, bool(wanted), record_keys,
            (keys.journal, keys.captures, self.journal_limit, self.capture_limit),
            [each.entry for each in batch if each.entry is not None])
        if not wanted:
            return
        if found is None and base is not None:  # no version moved since this process last looked
            taken, fresh = base, True
        else:
            taken, fresh = Snapshot(found or {}), INCARNATION in (found or {})
            if not taken.usable:  # an emptied Redis: name its new incarnation (the records may predate it)
                with self.client.pipeline(transaction=False) as pipe:
                    pipe.hsetnx(keys.versions, INCARNATION, new_incarnation())
                    pipe.hgetall(keys.versions)
                    taken = Snapshot(pipe.execute()[1])
            self._last_snapshot = taken
        by_key = dict(zip(record_keys, records))
        for each in wanted:
            each.taken, each.fresh = taken, fresh
            each.record = by_key.get(each.record_key) if each.record_key is not None else None

    def _take_snapshot(self, record_key: Optional[str]) -> Tuple[Snapshot, Optional[bytes], bool]:
        """(the versions for a request, to move as it writes; the record at ``record_key``; whether that
        record may be cached at them), in a call shared with the process's other requests."""
        wish = self._exchanges.run(Exchange(snapshot=True, record_key=record_key))
        if wish.error is not None:
            if isinstance(wish.error, RedisError):
                raise StoreUnavailable(f"redis at {self.url}: {wish.error}") from wish.error
            raise wish.error
        assert wish.taken is not None
        return wish.taken.fork(), wish.record, wish.fresh

    def journal_append(self, entry: Dict[str, Any]) -> None:
        """Keep ``entry``; its ``request`` and ``response`` go to the capture list, kept for the newest
        ``capture_limit`` entries only (as MemoryStore). An entry Redis cannot take now is dropped: the
        journal records the cloud's traffic, and must not turn the answer to a request into an error."""
        captured = [entry.pop("request"), entry.pop("response", None)] if "request" in entry else None
        wish = self._exchanges.run(Exchange(entry=(codec.encode(entry), codec.encode(captured))))
        if wish.error is not None and not isinstance(wish.error, RedisError):
            raise wish.error

    def _call(self, what: Callable[[], T]) -> T:
        """One Redis exchange, its errors as StoreUnavailable (the store's own)."""
        raise NotImplementedError

    def journal(self) -> List[Dict[str, Any]]:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.lrange(self.keys.journal, 0, -1)
            pipe.lrange(self.keys.captures, 0, -1)
            stored, captures = self._call(pipe.execute)
        entries = [codec.decode(blob) for blob in stored]
        captures = captures[max(0, len(captures) - len(entries)):]
        for entry, blob in zip(entries[len(entries) - len(captures):], captures):
            captured = codec.decode(blob)
            if captured is not None:
                entry.update(zip(("request", "response"), captured))
        return entries

    def journal_clear(self) -> None:
        self._call(lambda: self.client.delete(self.keys.journal, self.keys.captures))


__all__ = ["BATCH_LIMIT", "Exchange", "GroupCommit", "RequestExchanges"]
