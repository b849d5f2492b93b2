"""``/servers/{id}/migrations``: a server's live migrations in progress (list and show from 2.23), force
complete (2.22) and abort (2.24; from 2.65 also a migration still queued or preparing)."""
from __future__ import annotations

from flask import Response, request

from ...domain import server_migrations
from ...microversions import VersionRange
from ...views import migrations as views
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import server_resources as schemas
from .servers import view_context

#: from 2.65 an abort may also cancel a migration still queued or preparing
ABORT_QUEUED = VersionRange.of("2.65")


def _query() -> None:
    validate_query(schemas.QUERY, context().version, request.args.to_dict(flat=False))


def migrations_index(server_id: str) -> Response:
    _query()
    found = server_migrations.list_migrations(runtime(), context(), server_id)
    vctx = view_context()
    return json_response({"migrations": [views.server_migration(record, vctx) for record in found]})


def migration_show(server_id: str, migration_id: str) -> Response:
    _query()
    record = server_migrations.show_migration(runtime(), context(), server_id, migration_id)
    return json_response({"migration": views.server_migration(record, view_context())})


def migration_action(server_id: str, migration_id: str) -> Response:
    body = read_json()
    validate_body(schemas.FORCE_COMPLETE, context().version, body)
    server_migrations.force_complete(runtime(), context(), server_id, migration_id)
    return json_response(None, 202)


def migration_abort(server_id: str, migration_id: str) -> Response:
    ctx = context()
    server_migrations.abort(runtime(), ctx, server_id, migration_id, queued_too=ctx.version in ABORT_QUEUED)
    return json_response(None, 202)


_M = "/servers/<server_id>/migrations"
ROUTES = (
    Route("GET", _M, migrations_index, VersionRange.of("2.23"), policy="os_compute_api:servers:migrations:index"),
    Route("GET", f"{_M}/<migration_id>", migration_show, VersionRange.of("2.23"),
          policy="os_compute_api:servers:migrations:show"),
    Route("POST", f"{_M}/<migration_id>/action", migration_action, VersionRange.of("2.22"),
          policy="os_compute_api:servers:migrations:force_complete"),
    Route("DELETE", f"{_M}/<migration_id>", migration_abort, VersionRange.of("2.24"),
          policy="os_compute_api:servers:migrations:delete"),
)
