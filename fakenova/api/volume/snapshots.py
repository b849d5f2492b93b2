"""``/snapshots``: Cinder volume snapshots (list, detail, show, create with ``force``, update, delete)."""
from __future__ import annotations

from flask import Response, request

from ...domain import cinder_snapshots
from ...domain.strings import bool_from_string
from ...views import volumes as views
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from . import schemas
from .base import view_context


def _list(detail: bool) -> Response:
    args = {key: values[-1] for key, values in request.args.to_dict(flat=False).items()}
    found = cinder_snapshots.listed(runtime(), context(), args)
    vc = view_context()
    return json_response({"snapshots": [views.snapshot(record, vc, detail) for record in found]})


def index() -> Response:
    return _list(detail=False)


def detail() -> Response:
    return _list(detail=True)


def show(snapshot_id: str) -> Response:
    record = cinder_snapshots.observe(runtime(), context(), snapshot_id)
    return json_response({"snapshot": views.snapshot(record, view_context())})


def create() -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.SNAPSHOT_CREATE, ctx.version, body)
    wanted = body["snapshot"]
    record = cinder_snapshots.create(runtime(), ctx, wanted, force=bool_from_string(wanted.get("force", False)))
    return json_response({"snapshot": views.snapshot(record, view_context(), detail=False)}, 202)


def update(snapshot_id: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.SNAPSHOT_UPDATE, ctx.version, body)
    record = cinder_snapshots.update(runtime(), ctx, snapshot_id, body["snapshot"])
    return json_response({"snapshot": views.snapshot(record, view_context(), detail=False)})


def delete(snapshot_id: str) -> Response:
    cinder_snapshots.delete(runtime(), context(), snapshot_id)
    return json_response(None, 202)


ROUTES = (
    Route("GET", "/snapshots", index, policy="volume:get_all_snapshots"),
    Route("GET", "/snapshots/detail", detail, policy="volume:get_all_snapshots"),
    Route("POST", "/snapshots", create, policy="volume:create_snapshot"),
    Route("GET", "/snapshots/<snapshot_id>", show, policy="volume:get_snapshot"),
    Route("PUT", "/snapshots/<snapshot_id>", update, policy="volume:update_snapshot"),
    Route("DELETE", "/snapshots/<snapshot_id>", delete, policy="volume:delete_snapshot"),
)
