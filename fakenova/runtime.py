"""The objects one fakenova app shares: settings, store, clock and id factory, and how they are reset.

There is exactly one Runtime per app (kept in ``app.extensions["fakenova"]``); nothing is module-global.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .clock import Clock, OffsetClock
from .domain.lifecycle.engine import Action, Choice
from .ids import IdFactory
from .settings import Settings
from .store import Store, open_store


@dataclass
class Runtime:
    """Everything a request handler or control operation needs besides the request itself."""

    settings: Settings
    store: Store
    clock: Clock
    ids: IdFactory
    #: decides pace and outcome when an action starts; scenarios replace it, the default follows settings
    chooser: Optional[Callable[[Action, Any, Any], Choice]] = field(default=None)
    #: the scenario engine (``fakenova.scenario.engine.ScenarioEngine``), installed by ``create_app``
    engine: Any = field(default=None)
    #: the settings the app was built with, and those the last reset chose (they plus its overrides);
    #: loaded scenarios layer their api range, config and paces on top of ``reset_settings``
    initial_settings: Optional[Settings] = field(default=None)
    reset_settings: Optional[Settings] = field(default=None)

    def choose(self, action: Action, server: Any, ctx: Any) -> Choice:
        """The pace and outcome for ``action`` starting on ``server`` for the caller in ``ctx``."""
        if self.chooser is not None:
            return self.chooser(action, server, ctx)
        return Choice(pace=self.settings.pace_for(action))

    @classmethod
    def build(cls, settings: Optional[Settings] = None, *, store: Optional[Store] = None,
              clock: Optional[Clock] = None) -> "Runtime":
        """Assemble a runtime from settings, opening the store and clock they name unless given."""
        settings = settings or Settings()
        return cls(settings=settings,
                   store=store if store is not None else open_store(settings.store_url,
                                                                    journal_limit=settings.journal_limit),
                   clock=clock if clock is not None else OffsetClock(),
                   ids=IdFactory(settings.seed))

    def reset(self, **overrides: Any) -> None:
        """Forget all state, restart the id sequence and load the seed data again.

        :param overrides: settings to use until the next reset (the pytest marker's ``max_version``, ``seed``).
        """
        from .seed import load_seed  # late: seed reads YAML, which the domain must not

        if self.initial_settings is None:
            self.initial_settings = self.settings
        self.settings = self.reset_settings = self.initial_settings.replace(**overrides)
        self.store.clear()
        if isinstance(self.clock, OffsetClock):  # a ManualClock belongs to the test that injected it
            self.clock.reset()
        self.ids.reseed(self.settings.seed)
        load_seed(self)
