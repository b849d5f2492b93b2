"""The instance-action log Nova keeps per server, and the ``os-instance-actions`` use cases that read it.

Every use case that acts on a server records it here (:func:`record_row` for a LIFECYCLE row, whose entry
names the instance action and its events; :func:`record` for the sub-resource writes). The log is kept oldest
first under the server's id (kind ``instance_action``) as a tuple of :data:`Recorded` tuples, whatever its
length, and survives the server's deletion as Nova's does (readable for deleted servers from 2.21). Every
event of a recorded action ran at the action's time on its host with its result, so one tuple holds it; the
event names are the row's own tuple, shared by every record. :func:`actions_of` expands them to Nova's dicts;
:func:`list_actions` pages and filters them as Nova does (2.58's ``limit``/``marker``/``changes-since``, 2.66's
``changes-before``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..version_history import at
from . import compute, errors
from .context import RequestContext
from .lifecycle.table import LIFECYCLE, Action
from .ports import Runtime, Store
from .strings import changes_window

_DELETED_SERVER_ACTIONS = at("deleted-server-actions")

#: one recorded action: (action, request_id, user_id, project_id, time, host, result, event names)
Recorded = Tuple[str, str, str, str, float, Optional[str], str, Tuple[str, ...]]


def _expand(server_id: str, stored: Recorded) -> Dict[str, Any]:
    """Nova's shape of one recorded action, with its events."""
    action, request_id, user_id, project_id, when, host, result, names = stored
    return {
        "action": action, "instance_uuid": server_id, "request_id": request_id, "user_id": user_id,
        "project_id": project_id, "start_time": when, "updated_at": when, "message": None,
        "events": [{"event": name, "start_time": when, "finish_time": when, "result": result,
                    "traceback": None, "host": host, "details": None} for name in names],
    }


def record(store: Store, ctx: RequestContext, server_id: str, action: str, *, host: Optional[str] = None,
           result: str = "Success", events: Sequence[str] = ()) -> Dict[str, Any]:
    """Append one action (with its events, finished now) to the server's log and return it.

    :param action: Nova's instance-action name (``attach_interface``, ``live_migration_cancel`` …).
    :param host: the compute host the events ran on, if any.
    :param events: the compute manager's event names.
    """
    stored: Recorded = (action, ctx.request_id, ctx.user_id, ctx.project_id, ctx.now, host, result, tuple(events))
    store.compute("instance_action", server_id, lambda log: (*(log or ()), stored))
    return _expand(server_id, stored)


def record_row(store: Store, ctx: RequestContext, server_id: str, action: Action, *,
               host: Optional[str]) -> Optional[Dict[str, Any]]:
    """Record ``action`` under the instance-action name and events its LIFECYCLE row declares (if any)."""
    row = LIFECYCLE[action]
    if not row.instance_action:
        return None
    return record(store, ctx, server_id, row.instance_action, host=host, events=row.events)


def actions_of(store: Store, server_id: str) -> List[Dict[str, Any]]:
    """The server's actions, newest first (Nova's order)."""
    return [_expand(server_id, stored) for stored in reversed(store.get("instance_action", server_id) or ())]


@dataclass(frozen=True)
class LogQuery:
    """The 2.58+ query of the list (all None below 2.58, where Nova ignores the query)."""

    limit: Optional[int] = None
    marker: Optional[str] = None
    changes_since: Optional[str] = None
    changes_before: Optional[str] = None


def _server(runtime: Runtime, ctx: RequestContext, server_id: str) -> Any:
    def look(current: Any) -> Any:
        return current if current is None or current.deleted else compute.settle(runtime, current, ctx.now,
                                                                                  observed=False)

    server = runtime.store.compute("server", server_id, look, touches=compute.SETTLE_WRITES)
    return compute.callers_server(server, ctx, server_id, deleted_ok=ctx.version >= _DELETED_SERVER_ACTIONS)


def list_actions(runtime: Runtime, ctx: RequestContext, server_id: str, query: LogQuery) -> List[Dict[str, Any]]:
    """The server's actions, newest first, after the marker and within the changes window, up to the limit."""
    _server(runtime, ctx, server_id)
    actions = actions_of(runtime.store, server_id)
    since, before = changes_window(query.changes_since, query.changes_before)
    actions = [a for a in actions if (since is None or a["updated_at"] >= since)
               and (before is None or a["updated_at"] <= before)]
    if query.marker is not None:
        ids = [a["request_id"] for a in actions]
        if query.marker not in ids:
            raise errors.BadRequest(f"Marker {query.marker} could not be found.")
        actions = actions[ids.index(query.marker) + 1:]
    limit = min(query.limit if query.limit is not None else runtime.settings.max_limit, runtime.settings.max_limit)
    return actions[:limit]


def get_action(runtime: Runtime, ctx: RequestContext, server_id: str, request_id: str) -> Dict[str, Any]:
    """One action with its events; 404 ``Action <id> not found``."""
    _server(runtime, ctx, server_id)
    for action in actions_of(runtime.store, server_id):
        if action["request_id"] == request_id:
            return action
    raise errors.NotFound(f"Action {request_id} not found")
