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
    """Sorted entries per project (``None`` = every project) and marked keys, for one kind."""

    def __init__(self, order: Order, marks: Optional[Mapping[str, Mark]] = None,
                 sums: Optional[Mapping[str, Sum]] = None) -> None:
        self.order = order
        self.marks: Dict[str, Mark] = dict(marks or {})
        self.sums: Dict[str, Sum] = dict(sums or {})
        self._entries: Dict[str, Tuple[Entry, Optional[str]]] = {}  # key -> (entry, project)
        self._lists: Dict[Optional[str], List[Entry]] = {None: []}
        self._marked: Dict[str, Dict[str, None]] = {name: {} for name in self.marks}
        self._parts: Dict[str, Dict[str, Tuple[int, ...]]] = {name: {} for name in self.sums}  # key -> part
        self._totals: Dict[str, Dict[Optional[str], List[int]]] = {name: {} for name in self.sums}

    def entry(self, key: str, value: Any) -> Entry:
        """Where ``value`` (stored under ``key``) sits in the order."""
        return (*self.order(value), key)

    def add(self, key: str, value: Any, project: Optional[str]) -> None:
        """Index a record that was just put (replacing its previous entry, if any)."""
        entry = self.entry(key, value)
        previous = self._entries.get(key)
        if previous != (entry, project):
            if previous is not None:
                self._unlist(previous)
            self._entries[key] = (entry, project)
            for scope in (None, project) if project is not None else (None,):
                insort(self._lists.setdefault(scope, []), entry)
        for name, holds in self.marks.items():
            marked = self._marked[name]
            if holds(value):
                marked.setdefault(key, None)
            else:
                marked.pop(key, None)
        for name, part in self.sums.items():
            self._count(name, key, project, part(value))

    def _count(self, name: str, key: str, project: Optional[str], part: Optional[Tuple[int, ...]]) -> None:
        """Replace ``key``'s contribution to the totals of its project and of everyone."""
        parts = self._parts[name]
        old = parts.pop(key, None)
        if part is not None:
            parts[key] = part
        if old == part:
            return
        for scope in (None, project) if project is not None else (None,):
            total = self._totals[name].setdefault(scope, [0] * len(part or old or ()))
            for at, (before, after) in enumerate(zip(old or (0,) * len(total), part or (0,) * len(total))):
                total[at] += after - before

    def remove(self, key: str) -> None:
        """Forget a record that was just deleted."""
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._unlist(previous)
        for marked in self._marked.values():
            marked.pop(key, None)
        for name in self.sums:
            self._count(name, key, previous[1] if previous else None, None)

    def _unlist(self, previous: Tuple[Entry, Optional[str]]) -> None:
        entry, project = previous
        for scope in (None, project) if project is not None else (None,):
            entries = self._lists.get(scope, [])
            at = bisect_left(entries, entry)
            if at < len(entries) and entries[at] == entry:
                del entries[at]

    def clear(self) -> None:
        """Forget every entry and mark, keeping the definitions."""
        self._entries.clear()
        self._lists = {None: []}
        self._marked = {name: {} for name in self.marks}
        self._parts = {name: {} for name in self.sums}
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
