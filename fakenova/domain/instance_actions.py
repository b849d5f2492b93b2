"""The instance-action log Nova keeps per server: who did what, with which request id, and its events.

Every use case that acts on a server calls :func:`record`; ``os-instance-actions`` renders the log. Records
are plain dicts, kept newest last under the server's id (kind ``instance_action``), and survive the
server's deletion as Nova's do (readable for deleted servers from 2.21).
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


def record(store: Any, ctx: RequestContext, server_id: str, action: str, *, host: Optional[str] = None,
           result: str = "Success", events: Optional[Iterable[str]] = None) -> Dict[str, Any]:
    """Append one action (with its events, finished now) to the server's log and return it.

    :param action: Nova's action name (``create``, ``reboot``, ``attach_interface`` …).
    :param host: the compute host the events ran on, if any.
    :param events: event names; :data:`EVENTS` gives the default for the action.
    """
    names = list(events) if events is not None else list(EVENTS.get(action, ()))
    entry = {
        "action": action, "instance_uuid": server_id, "request_id": ctx.request_id, "user_id": ctx.user_id,
        "project_id": ctx.project_id, "start_time": ctx.now, "updated_at": ctx.now, "message": None,
        "events": [{"event": name, "start_time": ctx.now, "finish_time": ctx.now, "result": result,
                    "traceback": None, "host": host, "details": None} for name in names],
    }
    store.compute("instance_action", server_id, lambda log: (*(log or ()), entry))
    return entry


def actions_of(store: Any, server_id: str) -> List[Dict[str, Any]]:
    """The server's actions, newest first (Nova's order)."""
    log: Tuple[Dict[str, Any], ...] = store.get("instance_action", server_id) or ()
    return list(reversed(log))
