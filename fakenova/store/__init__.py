"""Stores: where fakenova keeps its state. ``open_store(url)`` picks the implementation."""
from __future__ import annotations

from .base import REMOVE, Store, StoreUnavailable, UndeclaredWrite
from .memory import JOURNAL_LIMIT, MemoryStore

#: URL schemes of the Redis store (TCP, TLS, a unix socket)
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def open_store(url: str = "memory://", *, journal_limit: int = JOURNAL_LIMIT) -> Store:
    """Open the store named by ``url``.

    :param url: ``memory://`` (the default: this process's memory), or a Redis URL (``redis://host:port/db``,
        ``rediss://...``, ``unix:///path/redis.sock?db=0``) to share one cloud between processes.
    :param journal_limit: how many request-journal entries the store keeps (the oldest go first).
    """
    if url in ("memory://", "memory"):
        return MemoryStore(journal_limit)
    if url.startswith(REDIS_SCHEMES):
        try:
            from .redis_store import RedisStore
        except ImportError as exc:  # the optional dependency
            raise ValueError(f"store {url!r} needs the redis extra: pip install 'fakenova[redis]' ({exc})") from exc
        return RedisStore(url, journal_limit)
    raise ValueError(f"unsupported store URL {url!r}: use memory:// or redis://HOST:PORT/DB")


__all__ = ["JOURNAL_LIMIT", "REMOVE", "MemoryStore", "Store", "StoreUnavailable", "UndeclaredWrite", "open_store"]
