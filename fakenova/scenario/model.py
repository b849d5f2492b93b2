"""What a loaded scenario is: frozen dataclasses and Enums, already typed and resolved (no YAML, no Flask).

The loader (``loader.py``) builds these from a validated file; the engine (``engine.py``) only reads them.
Closed vocabularies are Enums (``Times``, ``Effect``, ``Transport``), never strings compared in code.
"""
from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field
from typing import Any, FrozenSet, Mapping, Optional, Pattern, Tuple

from ..domain.cinder_paths import AnyAction
from ..domain.lifecycle.engine import Outcome
from ..domain.pace import Pace
from ..domain.states import PowerState, TaskState, VmState
from ..microversions import Version, VersionRange
from .matchers import BodyMatcher, HeaderMatcher, QueryMatcher

#: the scenario state every scenario starts in (WireMock's ``Started``)
INITIAL_STATE = "started"


class TimesKind(enum.Enum):
    """How often a rule may fire: pytest-httpserver's ONESHOT / ORDERED-count / PERMANENT."""

    ONCE = "once"
    N = "n"
    ALWAYS = "always"


@dataclass(frozen=True)
class Times:
    """A rule's firing budget; ``count`` is set for ``TimesKind.N`` only."""

    kind: TimesKind
    count: Optional[int] = None

    @property
    def limit(self) -> Optional[int]:
        """How many firings are allowed; None for always."""
        return {TimesKind.ONCE: 1, TimesKind.N: self.count, TimesKind.ALWAYS: None}[self.kind]

    def exhausted(self, hits: int) -> bool:
        """True once ``hits`` firings have used the budget up."""
        limit = self.limit
        return limit is not None and hits >= limit

    def __str__(self) -> str:
        return str(self.count) if self.kind is TimesKind.N else self.kind.value


ONCE = Times(TimesKind.ONCE)
ALWAYS = Times(TimesKind.ALWAYS)


class Phase(enum.Enum):
    """When in a request a rule's effect applies."""

    BEFORE_DISPATCH = "before dispatch"
    ACTION_BEGIN = "when an action begins"
    AFTER_DISPATCH = "after dispatch"


class Effect(enum.Enum):
    """What a rule's ``then`` does: exactly one of these (the key it is written with)."""

    RESPOND = "respond"
    OUTCOME = "outcome"
    PACE = "pace"
    SET_STATE = "set_state"
    TRANSPORT = "transport"
    LIST_LAG = "list_lag"
    DELAY = "delay"  # only when ``delay`` is the rule's whole ``then``: the request then goes through


#: effect -> the phase in which it applies
EFFECT_PHASE: Mapping[Effect, Phase] = {
    Effect.RESPOND: Phase.BEFORE_DISPATCH, Effect.SET_STATE: Phase.BEFORE_DISPATCH,
    Effect.TRANSPORT: Phase.BEFORE_DISPATCH, Effect.OUTCOME: Phase.ACTION_BEGIN,
    Effect.PACE: Phase.ACTION_BEGIN, Effect.LIST_LAG: Phase.AFTER_DISPATCH, Effect.DELAY: Phase.BEFORE_DISPATCH,
}


class Transport(enum.Enum):
    """Faults below HTTP that a live server can inject."""

    DROP = "drop"            # close the connection without a response
    TRUNCATE = "truncate"    # send the headers and half the body, then close
    SLOW = "slow"            # send the body in chunks with a pause between them


class Service(enum.Enum):
    """The services on fakenova's one port, for ``when.service``."""

    COMPUTE = "compute"
    IDENTITY = "identity"
    IMAGE = "image"
    NETWORK = "network"
    VOLUME = "volume"


@dataclass(frozen=True)
class FaultSpec:
    """A server fault a rule leaves (``outcome: error`` or ``set_state``)."""

    code: int = 500
    message: str = "No valid host was found. There are not enough hosts available."
    details: str = ""


@dataclass(frozen=True)
class Respond:
    """A canned answer: Nova-shaped from ``fault``/``message``, or exactly ``body`` (JSON) / ``body_text``.

    ``message``, header values and the strings of ``body``/``body_text`` may use ``{server_id}``,
    ``{project_id}``, ``{request_id}``, ``{base_url}`` and the path template's ``{names}``.
    """

    status: int
    fault: Optional[str]
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: Any = None
    body_text: Optional[str] = None
    content_type: Optional[str] = None

    @property
    def verbatim(self) -> bool:
        """Whether the answer is the rule's own body rather than a fault the service renders."""
        return self.body is not None or self.body_text is not None


@dataclass(frozen=True)
class StatePin:
    """States to force onto the server named by the request path; unset fields are left alone."""

    vm_state: Optional[VmState] = None
    task_state: Optional[TaskState] = None
    sets_task_state: bool = False  # task_state null is a value: clear it
    power_state: Optional[PowerState] = None
    fault: Optional[FaultSpec] = None


@dataclass(frozen=True)
class TransportFault:
    """A transport fault; ``delay`` is the pause between the ``chunks`` of a slow body."""

    kind: Transport
    delay: float = 1.0
    chunks: int = 4


@dataclass(frozen=True)
class Then:
    """A rule's effect; only the field its ``effect`` names is set."""

    effect: Effect
    respond: Optional[Respond] = None
    outcome: Optional[Outcome] = None
    fault: Optional[FaultSpec] = None
    pace: Optional[Pace] = None
    pin: Optional[StatePin] = None
    transport: Optional[TransportFault] = None
    list_lag: int = 0
    delay: float = 0.0  # seconds added before the answer (a ``respond``'s or, for ``Effect.DELAY``, the real one)

    @property
    def phase(self) -> Phase:
        return EFFECT_PHASE[self.effect]


@dataclass(frozen=True)
class PathTemplate:
    """``/servers/{server_id}``: matched against the compute API path, or the full path when it starts with a
    service prefix. ``*`` matches any rest of the path."""

    text: str
    pattern: Pattern[str]
    full: bool


@dataclass(frozen=True)
class When:
    """A rule's conditions; None or empty means "any"."""

    method: Optional[str] = None
    path: Optional[PathTemplate] = None
    service: Optional[Service] = None
    actions: FrozenSet[AnyAction] = frozenset()  # the exact variants the rule names (any when empty)
    server_name: Optional[Pattern[str]] = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    versions: Optional[VersionRange] = None
    projects: FrozenSet[str] = frozenset()
    users: FrozenSet[str] = frozenset()
    state: Optional[str] = None
    query: Optional[QueryMatcher] = None
    headers: Optional[HeaderMatcher] = None
    body: Optional[BodyMatcher] = None
    after: int = 0  # let this many matching calls through first
    every: int = 1  # then fire on every Nth matching call
    probability: Optional[float] = None  # then fire when the seeded draw is below it

    @property
    def counts(self) -> bool:
        """Whether matching calls must be counted (``after``, ``every`` or ``probability`` is set)."""
        return self.after > 0 or self.every > 1 or self.probability is not None


@dataclass(frozen=True)
class Rule:
    """One scripted behaviour of a scenario."""

    scenario: str
    name: str
    when: When
    then: Then
    times: Times = ALWAYS
    sets_state: Optional[str] = None
    index: int = 0  # position in its scenario, for messages

    @functools.cached_property  # asked for many times per request: worked out once (frozen fields)
    def key(self) -> str:
        """``scenario/rule``: how hit counts and the journal name the rule."""
        return f"{self.scenario}/{self.name}"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file.

    :param config: settings overrides, typed (``reclaim_instance_interval``, ``enable_instance_password``).
    :param paces: per lifecycle action.
    :param seed: the file's ``seed`` section as validated data (applied by ``seeding.py``).
    :param policy: policy rules overriding the services' defaults while the scenario is loaded.
    """

    name: str
    description: str = ""
    source: str = "<inline>"
    min_version: Optional[Version] = None
    max_version: Optional[Version] = None
    config: Mapping[str, Any] = field(default_factory=dict)
    paces: Mapping[AnyAction, Pace] = field(default_factory=dict)
    seed: Mapping[str, Any] = field(default_factory=dict)
    policy: Mapping[str, str] = field(default_factory=dict)
    rules: Tuple[Rule, ...] = ()
    random_seed: Optional[int] = None  # for probability draws when the app has no seed


def compile_regex(text: str) -> Pattern[str]:
    """Compile a user's regular expression (kept here so the loader reports ``re.error`` in one place)."""
    return re.compile(text)
