"""The list-servers use case: scope, filter, sort and page, as Nova does (basic filters for now).

Servers under way are advanced first (a list is a read of each), so a list never shows a state that a
``GET`` of the same server would not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from ..microversions import V
from . import errors
from .compute import settle
from .context import RequestContext
from .models import Server
from .states import Status, VmState, status_filter

_TRUE = frozenset({"", "1", "t", "true", "on", "y", "yes"})
_FALSE = frozenset({"0", "f", "false", "off", "n", "no"})
_ACCEPTABLE = "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"


@dataclass(frozen=True)
class ListQuery:
    """What a list request asks for, already parsed from the query string."""

    detail: bool = False
    all_tenants: Optional[str] = None
    project_id: Optional[str] = None
    name: Optional[str] = None
    statuses: Tuple[str, ...] = ()
    limit: Optional[int] = None
    marker: Optional[str] = None


def _all_tenants(ctx: RequestContext, query: ListQuery) -> bool:
    if query.all_tenants is None:
        return False
    value = query.all_tenants.strip().lower()
    if value not in _TRUE and value not in _FALSE:
        raise errors.BadRequest(f"Unrecognized value '{query.all_tenants}', acceptable values are: {_ACCEPTABLE}")
    if value in _FALSE:
        return False
    if not ctx.is_admin:
        operation = "detail" if query.detail else "index"
        raise errors.Forbidden(rule=f"os_compute_api:servers:{operation}:get_all_tenants")
    return True


def _status_matcher(ctx: RequestContext, statuses: Tuple[str, ...]):
    """A predicate over servers for ``?status=``; None when no status was asked for."""
    if not statuses:
        return None
    vm_states, task_states, known = set(), set(), True
    for text in statuses:
        try:
            status = Status(text.upper())
        except ValueError:
            known = False
            continue
        if status is Status.DELETED and not ctx.is_admin:
            raise errors.Forbidden("Only administrators may list deleted instances")
        selected = status_filter(status)
        vm_states |= selected["vm_states"]
        task_states |= selected["task_states"]
    if not known and ctx.version >= V("2.38"):
        raise errors.BadRequest("Invalid status value")
    if not vm_states:
        return lambda server: False
    return lambda server: (server.vm_state in vm_states
                           and (not task_states or server.task_state in task_states))


def _name_matcher(pattern: Optional[str]):
    if pattern is None:
        return None
    try:
        compiled = re.compile(pattern)
    except re.error:
        return lambda server: False  # the database would reject the pattern and match nothing
    return lambda server: compiled.search(server.name) is not None


def _scoped(runtime: Any, ctx: RequestContext, query: ListQuery) -> List[Server]:
    store = runtime.store
    if _all_tenants(ctx, query):
        servers = store.list("server", query.project_id) if query.project_id else store.list("server")
    else:
        servers = store.list("server", ctx.project_id)
    settled = []
    for server in servers:
        if server.transition is not None or server.vm_state is VmState.SOFT_DELETED:
            server = store.compute("server", server.id,
                                   lambda current: settle(runtime, current, ctx.now, observed=True))
        settled.append(server)
    return settled


def list_servers(runtime: Any, ctx: RequestContext, query: ListQuery) -> List[Server]:
    """One page of servers, newest first, after the marker; 400 when the marker is unknown."""
    servers = _scoped(runtime, ctx, query)
    status_ok = _status_matcher(ctx, query.statuses)
    name_ok = _name_matcher(query.name)
    wants_deleted = bool(status_ok) and "DELETED" in (s.upper() for s in query.statuses)
    kept = [server for server in servers
            if (not server.deleted or wants_deleted)
            and (server.vm_state is not VmState.SOFT_DELETED or status_ok is not None)
            and (status_ok is None or status_ok(server) or (wants_deleted and server.deleted))
            and (name_ok is None or name_ok(server))]
    kept.sort(key=lambda server: (server.created_at, server.id), reverse=True)
    if query.marker is not None:
        position = next((i for i, server in enumerate(kept) if server.id == query.marker), None)
        if position is None:
            raise errors.BadRequest(f"marker [{query.marker}] not found")
        kept = kept[position + 1:]
    limit = runtime.settings.max_limit if query.limit is None else min(query.limit, runtime.settings.max_limit)
    return kept[:limit]
