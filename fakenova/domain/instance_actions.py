"""The instance-action log Nova keeps per server: who did what, with which request id, and its events.

Every use case that acts on a server calls :func:`record`; ``os-instance-actions`` renders the log. The log is
kept newest last under the server's id (kind ``instance_action``) and survives the server's deletion as
Nova's do (readable for deleted servers from 2.21).

Every server has at least one action, so the log is stored compact: one tuple per action (see ``_Stored``)
whose events all ran at the action's time on its host with its result, as :func:`record` makes them; the
event names are usually the shared tuple from :data:`EVENTS`. A log of one action (most servers' only one is
``create``) is that tuple itself, longer logs a tuple of them. :func:`actions_of` expands them to Nova's dicts.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from .context import RequestContext

#: Nova's compute-manager event names for each recorded action (others record no event)
EVENTS: Dict[str, Tuple[str, ...]] = {
    "create": ("compute__do_build_and_run_instance",),
    "delete": ("compute_terminate_instance",),
    "reboot": ("compute_reboot_instance",),
    "stop": ("compute_stop_instance",),
    "start": ("compute_start_instance",),
    "pause": ("compute_pause_instance",),
    "unpause": ("compute_unpause_instance",),
    "suspend": ("compute_suspend_instance",),
    "resume": ("compute_resume_instance",),
    "resize": ("compute_prep_resize", "compute_resize_instance", "compute_finish_resize"),
    "migrate": ("compute_prep_resize", "compute_resize_instance", "compute_finish_resize"),
    "confirmResize": ("compute_confirm_resize",),
    "revertResize": ("compute_revert_resize", "compute_finish_revert_resize"),
    "rebuild": ("compute_rebuild_instance",),
    "evacuate": ("compute_rebuild_instance",),
    "rescue": ("compute_rescue_instance",),
    "unrescue": ("compute_unrescue_instance",),
    "shelve": ("compute_shelve_instance",),
    "shelveOffload": ("compute_shelve_offload_instance",),
    "unshelve": ("compute_unshelve_instance",),
    "createImage": ("compute_snapshot_instance",),
    "createBackup": ("compute_backup_instance",),
    "changePassword": ("compute_set_admin_password",),
    "trigger_crash_dump": ("compute_trigger_crash_dump",),
    "restore": ("compute_restore_instance",),
    "live-migration": ("compute_live_migration",),
}


#: one stored action: (action, request_id, user_id, project_id, time, host, result, event names)
_Stored = Tuple[str, str, str, str, float, Optional[str], str, Tuple[str, ...]]


def _expand(server_id: str, stored: _Stored) -> Dict[str, Any]:
    """Nova's shape of one stored action, with its events."""
    action, request_id, user_id, project_id, when, host, result, names = stored
    return {
        "action": action, "instance_uuid": server_id, "request_id": request_id, "user_id": user_id,
        "project_id": project_id, "start_time": when, "updated_at": when, "message": None,
        "events": [{"event": name, "start_time": when, "finish_time": when, "result": result,
                    "traceback": None, "host": host, "details": None} for name in names],
    }


def record(store: Any, ctx: RequestContext, server_id: str, action: str, *, host: Optional[str] = None,
           result: str = "Success", events: Optional[Iterable[str]] = None) -> Dict[str, Any]:
    """Append one action (with its events, finished now) to the server's log and return it.

    :param action: Nova's action name (``create``, ``reboot``, ``attach_interface`` …).
    :param host: the compute host the events ran on, if any.
    :param events: event names; :data:`EVENTS` gives the default for the action.
    """
    names = tuple(events) if events is not None else EVENTS.get(action, ())
    if names == EVENTS.get(action):
        names = EVENTS[action]
    stored: _Stored = (action, ctx.request_id, ctx.user_id, ctx.project_id, ctx.now, host, result, names)
    store.compute("instance_action", server_id, lambda log: stored if log is None else (*_actions(log), stored))
    return _expand(server_id, stored)


def _actions(log: Any) -> Tuple[_Stored, ...]:
    """The stored actions of a log, oldest first (a log of one action is stored as that action)."""
    if not log:
        return ()
    return (log,) if isinstance(log[0], str) else log  # type: ignore[no-any-return]


def actions_of(store: Any, server_id: str) -> List[Dict[str, Any]]:
    """The server's actions, newest first (Nova's order)."""
    return [_expand(server_id, stored) for stored in reversed(_actions(store.get("instance_action", server_id)))]
