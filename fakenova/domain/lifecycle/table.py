"""The LIFECYCLE table: one row per server action, with its guards, path, outcomes, policy and versions.

The writes to a server's sub-resources (metadata, tags, interfaces, volume attachments) are guards-only rows
too, so one ``check_guards`` serves every 409 Nova words as ``Cannot '<name>' instance …``.

Facts are Nova's (``nova/compute/api.py`` decorators, ``vm_states.ALLOW_*``, the compute manager's task
states; nova-facts §f). A row with an empty path changes no state through the engine: its guards are
checked, then its use case does the rest (lock, consoles, security groups …). ``engine.py`` is the
engine that walks these rows; ``vocabulary.py`` defines the types.
"""
from __future__ import annotations

from typing import Any, FrozenSet, Mapping, Optional, Tuple

from ...microversions import VersionRange
from ...policies.compute import RULES as POLICY_RULES
from ..states import PowerState, TaskState, VmState
from .vocabulary import NOT_RECORDED, Action, Effect, End, Finish, Outcome, Row, Step

__all__ = ["LIFECYCLE", "ROWS", "NOT_RECORDED", "Action", "Effect", "End", "Finish", "Outcome", "Row", "Step"]

_V = VmState
_T = TaskState
_ANY = None

# Nova's named sets (nova/compute/vm_states.py and the decorators of nova/compute/api.py)
ALLOW_SOFT_REBOOT = frozenset({_V.ACTIVE})
ALLOW_HARD_REBOOT = frozenset({_V.ACTIVE, _V.STOPPED, _V.PAUSED, _V.SUSPENDED, _V.ERROR})
HARD_REBOOT_TASKS = frozenset({_T.REBOOTING, _T.REBOOT_PENDING, _T.REBOOT_STARTED, _T.RESUMING,
                               _T.REBOOTING_HARD, _T.UNPAUSING, _T.PAUSING, _T.SUSPENDING})
ALLOW_STOP = frozenset({_V.ACTIVE, _V.ERROR})
ALLOW_RESIZE = frozenset({_V.ACTIVE, _V.STOPPED})
ALLOW_REBUILD = frozenset({_V.ACTIVE, _V.STOPPED, _V.ERROR})
ALLOW_SNAPSHOT = frozenset({_V.ACTIVE, _V.STOPPED, _V.PAUSED, _V.SUSPENDED})
ALLOW_SHELVE = ALLOW_SNAPSHOT
ALLOW_UNSHELVE = frozenset({_V.SHELVED, _V.SHELVED_OFFLOADED})
ALLOW_TRIGGER_CRASH_DUMP = frozenset({_V.ACTIVE, _V.PAUSED, _V.RESCUED, _V.RESIZED, _V.ERROR})
ALLOW_LIVE_MIGRATE = frozenset({_V.ACTIVE, _V.PAUSED})
ALLOW_METADATA = frozenset({_V.ACTIVE, _V.PAUSED, _V.SUSPENDED, _V.STOPPED})
ALLOW_INTERFACE = frozenset({_V.ACTIVE, _V.PAUSED, _V.STOPPED})
ALLOW_VOLUME = frozenset({_V.ACTIVE, _V.PAUSED, _V.STOPPED, _V.RESIZED, _V.SOFT_DELETED, _V.SHELVED,
                          _V.SHELVED_OFFLOADED})
ALLOW_SWAP_VOLUME = frozenset({_V.ACTIVE, _V.PAUSED, _V.RESIZED})

_RESIZE_PATH = (Step(None, _T.RESIZE_PREP), Step(None, _T.RESIZE_MIGRATING), Step(None, _T.RESIZE_MIGRATED),
                Step(None, _T.RESIZE_FINISH))
_REBUILD_PATH = (Step(None, _T.REBUILDING), Step(None, _T.REBUILD_BLOCK_DEVICE_MAPPING),
                 Step(None, _T.REBUILD_SPAWNING))
_RESIZE_EVENTS = ("compute_prep_resize", "compute_resize_instance", "compute_finish_resize")
_REBUILD_EVENTS = ("compute_rebuild_instance",)
_SHELVE_PATH = (Step(None, _T.SHELVING), Step(None, _T.SHELVING_IMAGE_PENDING_UPLOAD),
                Step(None, _T.SHELVING_IMAGE_UPLOADING))
_SHELVE_EVENTS = ("compute_shelve_instance",)
_TERMINATE = ("compute_terminate_instance",)
_RESIZED = End(_V.RESIZED, effects=frozenset({Effect.REMEMBERS_ORIGIN, Effect.APPLIES_NEW_FLAVOR}))


def _ok(end: End) -> Mapping[Outcome, End]:
    # Every state-changing action may also be told to fail by a scenario (ERROR with a fault).
    return {Outcome.OK: end, Outcome.ERROR: End(_V.ERROR, faults=True)}


def _simple(action: Action, nova_name: str, allowed: FrozenSet[VmState], task: TaskState, end: VmState,
            rule: str, **extra: Any) -> Row:
    """A one-step member action with the default guards (lock, task None, launched)."""
    return Row(action, nova_name, allowed=allowed, checks_lock=True, task_must_be_none=True,
               path=(Step(None, task),), outcomes=_ok(End(end)), needs_launched=True, rule=rule, **extra)


def _guards_only(action: Action, nova_name: str, rule: str, *, allowed: Optional[FrozenSet[VmState]] = _ANY,
                 lock: bool = False, task_none: bool = False, **extra: Any) -> Row:
    """A row whose use case changes no state through the engine (its guards still apply)."""
    return Row(action, nova_name, allowed=allowed, checks_lock=lock, task_must_be_none=task_none, path=(),
               rule=rule, records=extra.pop("records", NOT_RECORDED), **extra)


def _metadata(action: Action, nova_name: str, rule: str) -> Row:
    # Nova's decorator allows any task_state (``task_state=None``) but wants a launched server.
    return _guards_only(action, nova_name, _API + rule, allowed=ALLOW_METADATA, lock=True, needs_launched=True)


def _tags(action: Action, nova_name: str, rule: str) -> Row:
    # The tags controller checks the vm_state only: no lock, no task_state, no launched_at.
    return _guards_only(action, nova_name, _API + rule, allowed=ALLOW_METADATA)


def _attachment(action: Action, nova_name: str, allowed: FrozenSet[VmState], rule: str) -> Row:
    return _guards_only(action, nova_name, _API + rule, allowed=allowed, lock=True, task_none=True,
                        needs_launched=True)


_API = "os_compute_api:"
_UNTIL_2_43 = VersionRange.of(until="2.43")
_UNTIL_2_5 = VersionRange.of(until="2.5")

ROWS: Tuple[Row, ...] = (
    Row(Action.CREATE, "create", allowed=_ANY, checks_lock=False, task_must_be_none=False,
        path=(Step(_V.BUILDING, _T.SCHEDULING, PowerState.NOSTATE),
              Step(_V.BUILDING, _T.NETWORKING, on_host=True),
              Step(_V.BUILDING, _T.SPAWNING, on_host=True)),
        outcomes={Outcome.OK: End(_V.ACTIVE, PowerState.RUNNING, launches=True),
                  Outcome.ERROR: End(_V.ERROR, PowerState.NOSTATE, faults=True, leaves_host=True)},
        rule=_API + "servers:create", events=("compute__do_build_and_run_instance",)),
    Row(Action.DELETE, "delete", allowed=_ANY, checks_lock=True, task_must_be_none=False,
        path=(Step(None, _T.DELETING),), outcomes={Outcome.OK: End(_V.DELETED, PowerState.NOSTATE, deletes=True)},
        rule=_API + "servers:delete", events=_TERMINATE, finishes=Finish.RELEASES_VOLUMES),
    Row(Action.SOFT_DELETE, "delete", allowed=_ANY, checks_lock=True, task_must_be_none=False,
        path=(Step(None, _T.SOFT_DELETING),), outcomes={Outcome.OK: End(_V.SOFT_DELETED, PowerState.SHUTDOWN)},
        rule=_API + "servers:delete", records="delete", events=_TERMINATE),
    Row(Action.REBOOT_SOFT, "reboot", allowed=ALLOW_SOFT_REBOOT, checks_lock=True, task_must_be_none=True,
        path=(Step(None, _T.REBOOTING), Step(None, _T.REBOOT_PENDING), Step(None, _T.REBOOT_STARTED)),
        outcomes=_ok(End(_V.ACTIVE)), needs_launched=True, rule=_API + "servers:reboot",
        events=("compute_reboot_instance",)),
    Row(Action.REBOOT_HARD, "reboot", allowed=ALLOW_HARD_REBOOT, checks_lock=True, task_must_be_none=True,
        also_allowed_tasks=HARD_REBOOT_TASKS,
        path=(Step(None, _T.REBOOTING_HARD), Step(None, _T.REBOOT_PENDING_HARD),
              Step(None, _T.REBOOT_STARTED_HARD)),
        outcomes=_ok(End(_V.ACTIVE)), needs_launched=True, rule=_API + "servers:reboot",
        events=("compute_reboot_instance",)),
    _simple(Action.STOP, "stop", ALLOW_STOP, _T.POWERING_OFF, _V.STOPPED, _API + "servers:stop",
            needs_host=True, events=("compute_stop_instance",), cell_lookup=True),
    _simple(Action.START, "start", frozenset({_V.STOPPED}), _T.POWERING_ON, _V.ACTIVE, _API + "servers:start",
            needs_host=True, events=("compute_start_instance",), cell_lookup=True),
    _simple(Action.PAUSE, "pause", frozenset({_V.ACTIVE}), _T.PAUSING, _V.PAUSED, _API + "os-pause-server:pause",
            events=("compute_pause_instance",)),
    _simple(Action.UNPAUSE, "unpause", frozenset({_V.PAUSED}), _T.UNPAUSING, _V.ACTIVE,
            _API + "os-pause-server:unpause", events=("compute_unpause_instance",)),
    _simple(Action.SUSPEND, "suspend", frozenset({_V.ACTIVE}), _T.SUSPENDING, _V.SUSPENDED,
            _API + "os-suspend-server:suspend", events=("compute_suspend_instance",)),
    # Nova's resume always ends ACTIVE: suspend is only allowed from ACTIVE, so that is the origin of the pair.
    _simple(Action.RESUME, "resume", frozenset({_V.SUSPENDED}), _T.RESUMING, _V.ACTIVE,
            _API + "os-suspend-server:resume", events=("compute_resume_instance",)),
    _guards_only(Action.LOCK, "lock", _API + "os-lock-server:lock", records="lock"),
    _guards_only(Action.UNLOCK, "unlock", _API + "os-lock-server:unlock", records="unlock"),
    Row(Action.RESIZE, "resize", allowed=ALLOW_RESIZE, checks_lock=True, task_must_be_none=True,
        path=_RESIZE_PATH, outcomes=_ok(_RESIZED), needs_launched=True, rule=_API + "servers:resize",
        events=_RESIZE_EVENTS, migration_type="resize", finishes=Finish.ENDS_MIGRATION,
        unplaced_keeps_state=True),
    Row(Action.CONFIRM_RESIZE, "confirmResize", allowed=frozenset({_V.RESIZED}), checks_lock=True,
        task_must_be_none=True, path=(Step(None, _T.RESIZE_CONFIRMING),),
        outcomes=_ok(End(None, effects=frozenset({Effect.BACK_TO_PREVIOUS, Effect.DROPS_OLD_FLAVOR}))),
        needs_launched=True, rule=_API + "servers:confirm_resize", events=("compute_confirm_resize",)),
    Row(Action.REVERT_RESIZE, "revertResize", allowed=frozenset({_V.RESIZED}), checks_lock=True,
        task_must_be_none=True, path=(Step(None, _T.RESIZE_REVERTING),),
        outcomes=_ok(End(None, effects=frozenset({Effect.BACK_TO_PREVIOUS, Effect.RESTORES_OLD_FLAVOR}))),
        needs_launched=True, rule=_API + "servers:revert_resize",
        events=("compute_revert_resize", "compute_finish_revert_resize")),
    Row(Action.REBUILD, "rebuild", allowed=ALLOW_REBUILD, checks_lock=True, task_must_be_none=True,
        path=_REBUILD_PATH, outcomes=_ok(End(_V.ACTIVE, keeps=frozenset({_V.STOPPED}))), needs_launched=True,
        rule=_API + "servers:rebuild", events=_REBUILD_EVENTS),
    _simple(Action.RESCUE, "rescue", ALLOW_REBUILD, _T.RESCUING, _V.RESCUED, _API + "os-rescue",
            events=("compute_rescue_instance",)),
    _simple(Action.UNRESCUE, "unrescue", frozenset({_V.RESCUED}), _T.UNRESCUING, _V.ACTIVE,
            _API + "os-unrescue", events=("compute_unrescue_instance",)),
    # shelved_offload_time = 0 (Nova's default): shelving goes straight on to offloading, leaving the host.
    Row(Action.SHELVE, "shelve", allowed=ALLOW_SHELVE, checks_lock=True, task_must_be_none=True,
        path=(*_SHELVE_PATH, Step(_V.SHELVED, _T.SHELVING_OFFLOADING, PowerState.SHUTDOWN)),
        outcomes=_ok(End(_V.SHELVED_OFFLOADED, leaves_host=True)), needs_launched=True,
        rule=_API + "os-shelve:shelve", events=_SHELVE_EVENTS, finishes=Finish.ACTIVATES_SNAPSHOTS),
    # any other shelved_offload_time: the server stays SHELVED on its host (offloaded later, or never at -1)
    Row(Action.SHELVE_KEEP_HOST, "shelve", allowed=ALLOW_SHELVE, checks_lock=True, task_must_be_none=True,
        path=_SHELVE_PATH, outcomes=_ok(End(_V.SHELVED, PowerState.SHUTDOWN)), needs_launched=True,
        rule=_API + "os-shelve:shelve", records="shelve", events=_SHELVE_EVENTS,
        finishes=Finish.ACTIVATES_SNAPSHOTS),
    Row(Action.SHELVE_OFFLOAD, "shelveOffload", allowed=frozenset({_V.SHELVED}), checks_lock=True,
        task_must_be_none=True, path=(Step(None, _T.SHELVING_OFFLOADING),),
        outcomes=_ok(End(_V.SHELVED_OFFLOADED, leaves_host=True)), needs_launched=True,
        rule=_API + "os-shelve:shelve_offload", events=("compute_shelve_offload_instance",)),
    Row(Action.UNSHELVE, "unshelve", allowed=ALLOW_UNSHELVE, checks_lock=True, task_must_be_none=True,
        path=(Step(None, _T.UNSHELVING), Step(None, _T.SPAWNING, on_host=True)),
        outcomes=_ok(End(_V.ACTIVE)), needs_launched=True, rule=_API + "os-shelve:unshelve",
        events=("compute_unshelve_instance",), finishes=Finish.DELETES_SHELVED_IMAGE, unplaced_keeps_state=True),
    Row(Action.CREATE_IMAGE, "createImage", allowed=ALLOW_SNAPSHOT, checks_lock=False, task_must_be_none=True,
        path=(Step(None, _T.IMAGE_SNAPSHOT_PENDING), Step(None, _T.IMAGE_SNAPSHOT),
              Step(None, _T.IMAGE_PENDING_UPLOAD), Step(None, _T.IMAGE_UPLOADING)),
        outcomes=_ok(End(None)), needs_launched=True, rule=_API + "servers:create_image",
        events=("compute_snapshot_instance",), finishes=Finish.ACTIVATES_SNAPSHOTS),
    Row(Action.CREATE_BACKUP, "createBackup", allowed=ALLOW_SNAPSHOT, checks_lock=False,
        task_must_be_none=True, path=(Step(None, _T.IMAGE_BACKUP),), outcomes=_ok(End(None)),
        needs_launched=True, rule=_API + "os-create-backup",
        events=("compute_backup_instance",), finishes=Finish.ACTIVATES_SNAPSHOTS),
    _simple(Action.CHANGE_PASSWORD, "changePassword", frozenset({_V.ACTIVE}), _T.UPDATING_PASSWORD, _V.ACTIVE,
            _API + "os-admin-password", events=("compute_set_admin_password",)),
    _guards_only(Action.TRIGGER_CRASH_DUMP, "trigger_crash_dump", _API + "servers:trigger_crash_dump",
                 allowed=ALLOW_TRIGGER_CRASH_DUMP, lock=True, needs_host=True, needs_launched=True,
                 versions=VersionRange.of("2.17"), records="trigger_crash_dump",
                 events=("compute_trigger_crash_dump",), cell_lookup=True),
    Row(Action.RESTORE, "restore", allowed=frozenset({_V.SOFT_DELETED}), checks_lock=True,
        task_must_be_none=True, path=(Step(None, _T.RESTORING),),
        outcomes=_ok(End(_V.ACTIVE, effects=frozenset({Effect.CLEARS_DELETED_AT}))), needs_launched=True,
        rule=_API + "os-deferred-delete:restore", events=("compute_restore_instance",)),
    Row(Action.FORCE_DELETE, "forceDelete", allowed=_ANY, checks_lock=True, task_must_be_none=False,
        path=(Step(None, _T.DELETING),), outcomes={Outcome.OK: End(_V.DELETED, PowerState.NOSTATE, deletes=True)},
        rule=_API + "os-deferred-delete:force", records="delete", events=_TERMINATE,
        finishes=Finish.RELEASES_VOLUMES),
    _guards_only(Action.RESET_STATE, "os-resetState", _API + "os-admin-actions:reset_state", records="resetState"),
    Row(Action.MIGRATE, "migrate", allowed=ALLOW_RESIZE, checks_lock=True, task_must_be_none=True,
        path=_RESIZE_PATH, outcomes=_ok(_RESIZED), needs_launched=True,
        rule=_API + "os-migrate-server:migrate",
        events=_RESIZE_EVENTS, migration_type="migration", finishes=Finish.ENDS_MIGRATION,
        unplaced_keeps_state=True),
    Row(Action.LIVE_MIGRATE, "os-migrateLive", allowed=ALLOW_LIVE_MIGRATE, checks_lock=True,
        task_must_be_none=True, path=(Step(None, _T.MIGRATING),), outcomes=_ok(End(None)), needs_launched=True,
        rule=_API + "os-migrate-server:migrate_live", records="live-migration",
        events=("compute_live_migration",), migration_type="live-migration", finishes=Finish.ENDS_MIGRATION,
        unplaced_keeps_state=True),
    Row(Action.EVACUATE, "evacuate", allowed=ALLOW_REBUILD, checks_lock=False, task_must_be_none=False,
        path=_REBUILD_PATH, outcomes=_ok(End(_V.ACTIVE, keeps=frozenset({_V.STOPPED}))), needs_launched=True,
        rule=_API + "os-evacuate", versions=VersionRange.of(until="2.94"),
        events=_REBUILD_EVENTS, migration_type="evacuation", finishes=Finish.ENDS_MIGRATION),
    # From 2.95 an evacuated server is left stopped, whatever it was.
    Row(Action.EVACUATE_STOPPED, "evacuate", allowed=ALLOW_REBUILD, checks_lock=False, task_must_be_none=False,
        path=_REBUILD_PATH, outcomes=_ok(End(_V.STOPPED)), needs_launched=True,
        rule=_API + "os-evacuate", versions=VersionRange.of("2.95"),
        events=_REBUILD_EVENTS, migration_type="evacuation", finishes=Finish.ENDS_MIGRATION),
    _guards_only(Action.INJECT_NETWORK_INFO, "injectNetworkInfo", _API + "os-admin-actions:inject_network_info",
                 lock=True),
    _guards_only(Action.RESET_NETWORK, "resetNetwork", _API + "os-admin-actions:reset_network"),
    _guards_only(Action.CONSOLE_OUTPUT, "os-getConsoleOutput", _API + "os-console-output", needs_host=True),
    _guards_only(Action.VNC_CONSOLE, "os-getVNCConsole", _API + "os-remote-consoles", needs_host=True,
                 versions=_UNTIL_2_5),
    _guards_only(Action.SPICE_CONSOLE, "os-getSPICEConsole", _API + "os-remote-consoles", needs_host=True,
                 versions=_UNTIL_2_5),
    _guards_only(Action.SERIAL_CONSOLE, "os-getSerialConsole", _API + "os-remote-consoles", needs_host=True,
                 versions=_UNTIL_2_5),
    _guards_only(Action.RDP_CONSOLE, "os-getRDPConsole", _API + "os-remote-consoles", versions=_UNTIL_2_5),
    _guards_only(Action.REMOTE_CONSOLE, "remote-consoles", _API + "os-remote-consoles", needs_host=True,
                 versions=VersionRange.of("2.6")),
    _guards_only(Action.ADD_SECURITY_GROUP, "addSecurityGroup", _API + "os-security-groups:add"),
    _guards_only(Action.REMOVE_SECURITY_GROUP, "removeSecurityGroup", _API + "os-security-groups:remove"),
    _guards_only(Action.ADD_FIXED_IP, "addFixedIp", _API + "os-multinic:add", lock=True, versions=_UNTIL_2_43),
    _guards_only(Action.REMOVE_FIXED_IP, "removeFixedIp", _API + "os-multinic:remove", lock=True,
                 versions=_UNTIL_2_43),
    _guards_only(Action.ADD_FLOATING_IP, "addFloatingIp", _API + "os-floating-ips:add", versions=_UNTIL_2_43),
    _guards_only(Action.REMOVE_FLOATING_IP, "removeFloatingIp", _API + "os-floating-ips:remove",
                 versions=_UNTIL_2_43),
    _metadata(Action.UPDATE_METADATA, "update metadata", "server-metadata:update"),
    _metadata(Action.DELETE_METADATA, "delete metadata", "server-metadata:delete"),
    _tags(Action.UPDATE_TAG, "update tag", "os-server-tags:update"),
    _tags(Action.UPDATE_TAGS, "update tags", "os-server-tags:update_all"),
    _tags(Action.DELETE_TAG, "delete tag", "os-server-tags:delete"),
    _tags(Action.DELETE_TAGS, "delete tags", "os-server-tags:delete_all"),
    _attachment(Action.ATTACH_INTERFACE, "attach_interface", ALLOW_INTERFACE, "os-attach-interfaces:create"),
    _attachment(Action.DETACH_INTERFACE, "detach_interface", ALLOW_INTERFACE, "os-attach-interfaces:delete"),
    _attachment(Action.ATTACH_VOLUME, "attach_volume", ALLOW_VOLUME, "os-volumes-attachments:create"),
    _attachment(Action.DETACH_VOLUME, "detach_volume", ALLOW_VOLUME, "os-volumes-attachments:delete"),
    _attachment(Action.SWAP_VOLUME, "swap_volume", ALLOW_SWAP_VOLUME, "os-volumes-attachments:swap"),
)

LIFECYCLE: Mapping[Action, Row] = {row.action: row for row in ROWS}


def _check_table() -> None:
    if len(LIFECYCLE) != len(ROWS):
        raise AssertionError("LIFECYCLE has two rows for one action")
    for action in Action:
        row = LIFECYCLE.get(action)
        if row is None:
            raise AssertionError(f"LIFECYCLE has no row for {action}")
        if bool(row.path) != (Outcome.OK in row.outcomes):
            raise AssertionError(f"LIFECYCLE row {action}: a path needs an 'ok' outcome, and only a path has one")
        if row.rule not in POLICY_RULES:
            raise AssertionError(f"LIFECYCLE row {action}: its policy rule {row.rule!r} is not in Nova's table")
        if (row.migration_type is not None) != (row.finishes is Finish.ENDS_MIGRATION):
            raise AssertionError(f"LIFECYCLE row {action}: a migration type goes with ending the migration")


_check_table()
