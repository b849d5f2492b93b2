"""The vocabulary of the LIFECYCLE table: the Action enum and the row, step, end and outcome types.

``table.py`` writes one :class:`Row` per :class:`Action` in this vocabulary; ``engine.py`` walks them.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import FrozenSet, Mapping, Optional, Tuple

from ...microversions import VersionRange
from ..states import PowerState, TaskState, VmState


class Action(str, enum.Enum):
    CREATE = "create"
    DELETE = "delete"
    SOFT_DELETE = "soft_delete"
    REBOOT_SOFT = "reboot_soft"
    REBOOT_HARD = "reboot_hard"
    STOP = "stop"
    START = "start"
    PAUSE = "pause"
    UNPAUSE = "unpause"
    SUSPEND = "suspend"
    RESUME = "resume"
    LOCK = "lock"
    UNLOCK = "unlock"
    RESIZE = "resize"
    CONFIRM_RESIZE = "confirm_resize"
    REVERT_RESIZE = "revert_resize"
    REBUILD = "rebuild"
    RESCUE = "rescue"
    UNRESCUE = "unrescue"
    SHELVE = "shelve"
    SHELVE_KEEP_HOST = "shelve_keep_host"
    SHELVE_OFFLOAD = "shelve_offload"
    UNSHELVE = "unshelve"
    CREATE_IMAGE = "create_image"
    CREATE_BACKUP = "create_backup"
    CHANGE_PASSWORD = "change_password"
    TRIGGER_CRASH_DUMP = "trigger_crash_dump"
    RESTORE = "restore"
    FORCE_DELETE = "force_delete"
    RESET_STATE = "reset_state"
    MIGRATE = "migrate"
    LIVE_MIGRATE = "live_migrate"
    EVACUATE = "evacuate"
    EVACUATE_STOPPED = "evacuate_stopped"
    INJECT_NETWORK_INFO = "inject_network_info"
    RESET_NETWORK = "reset_network"
    CONSOLE_OUTPUT = "console_output"
    VNC_CONSOLE = "vnc_console"
    SPICE_CONSOLE = "spice_console"
    SERIAL_CONSOLE = "serial_console"
    RDP_CONSOLE = "rdp_console"
    REMOTE_CONSOLE = "remote_console"
    ADD_SECURITY_GROUP = "add_security_group"
    REMOVE_SECURITY_GROUP = "remove_security_group"
    ADD_FIXED_IP = "add_fixed_ip"
    REMOVE_FIXED_IP = "remove_fixed_ip"
    ADD_FLOATING_IP = "add_floating_ip"
    REMOVE_FLOATING_IP = "remove_floating_ip"
    # writes to a server's sub-resources: guards only, under the names Nova's 409s quote
    UPDATE_METADATA = "update_metadata"
    DELETE_METADATA = "delete_metadata"
    UPDATE_TAG = "update_tag"
    UPDATE_TAGS = "update_tags"
    DELETE_TAG = "delete_tag"
    DELETE_TAGS = "delete_tags"
    ATTACH_INTERFACE = "attach_interface"
    DETACH_INTERFACE = "detach_interface"
    ATTACH_VOLUME = "attach_volume"
    DETACH_VOLUME = "detach_volume"
    SWAP_VOLUME = "swap_volume"


class Outcome(str, enum.Enum):
    OK = "ok"
    ERROR = "error"


class Effect(enum.Enum):
    """What an end does besides setting states (the engine has one function per effect)."""

    REMEMBERS_ORIGIN = "remembers_origin"          # resize/migrate: keep the vm_state to return to
    APPLIES_NEW_FLAVOR = "applies_new_flavor"      # resize: flavor <- new_flavor, old kept for revert
    BACK_TO_PREVIOUS = "back_to_previous"          # confirm/revert: end in the remembered vm_state
    DROPS_OLD_FLAVOR = "drops_old_flavor"          # confirmResize
    RESTORES_OLD_FLAVOR = "restores_old_flavor"    # revertResize
    CLEARS_DELETED_AT = "clears_deleted_at"        # restore


class Finish(enum.Enum):
    """What completes an action's records outside the server once its path ends (``finishing.py``)."""

    ACTIVATES_SNAPSHOTS = "activates_snapshots"    # createImage/createBackup: the image becomes active
    ENDS_MIGRATION = "ends_migration"              # resize/migrations/evacuate: the migration record ends
    DELETES_SHELVED_IMAGE = "deletes_shelved_image"  # unshelve: the shelved snapshot is deleted
    RELEASES_VOLUMES = "releases_volumes"          # delete: volumes detached, or deleted on termination


@dataclass(frozen=True)
class Step:
    """One point on a path; ``vm_state=None`` keeps the current one, ``power_state=None`` likewise."""

    vm_state: Optional[VmState]
    task_state: Optional[TaskState]
    power_state: Optional[PowerState] = None
    on_host: bool = False


@dataclass(frozen=True)
class End:
    """Where an outcome leaves the server.

    ``vm_state=None`` returns to the state the action began in, as does an origin listed in ``keeps``
    (a stopped server is stopped again after a rebuild). ``power_state=None`` follows the vm_state.
    """

    vm_state: Optional[VmState]
    power_state: Optional[PowerState] = None
    launches: bool = False
    deletes: bool = False
    faults: bool = False
    leaves_host: bool = False
    keeps: FrozenSet[VmState] = frozenset()
    effects: FrozenSet[Effect] = frozenset()


#: ``records`` value of a row whose action Nova does not write to the instance-action log
NOT_RECORDED = ""


@dataclass(frozen=True)
class Row:
    """One action: its Nova name (as 409 messages quote it), guards, path, outcomes, policy and versions.

    :param allowed: vm_states the action may start from (None: any).
    :param task_must_be_none: the task_state must be None, or one of ``also_allowed_tasks``.
    :param needs_host: 409 ``Instance <id> is not ready`` without a host (Nova's ``check_instance_host``).
    :param needs_launched: 409 ``… while it is in launched_at None`` if it never launched.
    :param records: the instance-action name (None: ``nova_name``; :data:`NOT_RECORDED`: none).
    :param events: the compute manager's event names Nova records under that instance action.
    :param cell_lookup: Nova looks the instance's cell up first, so a missing server is 404 ``Instance <id> has
        no mapping to a cell.`` (os-start, os-stop, trigger_crash_dump; nova-facts §e.2).
    :param migration_type: Nova's ``migration_type`` of the migration record the action writes.
    :param finishes: what completes the action's records once its path ends.
    :param unplaced_keeps_state: when placement finds no host, the action does not start and the server is
        left as it was (Nova's conductor puts the task_state back: resize, migrations, unshelve) instead of
        ending in ERROR with the "No valid host" fault (build, evacuate).
    """

    action: Action
    nova_name: str
    allowed: Optional[FrozenSet[VmState]]
    checks_lock: bool
    task_must_be_none: bool
    path: Tuple[Step, ...]
    outcomes: Mapping[Outcome, End] = field(default_factory=dict)
    also_allowed_tasks: FrozenSet[TaskState] = frozenset()
    needs_host: bool = False
    needs_launched: bool = False
    rule: str = ""
    versions: VersionRange = VersionRange()
    records: Optional[str] = None
    events: Tuple[str, ...] = ()
    cell_lookup: bool = False
    migration_type: Optional[str] = None
    finishes: Optional[Finish] = None
    unplaced_keeps_state: bool = False

    @property
    def instance_action(self) -> Optional[str]:
        """The name this action has in ``os-instance-actions``, or None when Nova records none."""
        return self.nova_name if self.records is None else (self.records or None)
