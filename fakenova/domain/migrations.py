"""``GET /os-migrations``: every migration record, filtered, ordered and paged as Nova's migration list.

Records (kind ``migration``, dicts keyed by uuid) are written by resize, migrate, live-migrate and evacuate
(``lifecycle/finishing.py``). Nova's policies: ``index`` (project manager or admin) lists without host
values; listing another project's or every project's migrations needs ``index:all_projects`` (admin), and
the host values are shown only with ``index:host`` (admin).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import errors, policy
from .context import RequestContext
from .ports import Runtime, Store
from .strings import changes_window

KIND = "migration"
_RULE = "os_compute_api:os-migrations:{}"
#: Nova's in-progress live-migration statuses (the ones a server's migrations API shows)
LIVE_IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")
HOST_FIELDS = ("source_compute", "source_node", "dest_compute", "dest_node", "dest_host")
_TRUE = frozenset({"1", "t", "true", "on", "y", "yes"})

Record = Mapping[str, Any]


def _is(key: str) -> Callable[[Record, str], bool]:
    return lambda record, value: record.get(key) == value


#: query filter -> whether a record passes it (Nova's ``migration_get_all_by_filters``)
FILTERS: Mapping[str, Callable[[Record, str], bool]] = {
    "status": _is("status"),
    "host": lambda record, value: value in (record.get("source_compute"), record.get("dest_compute")),
    "source_compute": _is("source_compute"),
    "migration_type": _is("migration_type"),
    "hidden": lambda record, value: bool(record.get("hidden")) == (value.strip().lower() in _TRUE),
    "instance_uuid": _is("instance_uuid"),
    "user_id": _is("user_id"),
    "project_id": _is("project_id"),
}


@dataclass(frozen=True)
class MigrationQuery:
    """What the list asks for, as the handler has validated it for the request's version.

    :param filters: query filter name -> value (names from :data:`FILTERS`).
    :param paged: 2.59's ordering (newest first) with ``limit`` and ``marker`` (a migration uuid).
    """

    filters: Mapping[str, str] = field(default_factory=dict)
    paged: bool = False
    limit: Optional[int] = None
    marker: Optional[str] = None
    changes_since: Optional[str] = None
    changes_before: Optional[str] = None


def _authorize(ctx: RequestContext, project_id: Optional[str]) -> None:
    policy.authorize(ctx, _RULE.format("index"))
    if project_id != ctx.project_id:
        policy.authorize(ctx, _RULE.format("index:all_projects"))


def _passes(record: Record, filters: Mapping[str, str]) -> bool:
    # Nova filters by ``host`` (either end) and ignores ``source_compute`` when both are given
    active = {k: v for k, v in filters.items() if not (k == "source_compute" and "host" in filters)}
    return all(FILTERS[name](record, value) for name, value in active.items())


def _newest_first(record: Record) -> Tuple[float, int]:
    return (record["created_at"], record["id"])


def _page(records: List[Record], query: MigrationQuery, store: Store, max_limit: int) -> List[Record]:
    records = sorted(records, key=_newest_first, reverse=True)
    if query.marker is not None:
        marker = store.get(KIND, query.marker)
        if marker is None:
            raise errors.BadRequest(f"Marker {query.marker} could not be found.")
        records = [record for record in records if _newest_first(record) < _newest_first(marker)]
    limit = max_limit if query.limit is None else min(query.limit, max_limit)
    return records[:limit]


def list_migrations(runtime: Runtime, ctx: RequestContext, query: MigrationQuery) -> List[Dict[str, Any]]:
    """The migrations the query selects, each with its host values hidden unless the caller is admin."""
    _authorize(ctx, query.filters.get("project_id"))
    since, before = changes_window(query.changes_since, query.changes_before)
    # hidden records (a cross-cell move's copy) are never listed, whatever the filter says
    found = [record for record in runtime.store.list(KIND)
             if not record.get("hidden") and _passes(record, query.filters)
             and (since is None or record["updated_at"] >= since)
             and (before is None or record["updated_at"] <= before)]
    if query.paged:
        found = _page(found, query, runtime.store, runtime.settings.max_limit)
    else:
        found.sort(key=lambda record: record["id"])
    hidden = {} if policy.is_admin(ctx) else {key: None for key in HOST_FIELDS}
    return [{**record, **hidden} for record in found]
