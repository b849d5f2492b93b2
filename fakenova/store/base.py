"""The narrow interface through which all of fakenova's state passes, and its optional capabilities.

The :class:`Store` protocol is defined in the domain (``fakenova.domain.ports``, the seam the use cases call)
and re-exported here for store implementations.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Protocol, Tuple, runtime_checkable

from ..domain.ports import Store


class _Remove:
    """Sentinel returned by a ``compute`` function to delete the record."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Any = _Remove()


class UndeclaredWrite(RuntimeError):
    """A ``compute`` function wrote a record it neither computes on nor declared in ``touches``."""


class StoreUnavailable(RuntimeError):
    """The store cannot answer now (its server unreachable, too slow, or too contended): the API answers 503
    with Retry-After, and serves again once the store does."""


class StoreBusy(StoreUnavailable):
    """The store answers, but its lock (or a record) stayed taken for longer than the bounded wait."""


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


@runtime_checkable
class GroupedStore(Protocol):
    """Optional capability: running totals of a kind's records per group (e.g. servers per host), kept on
    every put and delete, so "what each host's servers use" costs the hosts, not the servers.

    A store that lacks it (check with ``isinstance(store, GroupedStore)``) leaves callers to scan.
    """

    def define_groups(self, kind: str, name: str, group: Callable[[Any], Optional[str]],
                      part: Callable[[Any], Tuple[int, ...]]) -> None:
        """Keep total ``name`` of ``part(record)`` per ``group(record)`` (records whose group is None count
        nowhere). Idempotent (the first definition wins); records already stored are counted at once."""

    def group_totals(self, kind: str, name: str) -> Dict[str, Tuple[int, ...]]:
        """Group -> the running total of ``name`` over its records (groups with no records are absent)."""


@runtime_checkable
class IndexedStore(Protocol):
    """Optional capability: a kind's keys filed by one value of each record (ports by ``device_id``), kept
    on every put and delete, so "the records whose value is X" costs those records, not the kind.

    A store that lacks it (check with ``isinstance(store, IndexedStore)``) leaves callers to scan.
    """

    def define_index(self, kind: str, name: str, value: Callable[[Any], Optional[str]]) -> None:
        """File every record of ``kind`` under ``value(record)`` in index ``name`` (None: not filed).
        Idempotent (the first definition wins); records already stored are filed at once."""

    def find(self, kind: str, name: str, value: str) -> List[Any]:
        """The records filed under ``value`` in index ``name``, in the order they came to be filed there."""


__all__ = ["REMOVE", "GroupedStore", "IndexedStore", "OrderedStore", "Store", "StoreBusy", "StoreUnavailable",
           "UndeclaredWrite"]
