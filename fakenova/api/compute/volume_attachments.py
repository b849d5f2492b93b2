"""``/servers/{id}/os-volume_attachments[/{volume_id}]``: list, show, attach, update (swap) and detach."""
from __future__ import annotations

from flask import Response, request

from ...domain import volumes
from ...domain.strings import bool_from_string
from ...microversions import VersionRange
from ...views import server_resources as views
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import server_resources as schemas
from .servers import view_context

#: what changed by microversion: shelved servers (2.20), PUT as update (2.85), attach without a body (2.101)
SHELVED_ALLOWED = VersionRange.of("2.20")
UPDATE_NOT_ONLY_SWAP = VersionRange.of("2.85")
ATTACH_RETURNS_BODY = VersionRange.of(until="2.100")


def index(server_id: str) -> Response:
    args = validate_query(schemas.VOLUME_LIST_QUERY, context().version, request.args.to_dict(flat=False))
    found = volumes.list_attachments(runtime(), context(), server_id)
    offset = int(args.get("offset", ["0"])[-1])
    max_limit = runtime().settings.max_limit
    limit = min(max_limit, int(args.get("limit", ["0"])[-1]) or max_limit)  # Nova: 0 means the maximum
    return json_response({"volumeAttachments": views.attachments(found[offset:offset + limit], view_context())})


def show(server_id: str, volume_id: str) -> Response:
    validate_query(schemas.LENIENT_QUERY, context().version, request.args.to_dict(flat=False))
    found = volumes.show_attachment(runtime(), context(), server_id, volume_id)
    return json_response({"volumeAttachment": views.attachment(found, view_context())})


def create(server_id: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.VOLUME_CREATE, ctx.version, body)
    wanted = body["volumeAttachment"]
    raw_delete = wanted.get("delete_on_termination", False)
    made = volumes.attach(runtime(), ctx, server_id, wanted, shelved_allowed=ctx.version in SHELVED_ALLOWED,
                          delete_on_termination=bool_from_string(raw_delete))
    if ctx.version not in ATTACH_RETURNS_BODY:
        return json_response(None, 202)
    return json_response({"volumeAttachment": views.created_attachment(made, view_context(), raw_delete)})


def update(server_id: str, volume_id: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.VOLUME_UPDATE, ctx.version, body)
    wanted = body["volumeAttachment"]
    delete = wanted.get("delete_on_termination")
    volumes.update(runtime(), ctx, server_id, volume_id, wanted,
                   swap_only=ctx.version not in UPDATE_NOT_ONLY_SWAP,
                   delete_on_termination=None if delete is None else bool_from_string(delete))
    return json_response(None, 202)


def delete(server_id: str, volume_id: str) -> Response:
    ctx = context()
    volumes.detach(runtime(), ctx, server_id, volume_id, shelved_allowed=ctx.version in SHELVED_ALLOWED)
    return json_response(None, 202)


_S = "/servers/<server_id>/os-volume_attachments"
ROUTES = (
    Route("GET", _S, index, policy="os_compute_api:os-volumes-attachments:index"),
    Route("POST", _S, create, policy="os_compute_api:os-volumes-attachments:create"),
    Route("GET", f"{_S}/<volume_id>", show, policy="os_compute_api:os-volumes-attachments:show"),
    Route("PUT", f"{_S}/<volume_id>", update, unguarded="update or swap, by the body, in the handler"),
    Route("DELETE", f"{_S}/<volume_id>", delete, policy="os_compute_api:os-volumes-attachments:delete"),
)
