"""The list-servers use case: scope, filter, sort and page exactly as Nova's ``_get_servers`` does.

The order of checks (and so which error a bad request gets) follows Nova: allow-list, invalid filter fields,
status, the changes-since/before window, deleted, all_tenants, locked, sort keys, then the store (sort
direction, marker). Servers with an action under way are settled first (a list is a read of each, so it never
shows a state a ``GET`` would not); the set of such servers is a mark kept by the store, so settling costs
their number, not the collection's. The page is then read by walking the store's ``(created_at, uuid)``
index from the marker, filtering as it goes, until the page is full; other sort orders sort the scope.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, cast

from ..store.base import OrderedStore
from ..version_history import at
from . import errors, policy, retention, server_sort
from . import server_filters as filters
from .compute import SETTLE_WRITES, settle
from .context import RequestContext
from .models import Server
from .ports import Runtime, Store
from .states import Status, VmState, status_filter
from .strings import changes_window

SERVER = retention.SERVER
Predicate = Callable[[Server], bool]
_EMPTY = object()  # an unknown status before it is rejected: Nova answers an empty list at once
_INVALID_STATUS_REJECTED = at("invalid-status-rejected")


@dataclass(frozen=True)
class ListQuery:
    """What a list request asks for: the validated query (``{name: [values]}``) and which view."""

    args: Mapping[str, Sequence[str]] = field(default_factory=dict)
    detail: bool = False


@dataclass(frozen=True)
class Page:
    """One page of servers, and the ``limit`` the request gave (None when absent) for ``servers_links``."""

    servers: List[Server]
    limit: Optional[int]


def _allowed(ctx: RequestContext, args: Mapping[str, Sequence[str]]) -> Dict[str, Sequence[str]]:
    """The parameters this caller may use; the rest are dropped silently (``remove_invalid_options``)."""
    if not policy.allowed(ctx, "os_compute_api:servers:allow_all_filters"):
        return {name: values for name, values in args.items() if filters.member_may_use(name, ctx.version)}
    for name in args:
        if name in filters.JOINED or name.startswith("_"):
            raise errors.BadRequest(f"Invalid filter field: {name}.")
    return dict(args)


def _status(ctx: RequestContext, texts: Sequence[str]) -> Any:
    """``(vm_states, task_states or None)`` selected by ``?status=``; None without it; ``_EMPTY`` when none
    of the values is a status (a 400 instead once the version has ``invalid-status-rejected``)."""
    if not texts:
        return None
    vm_states: set = set()
    task_states: set = set()
    by_default = False
    for text in texts:
        try:
            status = Status(text.strip().upper())
        except ValueError:
            continue
        chosen = status_filter(status)
        vm_states |= chosen["vm_states"]
        task_states |= chosen["task_states"]
        # A status that is some vm_state's default selects by vm_state alone, for every value given.
        by_default = by_default or not chosen["task_states"]
    if not vm_states:
        if ctx.version >= _INVALID_STATUS_REJECTED:
            raise errors.BadRequest("Invalid status value")
        return _EMPTY
    return frozenset(vm_states), None if by_default else frozenset(task_states)


def _window(values: Mapping[str, str]) -> Tuple[Optional[float], Optional[float]]:
    return changes_window(values.get("changes-since"), values.get("changes-before"))


def _deleted_rule(ctx: RequestContext, values: Mapping[str, str], status: Any) -> Predicate:
    """Which deleted and soft-deleted servers are listed (Nova's ``deleted``/``soft_deleted`` handling)."""
    if status is not None and status[0] == {VmState.DELETED}:
        if not ctx.is_admin:
            raise errors.Forbidden("Only administrators may list deleted instances")
        deleted: Optional[bool] = True
    elif "deleted" in values:
        deleted = filters.loose_bool(values["deleted"])
    elif "changes-since" in values or "changes-before" in values:
        return lambda server: True  # recently deleted servers are part of "what changed", for everyone
    else:
        deleted = False
    # Nova tests the raw soft_deleted string's truthiness: "false" is true, only "" is false.
    if deleted:
        soft = bool(values.get("soft_deleted", True))
        return lambda server: server.deleted or (soft and server.vm_state is VmState.SOFT_DELETED)
    soft = bool(values.get("soft_deleted", ""))
    return lambda server: not server.deleted and (soft or server.vm_state is not VmState.SOFT_DELETED)


def _project(ctx: RequestContext, query: ListQuery, values: Mapping[str, str]) -> Optional[str]:
    """The project listed (None: every project), from ``all_tenants`` and the admin's ``project_id``."""
    if "all_tenants" not in values:
        return ctx.project_id
    raw = values["all_tenants"]
    if raw and not filters.strict_bool(raw):  # present and empty enables it, as Nova's is_all_tenants
        return ctx.project_id
    policy.authorize(ctx, f"os_compute_api:servers:{'detail' if query.detail else 'index'}:get_all_tenants")
    return values.get("project_id") or values.get("tenant_id") or None


def _conditions(values: Mapping[str, str], status: Any, deleted: Predicate) -> List[Predicate]:
    found: List[Predicate] = [deleted]
    if status is not None:
        vm_states, task_states = status
        found.append(lambda server: server.vm_state in vm_states)
        if task_states is not None:
            found.append(lambda server: server.task_state in task_states)
    since, before = _window(values)
    if since is not None:
        found.append(lambda server: server.updated_at >= since)
    if before is not None:
        found.append(lambda server: server.updated_at <= before)
    return found


def list_servers(runtime: Runtime, ctx: RequestContext, query: ListQuery) -> Page:
    """One page of servers after the marker, in the requested order; 400 when the marker is unknown."""
    allowed = _allowed(ctx, query.args)
    values = {name: texts[-1] for name, texts in allowed.items() if texts}  # Nova reads the last value
    limit = int(values["limit"]) if "limit" in values else None
    status = _status(ctx, allowed.get("status", ()))
    if status is _EMPTY:
        return Page([], limit)
    _window(values)
    deleted = _deleted_rule(ctx, values, status)
    project = _project(ctx, query, values)
    conditions = _conditions(values, status, deleted) + list(filters.predicates(values))
    spec = server_sort.parse(allowed.get("sort_key", ()), allowed.get("sort_dir", ()), ctx.version, ctx.is_admin)
    _settle_busy(runtime, ctx, project)
    retention.prune_deleted(runtime)
    size = runtime.settings.max_limit if limit is None else min(limit, runtime.settings.max_limit)
    matching = (server for server in _ordered(runtime.store, project, spec, values.get("marker"))
                if all(condition(server) for condition in conditions))
    return Page([server for _, server in zip(range(size), matching)], limit)


def _settle_busy(runtime: Runtime, ctx: RequestContext, project: Optional[str]) -> None:
    """Advance every server of the scope that has an action under way (or awaits reclaim)."""
    store = runtime.store
    reclaims = runtime.settings.reclaim_instance_interval > 0
    for server in _busy(store, project):
        if server.transition is None and server.vm_state is VmState.SOFT_DELETED and not reclaims:
            continue  # soft-deleted, but nothing will ever reclaim it
        store.compute(SERVER, server.id, lambda current: current if current is None
                      else settle(runtime, current, ctx.now, observed=True), touches=SETTLE_WRITES)


def _busy(store: Store, project: Optional[str]) -> Iterable[Server]:
    if retention.ensure_index(store):
        marked = cast(OrderedStore, store).marked(SERVER, "busy")  # ensure_index said it can
        servers: Iterable[Optional[Server]] = (store.get(SERVER, key) for key in marked)
    else:
        servers = store.list(SERVER, project)
    return [server for server in servers if server is not None and retention.busy(server)
            and (project is None or server.project_id == project)]


def _ordered(store: Store, project: Optional[str], spec: server_sort.SortSpec,
             marker: Optional[str]) -> Iterable[Server]:
    """The scope's servers in ``spec`` order, strictly after the marker (which may be any stored server)."""
    found = store.get(SERVER, marker) if marker is not None else None
    if marker is not None and found is None:
        raise errors.BadRequest(f"marker [{marker}] not found")
    if server_sort.is_index_order(spec) and retention.ensure_index(store):
        after = None if found is None else retention.order(found) + (found.id,)
        return cast(OrderedStore, store).walk(SERVER, project, after=after, descending=spec[0][1])
    servers = server_sort.sort(store.list(SERVER, project), spec)
    if found is None:
        return servers
    # The marker need not be in this listing (another filter, deleted): Nova seeks past its sort values.
    position = _after_position(servers, found, spec)
    return servers[position:]


def _after_position(servers: List[Server], marker: Server, spec: server_sort.SortSpec) -> int:
    for index, server in enumerate(servers):
        if server.id == marker.id:
            return index + 1
    merged = server_sort.sort(servers + [marker], spec)
    return merged.index(marker)

