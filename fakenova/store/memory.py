"""MemoryStore: the in-process store, dicts guarded by one re-entrant lock.

``compute`` runs the caller's function under the lock, so a read-modify-write can never interleave with
another. The lock must not be what makes a function correct, though: in strict mode (the default) a write
from inside a ``compute`` function to a record it neither computes on nor declared in ``touches`` raises
:class:`~fakenova.store.base.UndeclaredWrite`, as a store without a re-entrant lock could not run it. The
project index keeps ``list(kind, project)`` proportional to that project's records. A function that raises
leaves nothing: every record the compute wrote (nested computes and declared kinds included) is put back,
so a failed compute is all or nothing here as it is on the shared store.

The request journal keeps the newest ``journal_limit`` entries, each stored as one tuple: its key tuple
(shared by every entry of that shape) and then its values, short strings interned. :meth:`journal` gives
them back as dicts. A dict per entry costs about three times as much, and the journal fills up under load.
An entry's captured ``request`` and ``response`` (headers and bodies, up to 32 KiB) are kept apart, for the
newest ``capture_limit`` entries only: a full journal then holds its metadata for 10 000 requests and the
headers and bodies of the newest 1 000, a few megabytes rather than tens.
"""
from __future__ import annotations

import sys
import threading
from collections import deque
from contextlib import contextmanager
from itertools import islice
from typing import Any, Callable, Collection, Deque, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from .base import REMOVE, UndeclaredWrite
from .ordered import GroupedSum, OrderedIndex, ValueIndex

#: entries copied per lock hold while walking an ordered index (a page of 100 usually takes one)
WALK_CHUNK = 128

#: default number of journal entries kept (the oldest go first)
JOURNAL_LIMIT = 10_000
#: default number of newest journal entries whose request and response headers and bodies are kept
CAPTURE_LIMIT = 1_000
#: the entry keys kept in the capture window rather than in the entry's tuple
_CAPTURED = ("request", "response")
#: distinct journal entry shapes (key tuples) shared at most; entries of further shapes keep their own keys
_SHAPES_MAX = 256
#: journal strings up to this length are interned (method, microversion, short queries: values that repeat);
#: longer ones (request ids, paths with ids) are mostly unique, and interning those would only cost
_INTERN_MAX = 16


class MemoryStore:
    """Dict-backed :class:`~fakenova.store.base.Store`."""

    def __init__(self, journal_limit: int = JOURNAL_LIMIT, *, strict: bool = True,
                 capture_limit: int = CAPTURE_LIMIT) -> None:
        """:param journal_limit: how many journal entries to keep (the oldest go first); at least 1.
        :param capture_limit: how many of the newest entries keep their ``request`` and ``response``.
        :param strict: raise :class:`UndeclaredWrite` when a ``compute`` function writes a kind it did not
            declare in ``touches`` (off only to measure the check's cost).
        """
        if journal_limit < 1:
            raise ValueError("journal_limit must be at least 1")
        self._lock = threading.RLock()
        self._strict = strict
        self._computing = threading.local()  # .frames: the (kind, key, touches) of the computes running
        self._records: Dict[str, Dict[str, Any]] = {}
        self._projects: Dict[str, Dict[str, str]] = {}  # kind -> key -> project
        self._by_project: Dict[str, Dict[str, Dict[str, None]]] = {}  # kind -> project -> ordered keys
        self._counters: Dict[str, int] = {}
        self._journal: Deque[Tuple[Any, ...]] = deque(maxlen=journal_limit)
        # appended with every entry, so its items are always those of the journal's newest len() entries
        self._captures: Deque[Optional[Tuple[Any, Any]]] = deque(maxlen=max(0, min(capture_limit, journal_limit)))
        self._shapes: Dict[Tuple[str, ...], Tuple[str, ...]] = {}
        self._orders: Dict[str, OrderedIndex] = {}  # kind -> ordered index (OrderedStore capability)
        self._groups: Dict[str, Dict[str, GroupedSum]] = {}  # kind -> name -> totals (GroupedStore capability)
        self._indexes: Dict[str, Dict[str, ValueIndex]] = {}  # kind -> name -> keys by value (IndexedStore)

    def get(self, kind: str, key: str) -> Optional[Any]:
        return self._records.get(kind, {}).get(key)

    def list(self, kind: str, project: Optional[str] = None) -> List[Any]:
        with self._lock:
            records = self._records.get(kind, {})
            if project is None:
                return list(records.values())
            keys = self._by_project.get(kind, {}).get(project, {})
            return [records[key] for key in keys]

    def put(self, kind: str, key: str, value: Any, project: Optional[str] = None) -> None:
        self._check_declared(kind, key)
        with self._lock:
            self._remember(kind, key)
            records = self._records.setdefault(kind, {})
            previous = records.get(key)
            previous_project = self._unindex(kind, key)
            records[key] = value
            if project is not None:
                self._projects.setdefault(kind, {})[key] = project
                self._by_project.setdefault(kind, {}).setdefault(project, {})[key] = None
            index = self._orders.get(kind)
            if index is not None:
                index.add(key, value, project, previous, previous_project)
            for grouped in self._groups.get(kind, {}).values():
                grouped.move(previous, value)
            for filed in self._indexes.get(kind, {}).values():
                filed.move(key, previous, value)

    def delete(self, kind: str, key: str) -> bool:
        self._check_declared(kind, key)
        with self._lock:
            self._remember(kind, key)
            previous = self._records.get(kind, {}).pop(key, None)
            previous_project = self._unindex(kind, key)
            if previous is not None and kind in self._orders:
                self._orders[kind].remove(key, previous, previous_project)
            for grouped in self._groups.get(kind, {}).values():
                grouped.move(previous, None)
            for filed in self._indexes.get(kind, {}).values():
                filed.move(key, previous, None)
            return previous is not None

    def _unindex(self, kind: str, key: str) -> Optional[str]:
        """Drop ``key`` from the project index; the project it was filed under, if any."""
        project = self._projects.get(kind, {}).pop(key, None)
        if project is not None:
            self._by_project[kind][project].pop(key, None)
        return project

    def compute(self, kind: str, key: str, fn: Callable[[Any], Any], project: Optional[str] = None,
                *, touches: Collection[str] = ()) -> Any:
        with self._lock:
            current = self.get(kind, key)
            outermost = getattr(self._computing, "undo", None) is None
            if outermost:
                self._computing.undo = []
            try:
                result = self._run(kind, key, touches, fn, current) if self._strict else fn(current)
            except BaseException:
                if outermost:
                    self._roll_back()
                raise
            finally:
                if outermost:
                    self._computing.undo = None
            if result is REMOVE:
                self.delete(kind, key)
            elif result is not current:
                if project is None:
                    project = self._projects.get(kind, {}).get(key)
                self.put(kind, key, result, project)
            return result

    def _remember(self, kind: str, key: str) -> None:
        """Inside a compute, note what ``(kind, key)`` held before its first write there, to put it back."""
        undo: Optional[List[Tuple[str, str, Any, Optional[str]]]] = getattr(self._computing, "undo", None)
        if undo is not None:
            undo.append((kind, key, self._records.get(kind, {}).get(key), self._projects.get(kind, {}).get(key)))

    def _roll_back(self) -> None:
        """A compute's function raised: every record it wrote (nested computes included) holds again what it
        held before, as the shared store commits none of a failed transaction's writes."""
        undo, self._computing.undo = self._computing.undo, None
        for kind, key, previous, project in reversed(undo):
            if previous is None:
                self.delete(kind, key)
            else:
                self.put(kind, key, previous, project)

    def _run(self, kind: str, key: str, touches: Collection[str], fn: Callable[[Optional[Any]], Any],
             current: Optional[Any]) -> Any:
        """``fn(current)`` with its declaration on this thread's stack, where writes are checked."""
        frames = self._frames()
        frames.append((kind, key, frozenset(touches)))
        try:
            return fn(current)
        finally:
            frames.pop()

    def _frames(self) -> List[Tuple[str, str, frozenset]]:
        frames: Optional[List[Tuple[str, str, frozenset]]] = getattr(self._computing, "frames", None)
        if frames is None:
            frames = self._computing.frames = []
        return frames

    def _check_declared(self, kind: str, key: str) -> None:
        """Every ``compute`` running on this thread must allow a write to ``(kind, key)``."""
        for outer_kind, outer_key, touches in getattr(self._computing, "frames", ()):
            if kind not in touches and (kind, key) != (outer_kind, outer_key):
                raise UndeclaredWrite(f"a compute on {outer_kind} {outer_key!r} wrote {kind} {key!r}; "
                                      f"declare touches=({kind!r},) or write after compute returns")

    @contextmanager
    def atomically(self) -> Iterator[None]:
        with self._lock:
            yield

    def next_counter(self, name: str) -> int:
        with self._lock:
            value = self._counters.get(name, 0) + 1
            self._counters[name] = value
            return value

    def clear(self, kinds: Optional[Iterable[str]] = None) -> None:
        with self._lock:
            if kinds is None:
                self._records.clear()
                self._projects.clear()
                self._by_project.clear()
                self._counters.clear()
                self._journal.clear()
                self._captures.clear()
                for index in self._orders.values():
                    index.clear()
                for groups in self._groups.values():
                    for grouped in groups.values():
                        grouped.clear()
                for indexes in self._indexes.values():
                    for filed in indexes.values():
                        filed.clear()
                return
            for kind in kinds:
                if kind in self._orders:
                    self._orders[kind].clear()
                for grouped in self._groups.get(kind, {}).values():
                    grouped.clear()
                for filed in self._indexes.get(kind, {}).values():
                    filed.clear()
                self._records.pop(kind, None)
                self._projects.pop(kind, None)
                self._by_project.pop(kind, None)

    def define_order(self, kind: str, order: Callable[[Any], Tuple[Any, ...]],
                     marks: Optional[Mapping[str, Callable[[Any], bool]]] = None,
                     sums: Optional[Mapping[str, Callable[[Any], Tuple[int, ...]]]] = None) -> None:
        with self._lock:
            if kind in self._orders:
                return
            index = OrderedIndex(order, marks, sums)
            projects = self._projects.get(kind, {})
            for key, value in self._records.get(kind, {}).items():
                index.add(key, value, projects.get(key))
            self._orders[kind] = index

    def define_groups(self, kind: str, name: str, group: Callable[[Any], Optional[str]],
                      part: Callable[[Any], Tuple[int, ...]]) -> None:
        with self._lock:
            groups = self._groups.setdefault(kind, {})
            if name in groups:
                return
            grouped = GroupedSum(group, part)
            for value in self._records.get(kind, {}).values():
                grouped.move(None, value)
            groups[name] = grouped

    def group_totals(self, kind: str, name: str) -> Dict[str, Tuple[int, ...]]:
        with self._lock:
            return self._groups[kind][name].totals()

    def define_index(self, kind: str, name: str, value: Callable[[Any], Optional[str]]) -> None:
        with self._lock:
            indexes = self._indexes.setdefault(kind, {})
            if name in indexes:
                return
            filed = ValueIndex(value)
            for key, record in self._records.get(kind, {}).items():
                filed.move(key, None, record)
            indexes[name] = filed

    def find(self, kind: str, name: str, value: str) -> List[Any]:
        with self._lock:
            records = self._records.get(kind, {})
            return [records[key] for key in self._indexes[kind][name].keys(value) if key in records]

    def walk(self, kind: str, project: Optional[str] = None, *, after: Optional[Tuple[Any, ...]] = None,
             descending: bool = True) -> Iterator[Any]:
        index = self._orders[kind]
        while True:
            # Copy one chunk under the lock, yield it without: writers are never blocked by a slow consumer,
            # and resuming from the last entry (not an offset) survives inserts and deletes in between.
            with self._lock:
                entries = index.chunk(project, after, descending, WALK_CHUNK)
                records = self._records.get(kind, {})
                found = [records.get(entry[-1]) for entry in entries]
            if not entries:
                return
            yield from (record for record in found if record is not None)
            after = entries[-1]

    def marked(self, kind: str, mark: str) -> List[str]:
        with self._lock:
            return self._orders[kind].marked(mark)

    def total(self, kind: str, name: str, project: Optional[str] = None) -> Tuple[int, ...]:
        with self._lock:
            return self._orders[kind].total(name, project)

    def journal_append(self, entry: Dict[str, Any]) -> None:
        """Keep ``entry``; its ``request`` and ``response`` are taken out of it into the capture window."""
        captured = (entry.pop("request"), entry.pop("response", None)) if "request" in entry else None
        keys = tuple(entry)
        shape = self._shapes.get(keys)
        if shape is None:
            shape = keys
            if len(self._shapes) < _SHAPES_MAX:
                shape = self._shapes.setdefault(keys, keys)
        stored = (shape, *[sys.intern(value) if type(value) is str and len(value) <= _INTERN_MAX
                           else value for value in entry.values()])
        with self._lock:  # journal() copies the deque under the lock; an append mid-copy would break it
            self._journal.append(stored)
            self._captures.append(captured)

    def journal_clear(self) -> None:
        with self._lock:
            self._journal.clear()
            self._captures.clear()

    def journal(self) -> List[Dict[str, Any]]:
        with self._lock:
            stored, captures = list(self._journal), list(self._captures)
        entries = [dict(zip(entry[0], islice(entry, 1, None))) for entry in stored]
        for entry, captured in zip(entries[len(entries) - len(captures):], captures):
            if captured is not None:
                entry.update(zip(_CAPTURED, captured))
        return entries
