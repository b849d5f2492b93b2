"""An ordered index over one kind of record, and named marks: the in-memory half of the store's optional
ordered-index capability (:class:`~fakenova.store.base.OrderedStore`).

Entries are ``order(record) + (key,)`` tuples kept sorted in plain lists (one per project and one global), so
an insert at the newest end is an append and a walk from any position is a bisect plus a slice. A *mark* is
a named predicate over records; the index keeps the keys for which it holds, in the order they started to
hold, so "every server with an action under way" costs its own size to enumerate, not the store's.
Not thread-safe by itself: the owning store calls it under its lock.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

Entry = Tuple[Any, ...]
Order = Callable[[Any], Tuple[Any, ...]]
Mark = Callable[[Any], bool]
#: a record's contribution to a running total, e.g. (instances, cores, ram) of a live server
Sum = Callable[[Any], Tuple[int, ...]]


class OrderedIndex:
    """Sorted entries per project (``None`` = every project) and marked keys, for one kind.

    Nothing is remembered per key beyond the sorted entries and the marks: the owning store passes the record
    a put replaced (and its project), and its entry and contribution to the totals are computed again from
    it. Records are immutable values, so that gives what was indexed, and saves two dict slots and a tuple per
    record (about 140 bytes a server).
    """

    def __init__(self, order: Order, marks: Optional[Mapping[str, Mark]] = None,
                 sums: Optional[Mapping[str, Sum]] = None) -> None:
        self.order = order
        self.marks: Dict[str, Mark] = dict(marks or {})
        self.sums: Dict[str, Sum] = dict(sums or {})
        self._lists: Dict[Optional[str], List[Entry]] = {None: []}
        self._marked: Dict[str, Dict[str, None]] = {name: {} for name in self.marks}
        self._totals: Dict[str, Dict[Optional[str], List[int]]] = {name: {} for name in self.sums}

    def entry(self, key: str, value: Any) -> Entry:
        """Where ``value`` (stored under ``key``) sits in the order."""
        return (*self.order(value), key)

    def add(self, key: str, value: Any, project: Optional[str], previous: Any = None,
            previous_project: Optional[str] = None) -> None:
        """Index a record that was just put.

        :param previous: the record it replaced under ``key`` (None for a new key), filed under
            ``previous_project``.
        """
        entry = self.entry(key, value)
        if previous is None:
            self._list(entry, project)
        else:
            before = self.entry(key, previous)
            if before != entry or previous_project != project:
                self._unlist(before, previous_project)
                self._list(entry, project)
        for name, holds in self.marks.items():
            marked = self._marked[name]
            if holds(value):
                marked.setdefault(key, None)
            else:
                marked.pop(key, None)
        for name, part in self.sums.items():
            self._count(name, previous_project, part(previous) if previous is not None else None, project,
                        part(value))

    def _count(self, name: str, old_project: Optional[str], old: Optional[Tuple[int, ...]],
               project: Optional[str], part: Optional[Tuple[int, ...]]) -> None:
        """Move one record's contribution to the totals of its project and of everyone from ``old`` (under
        ``old_project``) to ``part`` (under ``project``); None is no contribution."""
        if old == part and old_project == project:
            return
        totals = self._totals[name]
        for parts, sign, owner in ((old, -1, old_project), (part, 1, project)):
            if parts is None:
                continue
            for scope in (None, owner) if owner is not None else (None,):
                total = totals.setdefault(scope, [0] * len(parts))
                for at, amount in enumerate(parts):
                    total[at] += sign * amount

    def remove(self, key: str, previous: Any, previous_project: Optional[str]) -> None:
        """Forget a record that was just deleted: ``previous``, filed under ``previous_project``."""
        self._unlist(self.entry(key, previous), previous_project)
        for marked in self._marked.values():
            marked.pop(key, None)
        for name, part in self.sums.items():
            self._count(name, previous_project, part(previous), None, None)

    def _list(self, entry: Entry, project: Optional[str]) -> None:
        for scope in (None, project) if project is not None else (None,):
            insort(self._lists.setdefault(scope, []), entry)

    def _unlist(self, entry: Entry, project: Optional[str]) -> None:
        for scope in (None, project) if project is not None else (None,):
            entries = self._lists.get(scope, [])
            at = bisect_left(entries, entry)
            if at < len(entries) and entries[at] == entry:
                del entries[at]

    def clear(self) -> None:
        """Forget every entry and mark, keeping the definitions."""
        self._lists = {None: []}
        self._marked = {name: {} for name in self.marks}
        self._totals = {name: {} for name in self.sums}

    def chunk(self, project: Optional[str], after: Optional[Entry], descending: bool, size: int) -> List[Entry]:
        """Up to ``size`` entries strictly beyond ``after`` (from the start when None), in walk order."""
        entries = self._lists.get(project, [])
        if descending:
            end = len(entries) if after is None else bisect_left(entries, after)
            return entries[max(0, end - size):end][::-1]
        start = 0 if after is None else bisect_right(entries, after)
        return entries[start:start + size]

    def marked(self, name: str) -> List[str]:
        """Keys for which mark ``name`` holds, oldest first."""
        return list(self._marked[name])

    def total(self, name: str, project: Optional[str]) -> Tuple[int, ...]:
        """The running total of sum ``name`` over a project's records (everyone's for None); () when none."""
        return tuple(self._totals[name].get(project, ()))

    def count(self, name: str) -> int:
        """How many keys mark ``name`` holds for."""
        return len(self._marked[name])


class GroupedSum:
    """Running totals of ``part(record)`` per ``group(record)``, for one kind (the in-memory half of
    :class:`~fakenova.store.base.GroupedStore`); with a count of records per group, so an emptied group is
    forgotten. Not thread-safe by itself: the owning store calls it under its lock."""

    def __init__(self, group: Callable[[Any], Optional[str]], part: Sum) -> None:
        self.group = group
        self.part = part
        self._totals: Dict[str, List[int]] = {}
        self._counts: Dict[str, int] = {}

    def move(self, previous: Any, value: Any) -> None:
        """Count ``value`` instead of ``previous`` (either None for nothing)."""
        for record, sign in ((previous, -1), (value, 1)):
            if record is None:
                continue
            name = self.group(record)
            if name is None:
                continue
            parts = self.part(record)
            total = self._totals.setdefault(name, [0] * len(parts))
            for at, amount in enumerate(parts):
                total[at] += sign * amount
            self._counts[name] = self._counts.get(name, 0) + sign
            if not self._counts[name]:
                del self._counts[name], self._totals[name]

    def clear(self) -> None:
        """Forget every total, keeping the definition."""
        self._totals.clear()
        self._counts.clear()

    def totals(self) -> Dict[str, Tuple[int, ...]]:
        """Group -> its total."""
        return {name: tuple(total) for name, total in self._totals.items()}


class ValueIndex:
    """The keys of one kind filed by ``value(record)``, each value's keys in the order they were filed (the
    in-memory half of :class:`~fakenova.store.base.IndexedStore`). Not thread-safe by itself: the owning
    store calls it under its lock."""

    def __init__(self, value: Callable[[Any], Optional[str]]) -> None:
        self.value = value
        self._keys: Dict[str, Dict[str, None]] = {}

    def move(self, key: str, previous: Any, record: Any) -> None:
        """File ``key`` under ``record``'s value instead of ``previous``'s (either None for nothing)."""
        old = self.value(previous) if previous is not None else None
        new = self.value(record) if record is not None else None
        if old == new:
            return
        if old is not None:
            filed = self._keys.get(old, {})
            filed.pop(key, None)
            if not filed:
                self._keys.pop(old, None)
        if new is not None:
            self._keys.setdefault(new, {})[key] = None

    def keys(self, value: str) -> List[str]:
        """The keys filed under ``value``, oldest first."""
        return list(self._keys.get(value, ()))

    def clear(self) -> None:
        """Forget every key, keeping the definition."""
        self._keys.clear()
