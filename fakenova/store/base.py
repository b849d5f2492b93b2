"""The narrow interface through which all of fakenova's state passes.

Records are plain values produced by the domain codecs. The only way to change one record is
:meth:`Store.compute`, an atomic read-modify-write; :meth:`Store.atomically` groups several for checks that
span records (quota across a project's servers).
"""
from __future__ import annotations

from typing import Any, Callable, ContextManager, Dict, Iterable, List, Optional, Protocol


class _Remove:
    """Sentinel returned by a ``compute`` function to delete the record."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Any = _Remove()


class Store(Protocol):
    """What every store implementation offers (see ``tests/store/test_contract.py``)."""

    def get(self, kind: str, key: str) -> Optional[Any]:
        """The record, or None."""

    def list(self, kind: str, project: Optional[str] = None) -> List[Any]:
        """All records of ``kind`` (of one project when given), in insertion order."""

    def put(self, kind: str, key: str, value: Any, project: Optional[str] = None) -> None:
        """Insert or replace a record; ``project`` files it under that project for :meth:`list`."""

    def delete(self, kind: str, key: str) -> bool:
        """Remove a record; True if it existed."""

    def compute(self, kind: str, key: str, fn: Callable[[Optional[Any]], Any],
                project: Optional[str] = None) -> Any:
        """Atomically replace the record with ``fn(current)``; ``REMOVE`` deletes it. Returns the result."""

    def atomically(self) -> ContextManager[None]:
        """Hold the store's lock across several operations."""

    def next_counter(self, name: str) -> int:
        """1, 2, 3, ... per name; reset by :meth:`clear`."""

    def clear(self, kinds: Optional[Iterable[str]] = None) -> None:
        """Forget every record (or only those of ``kinds``), counters and the journal."""

    def journal_append(self, entry: Dict[str, Any]) -> None:
        """Record one request in the journal (bounded)."""

    def journal(self) -> List[Dict[str, Any]]:
        """The journal, oldest first."""
