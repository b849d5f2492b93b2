"""The seams the domain calls through: what a use case needs from its store and from its runtime.

The domain depends on these protocols only, never on the concrete ``fakenova.runtime.Runtime`` or on a
store implementation, so it stays sans-IO and a new store (Redis) or a test double plugs in unchanged.
``fakenova.store.base`` re-exports :class:`Store`; this is its one definition.
"""
from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Collection,
    ContextManager,
    Dict,
    Iterable,
    List,
    Optional,
    Protocol,
    Tuple,
)

if TYPE_CHECKING:  # annotations only: settings, clock and ids import the domain themselves
    from ..clock import Clock
    from ..ids import IdFactory
    from ..settings import Settings
    from .cinder_paths import VolumeAction
    from .context import RequestContext
    from .lifecycle.engine import Action, Choice
    from .models import Server


class Store(Protocol):
    """What every store implementation offers (see ``tests/store/test_contract.py``).

    Records are plain values produced by the domain codecs. The only way to change one record is
    :meth:`compute`, an atomic read-modify-write; :meth:`atomically` groups several for checks that span
    records (quota across a project's servers).
    """

    def get(self, kind: str, key: str) -> Optional[Any]:
        """The record, or None."""

    def list(self, kind: str, project: Optional[str] = None) -> List[Any]:
        """All records of ``kind`` (of one project when given), in insertion order."""

    def put(self, kind: str, key: str, value: Any, project: Optional[str] = None) -> None:
        """Insert or replace a record; ``project`` files it under that project for :meth:`list`."""

    def delete(self, kind: str, key: str) -> bool:
        """Remove a record; True if it existed."""

    def compute(self, kind: str, key: str, fn: Callable[[Any], Any], project: Optional[str] = None,
                *, touches: Collection[str] = ()) -> Any:
        """Atomically replace the record with ``fn(current)``; ``REMOVE`` deletes it. Returns the result.

        ``fn`` may change only the record it is given, plus records of the kinds named in ``touches``
        (a server action that completes its migration records declares ``touches=("migration",)``). That is
        what lets a store without a re-entrant process lock (Redis: WATCH/MULTI or a script) run ``fn``: it
        knows up front which other keys it must guard. ``MemoryStore`` raises
        :class:`~fakenova.store.base.UndeclaredWrite` when ``fn`` writes a kind it did not declare. Reads of
        other records are not declared: a check that must see several records consistently holds
        :meth:`atomically`. Counters (:meth:`next_counter`) are atomic on their own and need no declaration.
        """

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


class Chooser(Protocol):
    """Decides the pace and outcome of an action as it starts: the settings' paces, or a loaded scenario."""

    def choose(self, action: Action, server: Server, ctx: RequestContext) -> Choice:
        """The pace and outcome for ``action`` starting on ``server`` for the caller in ``ctx``."""

    def choose_volume(self, action: VolumeAction, record: Dict[str, Any], ctx: RequestContext) -> Choice:
        """The pace and outcome for a Cinder ``action`` starting on the volume or snapshot ``record``."""


#: the kinds a :class:`Chooser` may write while it chooses (a scenario's rule hit counts and state): a
#: ``store.compute`` whose function begins an action declares them in ``touches``
CHOOSER_WRITES: Tuple[str, ...] = ("scenario_hits", "scenario_state")


class Runtime(Chooser, Protocol):
    """What a use case needs from the app it runs in: settings, the store, the clock, ids and a chooser.

    ``fakenova.runtime.Runtime`` is the one implementation; tests may pass any object of this shape.
    """

    settings: Settings
    store: Store
    clock: Clock
    ids: IdFactory
    #: the settings the last reset chose, under the loaded scenarios' layers (the scenario engine reads them)
    reset_settings: Optional[Settings]

