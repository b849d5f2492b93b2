"""The instance-action log Nova keeps per server: who did what, with which request id, and its events.

Every use case that acts on a server calls :func:`record`; ``os-instance-actions`` renders the log. Records
are plain dicts, kept newest last under the server's id (kind ``instance_action``), and survive the
server's deletion as Nova's do (readable for deleted servers from 2.21).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from .context import RequestContext

#: Nova's compute-manager event name for each recorded action (others record no event)
EVENTS = {
    "create": "compute__do_build_and_run_instance",
    "delete": "compute_terminate_instance",
}


def record(store: Any, ctx: RequestContext, server_id: str, action: str, *, host: Optional[str] = None,
           result: str = "Success", events: Optional[Iterable[str]] = None) -> Dict[str, Any]:
    """Append one action (with its events, finished now) to the server's log and return it.

    :param action: Nova's action name (``create``, ``reboot``, ``attach_interface`` …).
    :param host: the compute host the events ran on, if any.
    :param events: event names; :data:`EVENTS` gives the default for the action.
    """
    names = list(events) if events is not None else [name for name in [EVENTS.get(action)] if name]
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
