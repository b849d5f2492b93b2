"""The narrow interface through which all of fakenova's state passes.

Records are plain values produced by the domain codecs. The only way to change one record is
:meth:`Store.compute`, an atomic read-modify-write; :meth:`Store.atomically` groups several for checks that
span records (quota across a project's servers).
"""
from __future__ import annotations

from typing import (Any, Callable, ContextManager, Dict, Iterable, Iterator, List, Mapping, Optional, Protocol,
                    Tuple, runtime_checkable)


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

    def journal_clear(self) -> None:
        """Empty the journal (records stay)."""


@runtime_checkable
class OrderedStore(Protocol):
    """Optional capability: records of a kind kept in an order, walked from any position without a scan.

    A store that offers it (``MemoryStore`` does; check with ``isinstance(store, OrderedStore)``) maintains
    the index on every put and delete, so a list page costs the page, not the whole collection.
    """

    def define_order(self, kind: str, order: Callable[[Any], Tuple[Any, ...]],
                     marks: Optional[Mapping[str, Callable[[Any], bool]]] = None,
                     sums: Optional[Mapping[str, Callable[[Any], Tuple[int, ...]]]] = None) -> None:
        """Keep ``kind`` ordered by ``order(record) + (key,)``; each mark tracks the keys its predicate holds
        for, and each sum a running per-project total of what its function gives per record. Idempotent (the
        first definition wins); records already stored are indexed at once."""

    def walk(self, kind: str, project: Optional[str] = None, *, after: Optional[Tuple[Any, ...]] = None,
             descending: bool = True) -> Iterator[Any]:
        """Records of ``kind`` (of one project when given) in order, strictly beyond the position ``after``
        (an ``order(record) + (key,)`` tuple). Safe against concurrent writes: it resumes by position."""

    def marked(self, kind: str, mark: str) -> List[str]:
        """Keys of ``kind`` for which ``mark`` holds now, in the order they started to hold."""

    def total(self, kind: str, name: str, project: Optional[str] = None) -> Tuple[int, ...]:
        """The running total of sum ``name`` over one project's records (all projects' for None)."""
