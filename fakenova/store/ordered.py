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


class OrderedIndex:
    """Sorted entries per project (``None`` = every project) and marked keys, for one kind."""

    def __init__(self, order: Order, marks: Optional[Mapping[str, Mark]] = None) -> None:
        self.order = order
        self.marks: Dict[str, Mark] = dict(marks or {})
        self._entries: Dict[str, Tuple[Entry, Optional[str]]] = {}  # key -> (entry, project)
        self._lists: Dict[Optional[str], List[Entry]] = {None: []}
        self._marked: Dict[str, Dict[str, None]] = {name: {} for name in self.marks}

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

    def remove(self, key: str) -> None:
        """Forget a record that was just deleted."""
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._unlist(previous)
        for marked in self._marked.values():
            marked.pop(key, None)

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

    def count(self, name: str) -> int:
        """How many keys mark ``name`` holds for."""
        return len(self._marked[name])
