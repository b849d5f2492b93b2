"""The server lifecycle as one table: a row per action with its guards, its path and its named outcomes.

``begin`` checks a row's guards in Nova's order (lock, then vm_state, then task_state) and enters the first
step; ``advance`` moves an action along its path at the transition's pace and applies the chosen outcome at
the end. Both are pure: they return a new :class:`~fakenova.domain.models.Server` and the store applies it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import FrozenSet, Mapping, Optional, Tuple

from . import errors
from .models import Fault, Server, Transition
from .pace import AfterPolls, AfterSeconds, Immediate, Manual, Pace
from .states import PowerState, TaskState, VmState


class Action(str, enum.Enum):
    CREATE = "create"
    DELETE = "delete"
    SOFT_DELETE = "soft_delete"


class Outcome(str, enum.Enum):
    OK = "ok"
    ERROR = "error"


@dataclass(frozen=True)
class Step:
    """One point on a path; ``vm_state=None`` keeps the current one, ``power_state=None`` likewise."""

    vm_state: Optional[VmState]
    task_state: Optional[TaskState]
    power_state: Optional[PowerState] = None
    on_host: bool = False


@dataclass(frozen=True)
class End:
    """Where an outcome leaves the server. ``vm_state=None`` returns to the state the action began in."""

    vm_state: Optional[VmState]
    power_state: Optional[PowerState] = None
    launches: bool = False
    deletes: bool = False
    faults: bool = False
    leaves_host: bool = False


@dataclass(frozen=True)
class Row:
    """One action: its Nova name (as error messages quote it), guards, path and outcomes."""

    action: Action
    nova_name: str
    allowed: Optional[FrozenSet[VmState]]
    checks_lock: bool
    task_must_be_none: bool
    path: Tuple[Step, ...]
    outcomes: Mapping[Outcome, End]


_ANY = None
_BUILD = VmState.BUILDING
_T = TaskState

LIFECYCLE: Mapping[Action, Row] = {
    row.action: row for row in (
        Row(Action.CREATE, "create", allowed=_ANY, checks_lock=False, task_must_be_none=False,
            path=(Step(_BUILD, _T.SCHEDULING, PowerState.NOSTATE),
                  Step(_BUILD, _T.NETWORKING, on_host=True),
                  Step(_BUILD, _T.SPAWNING, on_host=True)),
            outcomes={Outcome.OK: End(VmState.ACTIVE, PowerState.RUNNING, launches=True),
                      Outcome.ERROR: End(VmState.ERROR, PowerState.NOSTATE, faults=True, leaves_host=True)}),
        Row(Action.DELETE, "delete", allowed=_ANY, checks_lock=True, task_must_be_none=False,
            path=(Step(None, _T.DELETING),),
            outcomes={Outcome.OK: End(VmState.DELETED, PowerState.NOSTATE, deletes=True)}),
        Row(Action.SOFT_DELETE, "delete", allowed=_ANY, checks_lock=True, task_must_be_none=False,
            path=(Step(None, _T.SOFT_DELETING),),
            outcomes={Outcome.OK: End(VmState.SOFT_DELETED, PowerState.SHUTDOWN)}),
    )
}


def _check_table() -> None:
    for action in Action:
        row = LIFECYCLE.get(action)
        if row is None:
            raise AssertionError(f"LIFECYCLE has no row for {action}")
        if not row.path or Outcome.OK not in row.outcomes:
            raise AssertionError(f"LIFECYCLE row {action} needs a path and an 'ok' outcome")


_check_table()

#: the one compute host of the fake cloud (its availability zone is ``nova``)
DEFAULT_HOST = "fakenova-compute"
DEFAULT_ZONE = "nova"
DEFAULT_FAULT_MESSAGE = "No valid host was found. There are not enough hosts available."


@dataclass(frozen=True)
class Choice:
    """How an action that is starting will go: its pace and its declared outcome (with a fault for errors)."""

    pace: Pace
    outcome: Outcome = Outcome.OK
    fault: Optional[Fault] = None


def check_guards(server: Server, row: Row, *, is_admin: bool) -> None:
    """Raise Nova's 409 if ``row`` may not start on ``server`` (lock, then vm_state, then task_state)."""
    if row.checks_lock and server.locked_by is not None and not is_admin:
        raise errors.InstanceIsLocked(uuid=server.id)
    if row.allowed is not None and server.vm_state not in row.allowed:
        raise errors.InstanceInvalidState(action=row.nova_name, uuid=server.id, attr="vm_state",
                                          state=server.vm_state.value)
    if row.task_must_be_none and server.task_state is not None:
        raise errors.InstanceInvalidState(action=row.nova_name, uuid=server.id, attr="task_state",
                                          state=server.task_state.value)


def begin(server: Server, action: Action, now: float, *, pace: Pace, is_admin: bool,
          outcome: Outcome = Outcome.OK, fault: Optional[Fault] = None) -> Server:
    """Check the guards of ``action`` and enter the first step of its path.

    :param outcome: the declared end to reach (a scenario may choose ``error``).
    :param fault: the fault an ``error`` outcome leaves; Nova's scheduling failure when None.
    """
    row = LIFECYCLE[action]
    check_guards(server, row, is_admin=is_admin)
    if outcome not in row.outcomes:
        raise ValueError(f"action {action.value} has no outcome {outcome.value}")
    transition = Transition(action=action.value, outcome=outcome.value, step=0, started=now, polls=0,
                            origin=server.vm_state, pace=pace, fault=fault)
    return _enter(replace(server, transition=transition, updated_at=now), row, 0)


def _zone(server: Server, host: Optional[str]) -> str:
    """A scheduled server is in its host's zone; an unscheduled one shows the zone it asked for."""
    return DEFAULT_ZONE if host else (server.requested_zone or "")


def _enter(server: Server, row: Row, index: int) -> Server:
    step = row.path[index]
    host = server.host or (DEFAULT_HOST if step.on_host else None)
    progress = 100 * index // len(row.path)
    assert server.transition is not None
    return replace(
        server,
        vm_state=step.vm_state or server.vm_state,
        task_state=step.task_state,
        power_state=server.power_state if step.power_state is None else step.power_state,
        host=host, node=host, progress=progress, availability_zone=_zone(server, host),
        transition=replace(server.transition, step=index),
    )


def _finish(server: Server, row: Row, now: float) -> Server:
    transition = server.transition
    assert transition is not None
    end = row.outcomes[Outcome(transition.outcome)]
    fault = server.fault
    if end.faults:
        fault = transition.fault or Fault(code=500, message=DEFAULT_FAULT_MESSAGE, created=now)
    host = None if end.leaves_host else (server.host or DEFAULT_HOST)
    return replace(
        server,
        vm_state=end.vm_state or transition.origin,
        task_state=None,
        power_state=server.power_state if end.power_state is None else end.power_state,
        progress=0, fault=fault, host=host, node=host, availability_zone=_zone(server, host),
        launched_at=now if end.launches else server.launched_at,
        deleted=end.deletes or server.deleted,
        deleted_at=now if (end.deletes or end.vm_state is VmState.SOFT_DELETED) else server.deleted_at,
        terminated_at=now if end.deletes else server.terminated_at,
        updated_at=now, transition=None,
    )


def _target_step(transition: Transition, length: int, now: float) -> Optional[int]:
    """Where the pace says the transition is now: a step index, or None when it is over."""
    pace = transition.pace
    if isinstance(pace, Immediate):
        return None
    if isinstance(pace, Manual):
        return transition.step
    if isinstance(pace, AfterPolls):
        done = transition.polls / pace.polls
    elif isinstance(pace, AfterSeconds):
        done = (now - transition.started) / pace.seconds
    else:  # pragma: no cover - Pace is closed
        raise TypeError(pace)
    if done >= 1:
        return None
    return max(transition.step, min(length - 1, int(done * length)))


def advance(server: Server, now: float, *, observed: bool) -> Server:
    """Move ``server`` along its current action as far as its pace allows; unchanged when idle.

    :param observed: True when a client is reading the server (counts as a poll for ``AfterPolls``).
    """
    transition = server.transition
    if transition is None:
        return server
    if observed:
        transition = replace(transition, polls=transition.polls + 1)
        server = replace(server, transition=transition)
    row = LIFECYCLE[Action(transition.action)]
    target = _target_step(transition, len(row.path), now)
    if target is None:
        return _finish(server, row, now)
    if target != transition.step:
        return _enter(replace(server, updated_at=now), row, target)
    return server


def step_manually(server: Server, now: float) -> Server:
    """Move one step along the path, or finish it: how the control plane drives a ``Manual`` pace."""
    transition = server.transition
    if transition is None:
        return server
    row = LIFECYCLE[Action(transition.action)]
    if transition.step + 1 < len(row.path):
        return _enter(replace(server, updated_at=now), row, transition.step + 1)
    return _finish(server, row, now)
