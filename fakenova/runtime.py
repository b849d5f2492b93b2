"""The objects one fakenova app shares: settings, store, clock and id factory, and how they are reset.

There is exactly one Runtime per app (kept in ``app.extensions["fakenova"]``); nothing is module-global.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Optional, Union

from .clock import Clock, OffsetClock
from .domain.cinder_paths import VolumeAction
from .domain.context import RequestContext
from .domain.lifecycle.engine import Action, Choice
from .domain.models import Server
from .domain.policy import Policies
from .ids import IdFactory
from .settings import Settings
from .store import Store, open_store
from .store.base import StoreBusy
from .store.shared_state import STATE, Sharing, StoreClock, is_shared

if TYPE_CHECKING:
    from .domain import ports
    from .scenario.engine import ScenarioEngine


#: lock waits a process joining a shared cloud sits through while another one seeds it
START_ATTEMPTS = 12


@dataclass
class Runtime:
    """Everything a request handler or control operation needs besides the request itself.

    It is the one implementation of the domain's :class:`~fakenova.domain.ports.Runtime`; build it with
    :meth:`build`, which also builds its scenario engine.
    """

    settings: Settings
    store: Store
    clock: Clock
    ids: IdFactory
    #: the loaded scenarios; the :class:`~fakenova.domain.ports.Chooser` of every action's pace and outcome
    #: (it follows the settings' paces until a scenario says otherwise). Built by :meth:`build`, which hands
    #: it this runtime: the engine keeps its hit counts in the store and overlays scenario settings here.
    engine: ScenarioEngine = field(init=False, repr=False)
    #: the settings the app was built with, and those the last reset chose (they plus its overrides);
    #: loaded scenarios layer their api range, config and paces on top of ``reset_settings``
    initial_settings: Optional[Settings] = field(default=None)
    reset_settings: Optional[Settings] = field(default=None)
    #: how this runtime keeps in step with the other processes of a shared store (None for a private one)
    sharing: Optional[Sharing] = field(default=None, repr=False)
    _policies: Optional[Policies] = field(default=None, init=False, repr=False)

    @property
    def policies(self) -> Policies:
        """The rules in force: every service's defaults with the settings' ``policy`` overrides (which a
        scenario's ``policy:`` section extends), rebuilt only when those overrides change."""
        current = self._policies
        if current is None or current.given is not self.settings.policy:
            current = self._policies = Policies(self.settings.policy)
        return current

    def choose(self, action: Action, server: Server, ctx: RequestContext) -> Choice:
        """The pace and outcome for ``action`` starting on ``server`` for the caller in ``ctx``."""
        return self.engine.choose(action, server, ctx)

    def choose_volume(self, action: VolumeAction, record: Dict[str, Any], ctx: RequestContext) -> Choice:
        """The pace and outcome for a Cinder ``action`` starting on the volume or snapshot ``record``."""
        return self.engine.choose_volume(action, record, ctx)

    @classmethod
    def build(cls, settings: Optional[Settings] = None, *, store: Union[Store, str, None] = None,
              clock: Optional[Clock] = None) -> "Runtime":
        """Assemble a runtime from settings, opening the store (a URL, or ``settings.store_url``) and clock
        they name unless given, and its scenario engine."""
        from .domain.hosts import ensure_groups
        from .domain.image_listing import image_index
        from .domain.neutron_ports import PORT_PLUGIN
        from .domain.retention import ensure_index
        from .scenario.engine import ScenarioEngine  # late: scenarios read YAML, the runtime's users need not
        from .store.base import GroupedStore

        settings = settings or Settings()
        if store is None or isinstance(store, str):
            store = open_store(store or settings.store_url, journal_limit=settings.journal_limit)
        shared = is_shared(store)
        if clock is None:
            clock = StoreClock(store) if shared else OffsetClock()
        runtime = cls(settings=settings, store=store, clock=clock, ids=IdFactory(settings.seed))
        runtime.engine = ScenarioEngine(runtime)
        if shared:  # every process keeps the shared indexes from its first write on
            runtime.sharing = Sharing(runtime)
            ensure_index(store)
            image_index(store)
            PORT_PLUGIN.define_indexes(store)
            if isinstance(store, GroupedStore):
                ensure_groups(store)
        return runtime

    def start(self) -> None:
        """Ready a new app's state: a reset, unless it joins a shared cloud that is already there."""
        if self.sharing is None:
            self.reset()
            return
        for attempt in range(START_ATTEMPTS):
            try:
                with self.store.atomically():  # two processes starting at once seed the cloud once
                    if self.store.get(*STATE) is None:
                        self.reset()
                    else:
                        self.sharing.sync()
                return
            except StoreBusy:  # another process is seeding a large cloud: wait for it a while longer
                if attempt == START_ATTEMPTS - 1:
                    raise

    def reset(self, **overrides: Any) -> None:
        """Forget all state, restart the id sequence and load the seed data again.

        :param overrides: settings to use until the next reset (the pytest marker's ``max_version``, ``seed``).
        """
        if self.sharing is None:
            self._reset(overrides)
            return
        with self.store.atomically():  # no process sees the cloud half cleared or half seeded
            self._reset(overrides)
            self.sharing.published(overrides)

    def _reset(self, overrides: Dict[str, Any]) -> None:
        from .seed import load_seed  # late: seed reads YAML, which the domain must not

        if self.initial_settings is None:
            self.initial_settings = self.settings
        self.settings = self.reset_settings = self.initial_settings.replace(**overrides)
        self.store.clear()
        if isinstance(self.clock, OffsetClock):  # a ManualClock belongs to the test that injected it
            self.clock.reset()
        self.ids.reseed(self.settings.seed)
        load_seed(self)


if TYPE_CHECKING:  # mypy proves the concrete runtime is what the domain's port asks for
    def _is_a_port(runtime: Runtime) -> ports.Runtime:
        return runtime
