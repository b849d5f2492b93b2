"""STATUS_MAP parity with Nova's _STATE_MAP, written out independently from nova-facts §c."""
import pytest

from fakenova.domain.states import STATUS_MAP, Status, TaskState, VmState, derive_status, status_filter

REBOOT = ["rebooting", "reboot_pending", "reboot_started"]
HARD = ["rebooting_hard", "reboot_pending_hard", "reboot_started_hard"]
REBUILD = ["rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"]
RESIZE = ["resize_prep", "resize_migrating", "resize_migrated", "resize_finish"]

NOVA = {
    "active": ("ACTIVE", {**{t: "REBOOT" for t in REBOOT}, **{t: "HARD_REBOOT" for t in HARD},
                          "updating_password": "PASSWORD", **{t: "REBUILD" for t in REBUILD},
                          "migrating": "MIGRATING", **{t: "RESIZE" for t in RESIZE}}),
    "building": ("BUILD", {}),
    "stopped": ("SHUTOFF", {**{t: "RESIZE" for t in RESIZE}, **{t: "REBUILD" for t in REBUILD}}),
    "resized": ("VERIFY_RESIZE", {"resize_reverting": "REVERT_RESIZE"}),
    "paused": ("PAUSED", {"migrating": "MIGRATING"}),
    "suspended": ("SUSPENDED", {}),
    "rescued": ("RESCUE", {}),
    "error": ("ERROR", {t: "REBUILD" for t in REBUILD}),
    "deleted": ("DELETED", {}),
    "soft-delete": ("SOFT_DELETED", {}),
    "shelved": ("SHELVED", {}),
    "shelved_offloaded": ("SHELVED_OFFLOADED", {}),
}


@pytest.mark.parametrize("vm_state", [v.value for v in VmState])
@pytest.mark.parametrize("task_state", [None] + [t.value for t in TaskState])
def test_every_pair_matches_nova(vm_state, task_state):
    default, overrides = NOVA[vm_state]
    expected = overrides.get(task_state, default) if task_state else default
    assert derive_status(vm_state, task_state).value == expected


def test_table_has_exactly_novas_rows():
    assert {vm.value for vm in STATUS_MAP} == set(NOVA)


def test_unknown_vm_state_is_unknown_and_deleted_wins():
    assert derive_status("bogus", None) is Status.UNKNOWN
    assert derive_status("active", None, deleted=True) is Status.DELETED


def test_status_filter_by_default_status_selects_vm_state_only():
    selected = status_filter(Status.ACTIVE)
    assert selected == {"vm_states": {VmState.ACTIVE}, "task_states": set()}


def test_status_filter_by_task_status_selects_tasks():
    selected = status_filter(Status.HARD_REBOOT)
    assert selected["vm_states"] == {VmState.ACTIVE}
    assert {t.value for t in selected["task_states"]} == set(HARD)
