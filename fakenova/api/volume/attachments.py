"""``/attachments`` (3.27+): Cinder's attachment records; ``os-complete`` from 3.44."""
from __future__ import annotations

from typing import Any, Dict, Mapping

from flask import Response, request

from ...domain import cinder, cinder_attachments, errors
from ...microversions import Version, VersionRange
from ...views.common import usage_time
from ..http import action_body, context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from . import schemas

NEW_ATTACH = VersionRange(Version(3, 27))
COMPLETION = Version(3, 44)


def _summary(record: Mapping[str, Any]) -> Dict[str, Any]:
    return {"id": record["id"], "status": record["status"], "instance": record["instance"],
            "volume_id": record["volume_id"]}


def _detail(record: Mapping[str, Any]) -> Dict[str, Any]:
    info = None
    if record.get("connector"):
        volume = runtime().store.get(cinder.KIND, record["volume_id"]) or {"id": record["volume_id"]}
        info = cinder_attachments.connection_info(volume, record)
    return {**_summary(record), "attached_at": usage_time(record["attached_at"]) or "",
            "detached_at": usage_time(record["detached_at"]) or "", "attach_mode": record["attach_mode"],
            "connection_info": info}


def _every() -> bool:
    return context().is_admin and request.args.get("all_tenants", "0").lower() not in ("0", "false")


def index() -> Response:
    found = cinder_attachments.listed(runtime(), context(), _every())
    return json_response({"attachments": [_summary(record) for record in found]})


def detail() -> Response:
    found = cinder_attachments.listed(runtime(), context(), _every())
    return json_response({"attachments": [_detail(record) for record in found]})


def show(attachment_id: str) -> Response:
    return json_response({"attachment": _detail(cinder_attachments.find(runtime(), context(), attachment_id))})


def create() -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.ATTACHMENT_CREATE, ctx.version, body)
    made = cinder_attachments.create(runtime(), ctx, body["attachment"])
    return json_response({"attachment": _detail(made)})


def update(attachment_id: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.ATTACHMENT_UPDATE, ctx.version, body)
    made = cinder_attachments.update(runtime(), ctx, attachment_id, body["attachment"]["connector"])
    return json_response({"attachment": _detail(made)})


def delete(attachment_id: str) -> Response:
    cinder_attachments.delete(runtime(), context(), attachment_id)
    return json_response({"attachments": []})


def action(attachment_id: str) -> Response:
    """``POST /attachments/{id}/action``: ``os-complete`` (3.44) is the one action."""
    if context().version < COMPLETION:
        raise errors.NotFound()
    action_body({"os-complete": True})
    cinder_attachments.complete(runtime(), context(), attachment_id)
    return json_response(None, 204)


_A = "/attachments/<attachment_id>"
ROUTES = (
    Route("GET", "/attachments", index, NEW_ATTACH, policy="volume:get_all"),
    Route("GET", "/attachments/detail", detail, NEW_ATTACH, policy="volume:get_all"),
    Route("POST", "/attachments", create, NEW_ATTACH, policy="volume:attachment_create"),
    Route("GET", _A, show, NEW_ATTACH, policy="volume:get"),
    Route("PUT", _A, update, NEW_ATTACH, policy="volume:attachment_update"),
    Route("DELETE", _A, delete, NEW_ATTACH, policy="volume:attachment_delete"),
    Route("POST", f"{_A}/action", action, NEW_ATTACH, policy="volume:attachment_complete"),
)
