"""``GET /os-migrations``: every migration, filtered and (from 2.59) paged newest first with links."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from flask import Response, request

from ...domain import migrations
from ...microversions import VersionRange
from ...views import migrations as views
from ...views.common import collection_links
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from .schemas.migrations import INDEX_QUERY
from .servers import view_context

#: 2.59: newest first, ``limit``/``marker`` and ``migrations_links``
PAGED = VersionRange.of("2.59")


def _last(args: Mapping[str, List[str]], name: str) -> Optional[str]:
    # Nova copies the query into a dict, so a repeated parameter counts once, with its last value
    values = args.get(name)
    return values[-1] if values else None


def _query(args: Mapping[str, List[str]], paged: bool) -> migrations.MigrationQuery:
    limit = _last(args, "limit")
    return migrations.MigrationQuery(
        filters={name: values[-1] for name, values in args.items() if name in migrations.FILTERS},
        paged=paged, limit=None if limit is None else int(limit), marker=_last(args, "marker"),
        changes_since=_last(args, "changes-since"), changes_before=_last(args, "changes-before"))


def index() -> Response:
    ctx = context()
    args = validate_query(INDEX_QUERY, ctx.version, request.args.to_dict(flat=False))
    query = _query(args, ctx.version in PAGED)
    found = migrations.list_migrations(runtime(), ctx, query)
    vctx = view_context()
    body: Dict[str, Any] = {"migrations": [views.migration(record, vctx) for record in found]}
    if query.paged:
        links = collection_links(f"{vctx.compute_url}{vctx.project_prefix}/os-migrations",
                                 request.args.items(multi=True), [m["uuid"] for m in found], query.limit,
                                 runtime().settings.max_limit)
        if links:
            body["migrations_links"] = links
    return json_response(body)


ROUTES = (
    Route("GET", "/os-migrations", index, policy="os_compute_api:os-migrations:index"),
)
