"""Stores: where fakenova keeps its state. ``open_store(url)`` picks the implementation."""
from __future__ import annotations

from .base import REMOVE, Store, UndeclaredWrite
from .memory import JOURNAL_LIMIT, MemoryStore


def open_store(url: str = "memory://", *, journal_limit: int = JOURNAL_LIMIT) -> Store:
    """Open the store named by ``url``; only ``memory://`` exists today.

    :param url: ``memory://``.
    :param journal_limit: how many request-journal entries the store keeps (the oldest go first).
    """
    if url in ("memory://", "memory"):
        return MemoryStore(journal_limit)
    raise ValueError(f"unsupported store URL {url!r}: only memory:// is available")


__all__ = ["JOURNAL_LIMIT", "REMOVE", "MemoryStore", "Store", "UndeclaredWrite", "open_store"]
