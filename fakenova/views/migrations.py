"""Bodies of migrations as field tables per microversion: one of ``GET /os-migrations`` and one of a
server's migrations API (``/servers/{id}/migrations``).

``os-migrations`` shows the record's own columns (timestamps naive, with microseconds); from 2.23
``migration_type``, and ``links`` to the server's migrations API on in-progress live migrations only;
``uuid`` from 2.59 and ``user_id``/``project_id`` from 2.80.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from ..domain.migrations import LIVE_IN_PROGRESS
from .common import link, usage_time
from .fields import Field, FieldTable, Render, ViewContext, render

Record = Mapping[str, Any]


def _key(name: str) -> Render[Record]:
    return lambda record, ctx: record.get(name)


def _links(record: Record, ctx: ViewContext) -> List[Dict[str, str]]:
    path = f"{ctx.project_prefix}/servers/{record['instance_uuid']}/migrations/{record['id']}"
    return [link("self", f"{ctx.compute_url}{path}"), link("bookmark", f"{ctx.bookmark_url}{path}")]


def _in_progress_live(record: Record, ctx: ViewContext) -> bool:
    return record["migration_type"] == "live-migration" and record["status"] in LIVE_IN_PROGRESS


MIGRATION_FIELDS: FieldTable[Record] = FieldTable("os-migration", [
    Field("created_at", lambda m, c: usage_time(m["created_at"])),
    *(Field(name, _key(name)) for name in ("dest_compute", "dest_host", "dest_node", "id", "instance_uuid",
                                           "new_instance_type_id", "old_instance_type_id", "source_compute",
                                           "source_node", "status")),
    Field("updated_at", lambda m, c: usage_time(m.get("updated_at"))),
    Field("migration_type", _key("migration_type"), since="2.23"),
    Field("links", _links, since="2.23", when=_in_progress_live),
    Field("uuid", _key("uuid"), since="2.59"),
    Field("user_id", _key("user_id"), since="2.80"),
    Field("project_id", _key("project_id"), since="2.80"),
])


def migration(record: Record, ctx: ViewContext) -> Dict[str, Any]:
    """One item of ``migrations``."""
    return render(MIGRATION_FIELDS, record, ctx)


# --- a server's migrations -------------------------------------------------------------------------


#: one in-progress live migration of ``GET /servers/{id}/migrations[/{id}]`` (records are dicts).
SERVER_MIGRATION_FIELDS: FieldTable[Record] = FieldTable("server-migration", [
    # Nova serialises the migration's naive datetimes with microseconds, unlike a server's ``created``
    Field("created_at", lambda m, c: usage_time(m["created_at"])),
    Field("dest_compute", lambda m, c: m.get("dest_compute")),
    Field("dest_host", lambda m, c: m.get("dest_host")),
    Field("dest_node", lambda m, c: m.get("dest_node")),
    *(Field(f"{part}_{kind}_bytes", _key(f"{part}_{kind}"))
      for part in ("disk", "memory") for kind in ("processed", "remaining", "total")),
    Field("id", lambda m, c: m["id"]),
    Field("server_uuid", lambda m, c: m["instance_uuid"]),
    Field("source_compute", lambda m, c: m.get("source_compute")),
    Field("source_node", lambda m, c: m.get("source_node")),
    Field("status", lambda m, c: m["status"]),
    Field("updated_at", lambda m, c: usage_time(m.get("updated_at") or m["created_at"])),
    Field("uuid", lambda m, c: m["uuid"], since="2.59"),
    Field("user_id", lambda m, c: m["user_id"], since="2.80"),
    Field("project_id", lambda m, c: m["project_id"], since="2.80"),
])


def server_migration(record: Record, ctx: ViewContext) -> Dict[str, Any]:
    """One in-progress live migration of a server's migrations API."""
    return render(SERVER_MIGRATION_FIELDS, record, ctx)
