"""The lifecycle engine over the LIFECYCLE table (``table.py``): guards, paths and outcomes.

``begin`` checks a row's guards in Nova's order (lock, host, vm_state, task_state, launched) and enters the first
step; ``advance`` moves an action along its path at the transition's pace and applies the chosen outcome at
the end. Both are pure: they return a new :class:`~fakenova.domain.models.Server` and the store applies it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from .. import errors
from ..models import Fault, Server, Transition, evolve
from ..pace import AfterPolls, AfterSeconds, Immediate, Manual, Pace
from ..states import POWER_OF, VmState
from .table import LIFECYCLE, NOT_RECORDED, ROWS, Action, Effect, End, Outcome, Row, Step

__all__ = ["LIFECYCLE", "ROWS", "NOT_RECORDED", "Action", "Effect", "End", "Outcome", "Row", "Step", "Choice",
           "Immediate", "check_guards", "guard", "begin", "advance", "step_manually", "DEFAULT_HOST", "DEFAULT_ZONE"]

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


def _lock_guard(server: Server, row: Row, is_admin: bool) -> None:
    if row.checks_lock and server.locked_by is not None and not is_admin:
        raise errors.InstanceIsLocked(uuid=server.id)


def _host_guard(server: Server, row: Row, is_admin: bool) -> None:
    if row.needs_host and not server.host:
        raise errors.InstanceNotReady(uuid=server.id)


def _vm_state_guard(server: Server, row: Row, is_admin: bool) -> None:
    if row.allowed is not None and server.vm_state not in row.allowed:
        raise errors.InstanceInvalidState(action=row.nova_name, uuid=server.id, attr="vm_state",
                                          state=server.vm_state.value)


def _task_state_guard(server: Server, row: Row, is_admin: bool) -> None:
    task = server.task_state
    if row.task_must_be_none and task is not None and task not in row.also_allowed_tasks:
        raise errors.InstanceInvalidState(action=row.nova_name, uuid=server.id, attr="task_state",
                                          state=task.value)


def _launched_guard(server: Server, row: Row, is_admin: bool) -> None:
    if row.needs_launched and server.launched_at is None:
        raise errors.InstanceInvalidState(action=row.nova_name, uuid=server.id, attr="launched_at", state="None")


#: Nova's order: check_instance_lock, check_instance_host, then check_instance_state (vm, task, launched)
GUARDS = (_lock_guard, _host_guard, _vm_state_guard, _task_state_guard, _launched_guard)


def check_guards(server: Server, row: Row, *, is_admin: bool) -> None:
    """Raise Nova's 409 if ``row`` may not start on ``server``, checking :data:`GUARDS` in order."""
    for guard in GUARDS:
        guard(server, row, is_admin)


def guard(server: Server, action: Action, *, is_admin: bool) -> None:
    """:func:`check_guards` for ``action``'s row (the sub-resource writes call this; admins bypass locks)."""
    check_guards(server, LIFECYCLE[action], is_admin=is_admin)


def begin(server: Server, action: Action, now: float, *, pace: Pace, is_admin: bool,
          outcome: Outcome = Outcome.OK, fault: Optional[Fault] = None, destination: Optional[str] = None,
          zone: Optional[str] = None) -> Server:
    """Check the guards of ``action`` and enter the first step of its path.

    :param outcome: the declared end to reach (a scenario may choose ``error``).
    :param fault: the fault an ``error`` outcome leaves; Nova's scheduling failure when None.
    :param destination: the host placement chose: for a server without one (``DEFAULT_HOST`` when None),
        or the host a move takes it to (the server is there once the path ends).
    :param zone: ``destination``'s availability zone (``DEFAULT_ZONE`` when None).
    :raises ValueError: for a guards-only row (no path) or an outcome the row does not declare.
    """
    row = LIFECYCLE[action]
    check_guards(server, row, is_admin=is_admin)
    if not row.path:
        raise ValueError(f"action {action.value} changes no state through the lifecycle")
    if outcome not in row.outcomes:
        raise ValueError(f"action {action.value} has no outcome {outcome.value}")
    transition = Transition(action=action, outcome=outcome.value, step=0, started=now, polls=0,
                            origin=server.vm_state, pace=pace, fault=fault, destination=destination, zone=zone)
    return _enter(evolve(server, transition=transition, updated_at=now), row, 0)


def _zone(server: Server, host: Optional[str]) -> str:
    """A scheduled server is in its host's zone; an unscheduled one shows the zone it asked for."""
    if not host:
        return server.requested_zone or ""
    if host == server.host and server.availability_zone:
        return server.availability_zone
    transition = server.transition
    return (transition.zone if transition is not None else None) or DEFAULT_ZONE


def _destination(server: Server) -> str:
    """Where the action puts the server: the host placement chose (a build, an unshelve or a move), else
    where it is."""
    transition = server.transition
    return (transition.destination if transition is not None else None) or server.host or DEFAULT_HOST


def _enter(server: Server, row: Row, index: int) -> Server:
    step = row.path[index]
    host = _destination(server) if step.on_host else server.host
    progress = 100 * index // len(row.path)
    assert server.transition is not None
    return evolve(
        server,
        vm_state=step.vm_state or server.vm_state,
        task_state=step.task_state,
        power_state=server.power_state if step.power_state is None else step.power_state,
        host=host, node=host, progress=progress, availability_zone=_zone(server, host),
        transition=evolve(server.transition, step=index),
    )


def _end_state(server: Server, end: End, origin: VmState) -> VmState:
    if Effect.BACK_TO_PREVIOUS in end.effects:
        return server.previous_vm_state or VmState.ACTIVE
    if end.vm_state is None or origin in end.keeps:
        return origin
    return end.vm_state


def _remember_origin(server: Server, origin: VmState) -> Server:
    return evolve(server, previous_vm_state=origin)


def _apply_new_flavor(server: Server, origin: VmState) -> Server:
    # A cold migration has no new flavor: the old one is kept for revert all the same.
    return evolve(server, old_flavor=server.flavor, flavor=server.new_flavor or server.flavor, new_flavor=None)


def _drop_old_flavor(server: Server, origin: VmState) -> Server:
    return evolve(server, old_flavor=None, previous_vm_state=None)


def _restore_old_flavor(server: Server, origin: VmState) -> Server:
    return evolve(server, flavor=server.old_flavor or server.flavor, old_flavor=None, previous_vm_state=None)


def _clear_deleted_at(server: Server, origin: VmState) -> Server:
    return evolve(server, deleted_at=None)


#: one function per :class:`Effect`, applied after the end's states are set
EFFECTS: Mapping[Effect, Callable[[Server, VmState], Server]] = {
    Effect.REMEMBERS_ORIGIN: _remember_origin,
    Effect.APPLIES_NEW_FLAVOR: _apply_new_flavor,
    Effect.BACK_TO_PREVIOUS: lambda server, origin: server,  # read by _end_state, before the flavor effects
    Effect.DROPS_OLD_FLAVOR: _drop_old_flavor,
    Effect.RESTORES_OLD_FLAVOR: _restore_old_flavor,
    Effect.CLEARS_DELETED_AT: _clear_deleted_at,
}
if set(EFFECTS) != set(Effect):
    raise AssertionError("EFFECTS needs a function for every Effect")


def _finish(server: Server, row: Row, now: float) -> Server:
    transition = server.transition
    assert transition is not None
    end = row.outcomes[Outcome(transition.outcome)]
    fault = server.fault
    if end.faults:
        fault = transition.fault or Fault(code=500, message=DEFAULT_FAULT_MESSAGE, created=now)
    # a move that fails leaves the server on the host it was leaving
    host = None if end.leaves_host else server.host if end.faults and server.host else _destination(server)
    vm_state = _end_state(server, end, transition.origin)
    power = end.power_state if end.power_state is not None else POWER_OF.get(vm_state, server.power_state)
    finished = evolve(
        server,
        vm_state=vm_state, task_state=None, power_state=power,
        progress=0, fault=fault, host=host, node=host, availability_zone=_zone(server, host),
        launched_at=now if end.launches else server.launched_at,
        deleted=end.deletes or server.deleted,
        deleted_at=now if (end.deletes or end.vm_state is VmState.SOFT_DELETED) else server.deleted_at,
        terminated_at=now if end.deletes else server.terminated_at,
        updated_at=now, transition=None,
    )
    for effect in sorted(end.effects, key=lambda e: e.value):
        finished = EFFECTS[effect](finished, transition.origin)
    return finished


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
        transition = evolve(transition, polls=transition.polls + 1)
        server = evolve(server, transition=transition)
    row = LIFECYCLE[transition.action]
    target = _target_step(transition, len(row.path), now)
    if target is None:
        return _finish(server, row, now)
    if target != transition.step:
        return _enter(evolve(server, updated_at=now), row, target)
    return server


def step_manually(server: Server, now: float) -> Server:
    """Move one step along the path, or finish it: how the control plane drives a ``Manual`` pace."""
    transition = server.transition
    if transition is None:
        return server
    row = LIFECYCLE[transition.action]
    if transition.step + 1 < len(row.path):
        return _enter(evolve(server, updated_at=now), row, transition.step + 1)
    return _finish(server, row, now)
