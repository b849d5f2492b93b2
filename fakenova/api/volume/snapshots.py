"""``/snapshots``: Cinder volume snapshots (list, detail, show, create with ``force``, update, delete)."""
from __future__ import annotations

from typing import Any, Dict
from urllib.parse import urlencode

from flask import Response, request

from ...domain import cinder_snapshots
from ...domain.strings import bool_from_string
from ...views import volumes as views
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from . import lookups, schemas
from .base import endpoint, view_context


def _list(detail: bool) -> Response:
    args = {key: values[-1] for key, values in request.args.to_dict(flat=False).items()}
    found, full_page = cinder_snapshots.listed(runtime(), context(), args, runtime().settings.max_limit)
    vc = view_context()
    body: Dict[str, Any] = {"snapshots": [views.snapshot(record, vc, detail) for record in found]}
    if full_page is not None:  # Cinder links the next page whenever this one is full
        path = f"{endpoint()}/snapshots{'/detail' if detail else ''}"
        body["snapshots_links"] = [{"href": f"{path}?{urlencode({**args, 'marker': found[-1]['id']})}",
                                    "rel": "next"}]
    return json_response(body)


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
    Route("POST", "/snapshots", create, looks_up=lookups.snapshot_source, policy="volume:create_snapshot"),
    Route("GET", "/snapshots/<snapshot_id>", show, policy="volume:get_snapshot"),
    Route("PUT", "/snapshots/<snapshot_id>", update, policy="volume:update_snapshot"),
    Route("DELETE", "/snapshots/<snapshot_id>", delete, policy="volume:delete_snapshot"),
)
