"""The ``os-instance-actions`` use cases: a server's action log, paged and filtered as Nova pages it.

The log itself is written by ``instance_actions.record``; this module finds the server (deleted ones too
from 2.21, as Nova reads them with ``read_deleted='yes'``) and applies 2.58's ``limit``/``marker``/
``changes-since`` and 2.66's ``changes-before``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from ..version_history import at
from . import compute, errors, instance_actions
from .context import RequestContext
from .strings import changes_window

_DELETED_SERVER_ACTIONS = at("deleted-server-actions")


@dataclass(frozen=True)
class LogQuery:
    """The 2.58+ query of the list (all None below 2.58, where Nova ignores the query)."""

    limit: Optional[int] = None
    marker: Optional[str] = None
    changes_since: Optional[str] = None
    changes_before: Optional[str] = None


def _server(runtime: Any, ctx: RequestContext, server_id: str) -> Any:
    def look(current: Any) -> Any:
        return current if current is None or current.deleted else compute.settle(runtime, current, ctx.now,
                                                                                  observed=False)

    server = runtime.store.compute("server", server_id, look, touches=compute.SETTLE_WRITES)
    return compute.callers_server(server, ctx, server_id, deleted_ok=ctx.version >= _DELETED_SERVER_ACTIONS)


def list_actions(runtime: Any, ctx: RequestContext, server_id: str, query: LogQuery) -> List[Dict[str, Any]]:
    """The server's actions, newest first, after the marker and within the changes window, up to the limit."""
    _server(runtime, ctx, server_id)
    actions = instance_actions.actions_of(runtime.store, server_id)
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


def get_action(runtime: Any, ctx: RequestContext, server_id: str, request_id: str) -> Dict[str, Any]:
    """One action with its events; 404 ``Action <id> not found``."""
    _server(runtime, ctx, server_id)
    for action in instance_actions.actions_of(runtime.store, server_id):
        if action["request_id"] == request_id:
            return action
    raise errors.NotFound(f"Action {request_id} not found")
