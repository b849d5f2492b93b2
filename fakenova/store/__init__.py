"""Stores: where fakenova keeps its state. ``open_store(url)`` picks the implementation."""
from __future__ import annotations

from .base import REMOVE, Store
from .memory import MemoryStore


def open_store(url: str = "memory://") -> Store:
    """Open the store named by ``url``; only ``memory://`` exists today.

    :param url: ``memory://``.
    """
    if url in ("memory://", "memory"):
        return MemoryStore()
    raise ValueError(f"unsupported store URL {url!r}: only memory:// is available")


__all__ = ["REMOVE", "MemoryStore", "Store", "open_store"]
