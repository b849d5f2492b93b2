"""The lifecycle engine: guards in Nova's order and paces on an injected clock (no sleeping)."""
import dataclasses

import pytest

from fakenova.domain import errors
from fakenova.domain.lifecycle import engine as lifecycle
from fakenova.domain.lifecycle.engine import LIFECYCLE, Action, Outcome
from fakenova.domain.models import Fault, Server
from fakenova.domain.pace import AfterPolls, AfterSeconds, Immediate, Manual, parse_pace
from fakenova.domain.states import PowerState, TaskState, VmState, derive_status

FLAVOR = {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1, "ephemeral": 0, "swap": 0,
          "extra_specs": {}}


def make_server(**changes):
    server = Server(id="3f1e", name="vm", project_id="p", user_id="u", flavor=FLAVOR, image_id="img",
                    created_at=0.0, updated_at=0.0)
    return dataclasses.replace(server, **changes)


def created(pace, outcome=Outcome.OK):
    return lifecycle.begin(make_server(), Action.CREATE, 0.0, pace=pace, is_admin=False, outcome=outcome)


def test_create_starts_scheduling_without_host():
    server = created(AfterPolls(3))
    assert (server.vm_state, server.task_state, server.host) == (VmState.BUILDING, TaskState.SCHEDULING, None)
    assert server.progress == 0


def test_immediate_finishes_at_first_look():
    server = lifecycle.advance(created(Immediate()), 5.0, observed=False)
    assert (server.vm_state, server.task_state, server.power_state) == (VmState.ACTIVE, None, PowerState.RUNNING)
    assert server.launched_at == 5.0 and server.host == lifecycle.DEFAULT_HOST
    assert server.availability_zone == "nova" and server.transition is None


def test_after_polls_walks_the_path_then_finishes():
    server = created(AfterPolls(3))
    seen = []
    for _ in range(3):
        server = lifecycle.advance(server, 0.0, observed=True)
        seen.append((derive_status(server.vm_state.value, server.task_state and server.task_state.value).value,
                     server.task_state))
    assert seen == [("BUILD", TaskState.NETWORKING), ("BUILD", TaskState.SPAWNING), ("ACTIVE", None)]


def test_unobserved_advance_does_not_count_as_poll():
    server = lifecycle.advance(created(AfterPolls(1)), 0.0, observed=False)
    assert server.vm_state is VmState.BUILDING


def test_after_seconds_uses_the_clock():
    server = created(AfterSeconds(10))
    assert lifecycle.advance(server, 5.0, observed=True).task_state is TaskState.NETWORKING
    assert lifecycle.advance(server, 9.9, observed=True).vm_state is VmState.BUILDING
    assert lifecycle.advance(server, 10.0, observed=True).vm_state is VmState.ACTIVE


def test_manual_moves_only_when_stepped():
    server = created(Manual())
    assert lifecycle.advance(server, 1e9, observed=True).task_state is TaskState.SCHEDULING
    for expected in (TaskState.NETWORKING, TaskState.SPAWNING, None):
        server = lifecycle.step_manually(server, 1.0)
        assert server.task_state is expected
    assert server.vm_state is VmState.ACTIVE


def test_error_outcome_sets_default_fault_and_no_host():
    server = lifecycle.advance(created(Immediate(), Outcome.ERROR), 7.0, observed=True)
    assert server.vm_state is VmState.ERROR and server.host is None
    assert server.fault == Fault(code=500, message=lifecycle.DEFAULT_FAULT_MESSAGE, created=7.0)


def test_delete_of_locked_server_is_refused_for_members_only():
    locked = make_server(vm_state=VmState.ACTIVE, task_state=None, locked_by="owner")
    with pytest.raises(errors.InstanceIsLocked) as caught:
        lifecycle.begin(locked, Action.DELETE, 0.0, pace=Immediate(), is_admin=False)
    assert caught.value.message == "Instance 3f1e is locked" and caught.value.code == 409
    gone = lifecycle.advance(lifecycle.begin(locked, Action.DELETE, 0.0, pace=Immediate(), is_admin=True),
                             1.0, observed=True)
    assert gone.deleted and gone.vm_state is VmState.DELETED and gone.deleted_at == 1.0


def test_delete_shows_deleting_with_old_status():
    server = make_server(vm_state=VmState.ACTIVE, task_state=None)
    deleting = lifecycle.begin(server, Action.DELETE, 0.0, pace=AfterPolls(2), is_admin=False)
    assert derive_status(deleting.vm_state.value, deleting.task_state.value).value == "ACTIVE"
    assert deleting.task_state is TaskState.DELETING


@pytest.mark.parametrize("action", list(Action))
def test_a_row_has_an_ok_outcome_exactly_when_it_has_a_path(action):
    row = LIFECYCLE[action]
    assert bool(row.path) == (Outcome.OK in row.outcomes)


@pytest.mark.parametrize("text,expected", [("immediate", Immediate()), ("manual", Manual()),
                                           ("polls:3", AfterPolls(3)), ("seconds:1.5", AfterSeconds(1.5))])
def test_parse_pace(text, expected):
    assert parse_pace(text) == expected and str(expected) in (text, "seconds:1.5")


@pytest.mark.parametrize("text", ["", "polls:0", "polls:x", "seconds:-1", "fast", "immediate:1"])
def test_parse_pace_rejects(text):
    with pytest.raises(ValueError):
        parse_pace(text)


@pytest.mark.parametrize("action,outcome,host,vm_state", [
    (Action.LIVE_MIGRATE, Outcome.OK, "h2", VmState.ACTIVE),
    (Action.MIGRATE, Outcome.OK, "h2", VmState.RESIZED),
    (Action.EVACUATE, Outcome.OK, "h2", VmState.ACTIVE),
    (Action.EVACUATE, Outcome.ERROR, "h1", VmState.ERROR),  # a failed move stays on the host it was leaving
])
def test_a_move_stays_on_its_host_until_its_path_ends(action, outcome, host, vm_state):
    active = make_server(vm_state=VmState.ACTIVE, task_state=None, power_state=PowerState.RUNNING, host="h1", node="h1",
                         launched_at=0.0, availability_zone="nova")
    moving = lifecycle.begin(active, action, 1.0, pace=AfterPolls(2), is_admin=True, outcome=outcome,
                             destination="h2", zone="az2")
    assert moving.host == "h1" and moving.task_state is LIFECYCLE[action].path[0].task_state
    moved = lifecycle.advance(lifecycle.advance(moving, 2.0, observed=True), 3.0, observed=True)
    assert (moved.host, moved.node, moved.vm_state, moved.transition) == (host, host, vm_state, None)
    assert moved.availability_zone == ("az2" if host == "h2" else "nova")
