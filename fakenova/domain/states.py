"""Nova's server vocabulary (vm_state, task_state, power_state) and the status derived from it.

``STATUS_MAP`` is Nova's ``_STATE_MAP`` (``nova/api/openstack/common.py``) row for row; ``status`` is never
stored, only derived by :func:`derive_status`.
"""
from __future__ import annotations

import enum
from typing import Any, Dict, Mapping, Optional, Set


class VmState(str, enum.Enum):
    ACTIVE = "active"
    BUILDING = "building"
    PAUSED = "paused"
    SUSPENDED = "suspended"
    STOPPED = "stopped"
    RESCUED = "rescued"
    RESIZED = "resized"
    SOFT_DELETED = "soft-delete"
    DELETED = "deleted"
    ERROR = "error"
    SHELVED = "shelved"
    SHELVED_OFFLOADED = "shelved_offloaded"


class TaskState(str, enum.Enum):
    SCHEDULING = "scheduling"
    BLOCK_DEVICE_MAPPING = "block_device_mapping"
    NETWORKING = "networking"
    SPAWNING = "spawning"
    IMAGE_SNAPSHOT = "image_snapshot"
    IMAGE_SNAPSHOT_PENDING = "image_snapshot_pending"
    IMAGE_PENDING_UPLOAD = "image_pending_upload"
    IMAGE_UPLOADING = "image_uploading"
    IMAGE_BACKUP = "image_backup"
    UPDATING_PASSWORD = "updating_password"
    RESIZE_PREP = "resize_prep"
    RESIZE_MIGRATING = "resize_migrating"
    RESIZE_MIGRATED = "resize_migrated"
    RESIZE_FINISH = "resize_finish"
    RESIZE_REVERTING = "resize_reverting"
    RESIZE_CONFIRMING = "resize_confirming"
    REBOOTING = "rebooting"
    REBOOT_PENDING = "reboot_pending"
    REBOOT_STARTED = "reboot_started"
    REBOOTING_HARD = "rebooting_hard"
    REBOOT_PENDING_HARD = "reboot_pending_hard"
    REBOOT_STARTED_HARD = "reboot_started_hard"
    PAUSING = "pausing"
    UNPAUSING = "unpausing"
    SUSPENDING = "suspending"
    RESUMING = "resuming"
    POWERING_OFF = "powering-off"
    POWERING_ON = "powering-on"
    RESCUING = "rescuing"
    UNRESCUING = "unrescuing"
    REBUILDING = "rebuilding"
    REBUILD_BLOCK_DEVICE_MAPPING = "rebuild_block_device_mapping"
    REBUILD_SPAWNING = "rebuild_spawning"
    MIGRATING = "migrating"
    DELETING = "deleting"
    SOFT_DELETING = "soft-deleting"
    RESTORING = "restoring"
    SHELVING = "shelving"
    SHELVING_IMAGE_PENDING_UPLOAD = "shelving_image_pending_upload"
    SHELVING_IMAGE_UPLOADING = "shelving_image_uploading"
    SHELVING_OFFLOADING = "shelving_offloading"
    UNSHELVING = "unshelving"


class PowerState(enum.IntEnum):
    NOSTATE = 0
    RUNNING = 1
    PAUSED = 3
    SHUTDOWN = 4
    CRASHED = 6
    SUSPENDED = 7


class Status(str, enum.Enum):
    """The statuses the API shows (Nova's response-schema enum)."""

    ACTIVE = "ACTIVE"
    BUILD = "BUILD"
    DELETED = "DELETED"
    ERROR = "ERROR"
    HARD_REBOOT = "HARD_REBOOT"
    MIGRATING = "MIGRATING"
    PASSWORD = "PASSWORD"
    PAUSED = "PAUSED"
    REBOOT = "REBOOT"
    REBUILD = "REBUILD"
    RESCUE = "RESCUE"
    RESIZE = "RESIZE"
    REVERT_RESIZE = "REVERT_RESIZE"
    SHELVED = "SHELVED"
    SHELVED_OFFLOADED = "SHELVED_OFFLOADED"
    SHUTOFF = "SHUTOFF"
    SOFT_DELETED = "SOFT_DELETED"
    SUSPENDED = "SUSPENDED"
    UNKNOWN = "UNKNOWN"
    VERIFY_RESIZE = "VERIFY_RESIZE"


#: the power state a server settles in when an action leaves it in one of these vm_states (nova-facts §c).
#: The others are left out on purpose: a stopped server resized stays off, a failed one keeps its power.
POWER_OF: Mapping[VmState, PowerState] = {
    VmState.ACTIVE: PowerState.RUNNING, VmState.STOPPED: PowerState.SHUTDOWN, VmState.PAUSED: PowerState.PAUSED,
    VmState.SUSPENDED: PowerState.SUSPENDED, VmState.RESCUED: PowerState.RUNNING,
    VmState.SHELVED: PowerState.SHUTDOWN, VmState.SHELVED_OFFLOADED: PowerState.SHUTDOWN,
    VmState.SOFT_DELETED: PowerState.SHUTDOWN,
}

#: a vm_state's usual power state, for a state that is pinned (seed, scenario, control plane) without one
USUAL_POWER: Mapping[VmState, PowerState] = {
    **POWER_OF, VmState.RESIZED: PowerState.RUNNING,
    VmState.BUILDING: PowerState.NOSTATE, VmState.ERROR: PowerState.NOSTATE, VmState.DELETED: PowerState.NOSTATE,
}

if set(USUAL_POWER) != set(VmState):
    raise AssertionError("USUAL_POWER must have a row for every VmState")

_T = TaskState
_REBOOT = {_T.REBOOTING: Status.REBOOT, _T.REBOOT_PENDING: Status.REBOOT, _T.REBOOT_STARTED: Status.REBOOT}
_HARD_REBOOT = {_T.REBOOTING_HARD: Status.HARD_REBOOT, _T.REBOOT_PENDING_HARD: Status.HARD_REBOOT,
                _T.REBOOT_STARTED_HARD: Status.HARD_REBOOT}
_REBUILD = {_T.REBUILDING: Status.REBUILD, _T.REBUILD_BLOCK_DEVICE_MAPPING: Status.REBUILD,
            _T.REBUILD_SPAWNING: Status.REBUILD}
_RESIZE = {_T.RESIZE_PREP: Status.RESIZE, _T.RESIZE_MIGRATING: Status.RESIZE,
           _T.RESIZE_MIGRATED: Status.RESIZE, _T.RESIZE_FINISH: Status.RESIZE}

#: vm_state -> (default status, {task_state: status overrides})
STATUS_MAP: Mapping[VmState, "tuple[Status, Mapping[TaskState, Status]]"] = {
    VmState.ACTIVE: (Status.ACTIVE, {**_REBOOT, **_HARD_REBOOT, **_REBUILD, **_RESIZE,
                                     _T.UPDATING_PASSWORD: Status.PASSWORD, _T.MIGRATING: Status.MIGRATING}),
    VmState.BUILDING: (Status.BUILD, {}),
    VmState.STOPPED: (Status.SHUTOFF, {**_RESIZE, **_REBUILD}),
    VmState.RESIZED: (Status.VERIFY_RESIZE, {_T.RESIZE_REVERTING: Status.REVERT_RESIZE}),
    VmState.PAUSED: (Status.PAUSED, {_T.MIGRATING: Status.MIGRATING}),
    VmState.SUSPENDED: (Status.SUSPENDED, {}),
    VmState.RESCUED: (Status.RESCUE, {}),
    VmState.ERROR: (Status.ERROR, {**_REBUILD}),
    VmState.DELETED: (Status.DELETED, {}),
    VmState.SOFT_DELETED: (Status.SOFT_DELETED, {}),
    VmState.SHELVED: (Status.SHELVED, {}),
    VmState.SHELVED_OFFLOADED: (Status.SHELVED_OFFLOADED, {}),
}

if set(STATUS_MAP) != set(VmState):
    raise AssertionError("STATUS_MAP must have a row for every VmState")

#: statuses for which Nova shows ``progress``
PROGRESS_STATUSES = frozenset({Status.ACTIVE, Status.BUILD, Status.REBUILD, Status.RESIZE,
                               Status.VERIFY_RESIZE, Status.MIGRATING})
#: statuses for which Nova shows ``fault`` (when one exists)
FAULT_STATUSES = frozenset({Status.ERROR, Status.DELETED})


def derive_status(vm_state: str, task_state: Optional[str], deleted: bool = False) -> Status:
    """The API status for a stored (vm_state, task_state), exactly as Nova's ``status_from_state``.

    :param vm_state: the stored vm_state string (``soft-delete``, not ``SOFT_DELETED``).
    :param task_state: the stored task_state string or None.
    :param deleted: a deleted row always shows DELETED.
    """
    if deleted:
        return Status.DELETED
    try:
        default, overrides = STATUS_MAP[VmState(vm_state)]
    except ValueError:
        return Status.UNKNOWN
    if task_state is None:
        return default
    try:
        return overrides.get(TaskState(task_state), default)
    except ValueError:
        return default


def status_filter(status: Status) -> Dict[str, Set[Any]]:
    """The (vm_states, task_states) a ``?status=`` value selects, as Nova's ``task_and_vm_state_from_status``.

    A status that is some vm_state's default selects by vm_state only (``ACTIVE`` also matches REBOOT).
    """
    vm_states = set()
    task_states = set()
    for vm_state, (default, overrides) in STATUS_MAP.items():
        if default == status:
            vm_states.add(vm_state)
        for task_state, shown in overrides.items():
            if shown == status:
                vm_states.add(vm_state)
                task_states.add(task_state)
    if any(STATUS_MAP[vm][0] == status for vm in vm_states):
        task_states = set()
    return {"vm_states": vm_states, "task_states": task_states}
