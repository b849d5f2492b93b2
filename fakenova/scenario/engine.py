"""The scenario engine: which loaded rules match a request or an action, and what they decide, with reasons.

Loaded scenarios, hit counts and scenario states live in the store (kinds ``scenario``, ``scenario_hits``,
``scenario_state``), so two processes sharing a store agree; parsed rules are only a cache, rebuilt when the
stored revision changes. The engine is Flask-free: the HTTP layer (``http.py``) hands it a :class:`Probe` and
acts on the :class:`Decision`; the lifecycle hook (``Runtime.chooser``) calls :meth:`ScenarioEngine.choose`.
Every rule's verdict, fired or not and why, is kept in the request's :class:`~.verdicts.Trace` for the journal.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import random
import threading
import uuid
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Tuple

from ..domain.cinder_paths import PATHS, AnyAction, VolumeAction
from ..domain.lifecycle import engine as lifecycle
from ..domain.models import Fault
from ..domain.ports import Runtime
from ..settings import Settings
from . import loader, model
from .matching import Probe, RuleIndex, first_reason, path_params, server_reason
from .verdicts import PENDING, Decision, Trace

__all__ = ["Decision", "Probe", "ScenarioEngine", "Trace", "overlay", "path_params"]

_REVISION = ("config", "scenario_revision")
_TRACE: contextvars.ContextVar[Optional["Trace"]] = contextvars.ContextVar("fakenova_trace", default=None)
_SUSPENDED: contextvars.ContextVar[bool] = contextvars.ContextVar("fakenova_suspended", default=False)
#: suffix of the ``scenario_hits`` key counting a rule's matching calls (``after``, ``every``, ``probability``)
CALLS = "#calls"


class ScenarioEngine:
    """Loaded scenarios of one runtime, and the decisions they make.

    :param runtime: the app's :class:`~fakenova.runtime.Runtime` (store, clock, settings).
    :param real_delays: sleep for ``respond.delay`` and slow bodies (standalone); when False the delay is
        added to the clock instead, so in-process tests never sleep.
    """

    def __init__(self, runtime: Runtime, *, real_delays: bool = False) -> None:
        self.runtime = runtime
        self.real_delays = real_delays
        self._lock = threading.Lock()
        self._revision: Optional[str] = None
        self._scenarios: Tuple[model.Scenario, ...] = ()
        self._index = RuleIndex(())
        self._random_seeds: Dict[str, Optional[int]] = {}
        self._wake = threading.Event()  # set when the scenarios change: stalled requests stop waiting

    # -- loaded scenarios (kept in the store) -------------------------------------------------------------
    def load(self, scenario: model.Scenario, document: Mapping[str, Any]) -> None:
        """Load (or replace) a scenario: store it, apply its seed, refresh settings."""
        from .seeding import apply_seed  # late: seeding pulls in the create use case

        store = self.runtime.store
        store.put("scenario", scenario.name, {"name": scenario.name, "source": scenario.source,
                                              "document": dict(document), "loaded_at": self.runtime.clock.now()})
        for rule in scenario.rules:
            store.delete("scenario_hits", rule.key)
            store.delete("scenario_hits", rule.key + CALLS)
        store.delete("scenario_state", scenario.name)
        self._bump()
        with self.suspended():  # the seed's servers are not requests: rules must not fire for them
            apply_seed(self.runtime, scenario)

    def unload(self, name: Optional[str] = None) -> List[str]:
        """Unload one scenario by name, or all; returns the names unloaded (seeded data stays)."""
        store = self.runtime.store
        names = [record["name"] for record in store.list("scenario") if name in (None, record["name"])]
        for each in names:
            store.delete("scenario", each)
            store.delete("scenario_state", each)
        self._bump()
        return names

    def _bump(self) -> None:
        self.runtime.store.put(*_REVISION, uuid.uuid4().hex)  # not the seeded ids: loading must not shift them
        self.refresh()

    def refresh(self) -> Tuple[model.Scenario, ...]:
        """The loaded scenarios, re-read from the store when its revision changed (and settings re-derived)."""
        revision = self.runtime.store.get(*_REVISION)
        if revision == self._revision:
            return self._scenarios
        with self._lock:
            records = self.runtime.store.list("scenario")
            self._scenarios = tuple(loader.build(dict(r["document"]), r["source"]) for r in records)
            self._index = RuleIndex(tuple(rule for scenario in self._scenarios for rule in scenario.rules))
            self._random_seeds = {scenario.name: scenario.random_seed for scenario in self._scenarios}
            self._revision = revision
            self._wake.set()
            self._wake = threading.Event()
            base = self.runtime.reset_settings or self.runtime.settings  # None only before the first reset
            self.runtime.settings = overlay(base, self._scenarios)
        return self._scenarios

    def rules(self) -> Tuple[model.Rule, ...]:
        """Every loaded rule, in load order (asked on every request, so kept with the scenarios)."""
        self.refresh()
        return self._index.rules

    def needs(self) -> FrozenSet[str]:
        """Which of the request's query, headers and body some loaded rule tests (the others are not read);
        as of the last :meth:`rules`."""
        return self._index.needs

    def calls(self, rule: model.Rule) -> int:
        return int(self.runtime.store.get("scenario_hits", rule.key + CALLS) or 0)

    def hits(self, rule: model.Rule) -> int:
        return int(self.runtime.store.get("scenario_hits", rule.key) or 0)

    def state(self, scenario: str) -> str:
        return self.runtime.store.get("scenario_state", scenario) or model.INITIAL_STATE

    def loaded_at(self, scenario: str) -> float:
        record = self.runtime.store.get("scenario", scenario)
        return record["loaded_at"] if record else 0.0

    def describe(self) -> List[Dict[str, Any]]:
        """Loaded scenarios with their rules, hit counts and states (the control plane's listing)."""
        return [{"name": s.name, "description": s.description, "source": s.source, "state": self.state(s.name),
                 "rules": [{"rule": r.key, "effect": r.then.effect.value, "times": str(r.times),
                            "hits": self.hits(r), "exhausted": r.times.exhausted(self.hits(r)),
                            **({"calls": self.calls(r)} if r.when.counts else {})}
                           for r in s.rules]}
                for s in self.refresh()]

    # -- per-request tracing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        """No rule fires inside this block (seeding, control-plane work)."""
        token = _SUSPENDED.set(True)
        try:
            yield
        finally:
            _SUSPENDED.reset(token)

    def start(self, probe: Probe) -> Trace:
        """Begin tracing a request; the trace stays current in this thread until :meth:`finish`."""
        trace = Trace(probe)
        _TRACE.set(trace)
        return trace

    @staticmethod
    def current() -> Optional[Trace]:
        """The trace of the request being served in this thread, if any."""
        return _TRACE.get()

    def pause(self, seconds: float) -> None:
        """Let ``seconds`` pass: really for a standalone server, on the clock otherwise (tests never sleep)."""
        if self.real_delays:
            self._wake.wait(seconds)  # a reset or a scenario change ends the stall early
        elif hasattr(self.runtime.clock, "advance"):
            self.runtime.clock.advance(seconds)

    @staticmethod
    def finish() -> Optional[Trace]:
        trace = _TRACE.get()
        _TRACE.set(None)
        return trace

    # -- matching -----------------------------------------------------------------------------------------
    def mismatch(self, rule: model.Rule, probe: Probe, *, server_level: bool = True,
                 states: Optional[Dict[str, str]] = None) -> Optional[str]:
        """Why ``rule`` does not match ``probe`` (None when it does): the first failing condition.

        :param states: scenario states as the request found them, so a ``sets_state`` takes effect from the
            next request on (WireMock's semantics); read live when None.
        """
        reason = self._state_reason(rule, states) if rule.when.state is not None else None
        if reason is None:
            reason = first_reason(self._index.checks[rule.key], probe)
        if reason is None and server_level:
            reason = server_reason(rule.when, probe)
        return None if reason is None else "skipped: " + reason

    def _state_reason(self, rule: model.Rule, states: Optional[Dict[str, str]]) -> Optional[str]:
        if states is None:
            current = self.state(rule.scenario)
        else:
            current = states.setdefault(rule.scenario, self.state(rule.scenario))
        return None if current == rule.when.state else f"scenario state {current!r} != {rule.when.state!r}"

    def gate(self, rule: model.Rule) -> Tuple[bool, str]:
        """Count one matching call of a rule with ``after``/``every``/``probability`` and say whether this call
        may fire, with the journal's words for it ("call 2 of 3 let through", "probability draw 0.73 >= 0.1")."""
        when = rule.when
        if not when.counts:
            return True, ""
        call = self.runtime.store.compute("scenario_hits", rule.key + CALLS, lambda current: (current or 0) + 1)
        if call <= when.after:
            return False, f"skipped: call {call} of {when.after} let through"
        if (call - when.after) % when.every:
            return False, f"skipped: call {call} let through (fires on every {when.every} calls" + (
                f" after {when.after})" if when.after else ")")
        if when.probability is None:
            return True, f"call {call}"
        draw = self.draw(rule, call)
        if draw >= when.probability:
            return False, f"skipped: probability draw {draw:g} >= {when.probability:g} (call {call})"
        return True, f"probability draw {draw:g} < {when.probability:g} (call {call})"

    def draw(self, rule: model.Rule, call: int) -> float:
        """The probability draw for ``rule``'s ``call``-th matching call, in [0, 1) to 4 decimals: a function of
        the seed (the app's, else the scenario's ``random_seed``), the rule and the call, so a run replays
        under the same seed whatever the interleaving of other rules; system randomness without a seed."""
        seed = self.runtime.settings.seed
        if seed is None:
            seed = self._random_seeds.get(rule.scenario)
        if seed is None:
            return int(random.random() * 10_000) / 10_000
        digest = hashlib.blake2b(f"{seed}:{rule.key}:{call}".encode(), digest_size=8).digest()
        return (int.from_bytes(digest, "big") % 10_000) / 10_000

    def take(self, rule: model.Rule) -> Optional[str]:
        """Count one firing of ``rule`` atomically; the reason it may not fire when its times are used up."""
        taken = []

        def increment(current: Optional[int]) -> Optional[int]:
            hits = current or 0
            if rule.times.exhausted(hits):
                return current
            taken.append(True)
            return hits + 1

        self.runtime.store.compute("scenario_hits", rule.key, increment)
        if not taken:
            return f"skipped: times {rule.times} already used ({self.hits(rule)} hits)"
        if rule.sets_state is not None:
            self.runtime.store.put("scenario_state", rule.scenario, rule.sets_state)
        return None

    def before_dispatch(self, probe: Probe) -> Decision:
        """Evaluate every rule against a request that passed auth, routing and version negotiation."""
        trace = self.start(probe)
        decision = Decision()
        if _SUSPENDED.get():
            return decision
        states: Dict[str, str] = {}
        trace.index = self._index  # the caller refreshed (rules())
        for rule in self._index.candidates(probe.method, probe.service):
            phase = rule.then.phase
            reason = self.mismatch(rule, probe, server_level=phase is not model.Phase.ACTION_BEGIN, states=states)
            if reason is None and phase is model.Phase.ACTION_BEGIN:
                fired, reason = False, PENDING if (probe.action or not rule.when.actions) else "skipped: no action"
            elif reason is None:
                fired, reason = self._decide(rule, probe, decision)
            else:
                fired = False
            trace.record(rule, fired, reason)
        return decision

    def _decide(self, rule: model.Rule, probe: Probe, decision: Decision) -> Tuple[bool, str]:
        effect = rule.then.effect
        if effect is model.Effect.LIST_LAG:
            decision.lags.append(rule)
            return False, "pending: hides new servers from this list"
        allowed, note = self.gate(rule)  # every matching call counts, even one another rule answers
        if not allowed:
            return False, note
        if effect is model.Effect.RESPOND and decision.respond is not None:
            return False, f"skipped: rule {decision.respond[0].key} already responded"
        if effect is model.Effect.TRANSPORT and decision.transport is not None:
            return False, f"skipped: rule {decision.transport.key} already chose a transport fault"
        reason = self.take(rule)
        if reason is not None:
            return False, reason
        params = path_params(rule.when.path, probe) or {}
        if effect is model.Effect.RESPOND:
            decision.respond = (rule, params)
        elif effect is model.Effect.TRANSPORT:
            decision.transport = rule
        elif effect is model.Effect.DELAY:
            decision.delay += rule.then.delay
        else:
            decision.pins.append((rule, params))
        return True, f"fired: {note}" if note else "fired"

    def choose(self, action: lifecycle.Action, server: Any, ctx: Any) -> lifecycle.Choice:
        """The lifecycle hook: pace and outcome for ``action`` starting on ``server`` (settings by default)."""
        return self._choose(action, ctx, lambda probe: _action_probe(
            probe, action, ctx, server.id, server.name, server.metadata), f"server {server.id}")

    def choose_volume(self, action: VolumeAction, record: Mapping[str, Any], ctx: Any) -> lifecycle.Choice:
        """The Cinder hook: pace and outcome for ``action`` starting on a volume or snapshot ``record``; rules
        test its name and metadata as they test a server's (``server_name``, ``metadata``)."""
        return self._choose(action, ctx, lambda probe: _action_probe(
            probe, action, ctx, None, record.get("name") or "", record.get("metadata") or {}),
            f"{PATHS[action].subject} {record['id']}")

    def _choose(self, action: AnyAction, ctx: Any, probe_for: Callable[[Probe], Probe],
                subject: str) -> lifecycle.Choice:
        choice = lifecycle.Choice(pace=self.runtime.settings.pace_for(action))
        self.refresh()
        rules = self._index.action_rules
        if not rules or _SUSPENDED.get():
            return choice
        trace = _TRACE.get() or Trace(Probe())
        probe = probe_for(trace.probe)
        chosen: Dict[model.Effect, model.Rule] = {}
        for rule in rules:
            reason, note = self.mismatch(rule, probe), ""
            if reason is None:
                allowed, note = self.gate(rule)
                reason = None if allowed else note
            if reason is None and rule.then.effect in chosen:
                reason = f"skipped: rule {chosen[rule.then.effect].key} already chose the {rule.then.effect.value}"
            reason = reason or self.take(rule)
            if reason is None:
                chosen[rule.then.effect] = rule
            fired = f"fired for {action.value} of {subject}" + (f" ({note})" if note else "")
            trace.record(rule, reason is None, reason or fired)
        return _apply_choice(choice, chosen, ctx.now)

    def hidden(self, rule: model.Rule, servers: Mapping[str, float]) -> List[str]:
        """Which of ``servers`` (id -> created_at) a list-lag rule hides from this list read."""
        since = self.loaded_at(rule.scenario)
        hidden = []
        for server_id, created in servers.items():
            if created < since:
                continue
            reads = self.runtime.store.compute("scenario_lag", f"{rule.key}:{server_id}",
                                               lambda current: (current or 0) + 1)
            if reads <= rule.then.list_lag:
                hidden.append(server_id)
        return hidden


def _action_probe(probe: Probe, action: AnyAction, ctx: Any, subject_id: Optional[str], name: str,
                  metadata: Mapping[str, str]) -> Probe:
    identity = ctx.identity
    return Probe(method=probe.method, path=probe.path, api_path=probe.api_path, service=probe.service,
                 action=action, version=ctx.version,
                 project=(identity.project_id, identity.project_name), user=(identity.user_id, identity.user_name),
                 server_id=subject_id, server_name=name, metadata=dict(metadata))


def _apply_choice(choice: lifecycle.Choice, chosen: Mapping[model.Effect, model.Rule],
                  now: float) -> lifecycle.Choice:
    pace, outcome, fault = choice.pace, choice.outcome, choice.fault
    if model.Effect.PACE in chosen:
        pace = chosen[model.Effect.PACE].then.pace or pace
    if model.Effect.OUTCOME in chosen:
        then = chosen[model.Effect.OUTCOME].then
        outcome = then.outcome or outcome
        spec = then.fault or model.FaultSpec()
        fault = Fault(code=spec.code, message=spec.message, created=now, details=spec.details)
    return lifecycle.Choice(pace=pace, outcome=outcome, fault=fault)


def overlay(settings: Settings, scenarios: Tuple[model.Scenario, ...]) -> Settings:
    """``settings`` with each loaded scenario's api range, config and paces applied in load order."""
    for scenario in scenarios:
        changes: Dict[str, Any] = dict(scenario.config)
        if scenario.max_version is not None:
            changes["max_version"] = scenario.max_version
        if scenario.min_version is not None:
            changes["min_version"] = scenario.min_version
        if scenario.paces:
            changes["paces"] = {**settings.paces, **scenario.paces}
        if scenario.policy:
            changes["policy"] = {**settings.policy, **scenario.policy}
        settings = settings.replace(**changes)
    return settings
