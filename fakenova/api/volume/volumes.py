"""``/volume`` version documents and ``/volume/v3[/{project_id}]/volumes``: list, detail, show, create, update,
delete and actions (metadata is api.volume.metadata's), with Cinder's policies and bodies."""
from __future__ import annotations

from typing import Any, Callable, Dict
from urllib.parse import urlencode

from flask import Response, request

from ...domain import cinder, cinder_actions, cinder_volumes
from ...domain.strings import bool_from_string
from ...microversions import Version, VersionRange
from ...views import volumes as views
from ..http import action_body, base_url, context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from . import schemas
from .base import authorize, endpoint, view_context

#: listing counts (``with_count``) from SUPPORT_COUNT_INFO; delete's ``force`` from VOLUME_DELETE_FORCE
WITH_COUNT = Version(3, 45)
DELETE_FORCE = Version(3, 23)
SUMMARY_METADATA = Version(3, 36)


def versions_root() -> Response:
    """``GET /volume/``: every known version (300 Multiple Choices, as Cinder answers its root)."""
    return json_response({"versions": [views.version_document(base_url())]}, 300)


def versions_v3() -> Response:
    """``GET /volume/v3/``: the v3 version document."""
    return json_response({"versions": [views.version_document(base_url())]})


def _list(detail: bool) -> Response:
    ctx = context()
    args = {key: values[-1] for key, values in request.args.to_dict(flat=False).items()}
    count = bool_from_string(args.pop("with_count", "false")) if ctx.version >= WITH_COUNT else False
    max_limit = runtime().settings.max_limit
    found, full_page = cinder_volumes.list_volumes(runtime(), ctx, args, max_limit)
    next_href = None
    if full_page is not None and found:
        path = f"{endpoint()}/volumes{'/detail' if detail else ''}"
        next_href = f"{path}?{urlencode({**args, 'marker': found[-1]['id']})}"
    total = None
    if count:
        total = len(cinder_volumes.list_volumes(runtime(), ctx, {k: v for k, v in args.items() if k not in (
            "limit", "marker")}, 10 ** 9)[0])
    return json_response(views.volume_list(found, view_context(), detail, next_href, total))


def index() -> Response:
    return _list(detail=False)


def detail() -> Response:
    return _list(detail=True)


def summary() -> Response:
    """``GET /volumes/summary`` (3.12): how many volumes and GB the caller has, and (3.36) their metadata."""
    ctx = context()
    args = {key: values[-1] for key, values in request.args.to_dict(flat=False).items()}
    found = cinder.visible_volumes(runtime(), ctx, args.get("all_tenants", "0") not in ("0", "false"))
    body: Dict[str, Any] = {"total_count": len(found), "total_size": sum(int(v["size"]) for v in found)}
    if ctx.version >= SUMMARY_METADATA:
        merged: Dict[str, list] = {}
        for record in found:
            for key, value in record["metadata"].items():
                merged.setdefault(key, [])
                if value not in merged[key]:
                    merged[key].append(value)
        body["metadata"] = merged
    return json_response({"volume-summary": body})


def show(volume_id: str) -> Response:
    record = cinder.observe(runtime(), context(), volume_id)
    return json_response({"volume": views.volume_detail(record, view_context())})


def create() -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.VOLUME_CREATE, ctx.version, body)
    record = cinder_volumes.create(runtime(), ctx, body["volume"])
    return json_response({"volume": views.volume_detail(record, view_context(), extended=False)}, 202)


def update(volume_id: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.VOLUME_UPDATE, ctx.version, body)
    record = cinder_volumes.update(runtime(), ctx, volume_id, body["volume"])
    return json_response({"volume": views.volume_detail(record, view_context(), extended=False)})


def delete(volume_id: str) -> Response:
    ctx = context()
    args = request.args
    force = ctx.version >= DELETE_FORCE and bool_from_string(args.get("force", "false"))
    if force:
        cinder.observe(runtime(), ctx, volume_id, observed=False)
        authorize("volume:force_delete")
    cinder_volumes.delete(runtime(), ctx, volume_id, cascade=bool_from_string(args.get("cascade", "false")),
                          force=force)
    return json_response(None, 202)


#: the actions that answer with a body, and how it is made from the changed volume
ANSWERS: Dict[str, Callable[[Dict[str, Any]], Dict[str, Any]]] = {
    "os-initialize_connection": cinder_actions.connection_info,
    "os-volume_upload_image": lambda record: {"os-volume_upload_image": record["last_upload"]},
}


def action(volume_id: str) -> Response:
    """``POST /volumes/{id}/action``: one key naming an action of :data:`cinder_actions.ACTIONS`."""
    key, found, body = action_body(cinder_actions.ACTIONS)
    ctx = context()
    if key in schemas.ACTION_SCHEMAS:
        validate_body(schemas.ACTION_SCHEMAS[key], ctx.version, body)
    cinder.lookup(runtime(), ctx, volume_id)  # Cinder gets the volume (404 if not the caller's) before the rule
    if not found.admin_only:
        authorize(found.rule)
    done, record = cinder_actions.perform(runtime(), ctx, volume_id, key, body[key] or {})
    answer = ANSWERS.get(key)
    return json_response(answer(record) if answer is not None else None, done.status)


VERSION_ROUTES = (
    Route("GET", "", versions_root, public=True, negotiates=False),
    Route("GET", "/", versions_root, public=True, negotiates=False),
    Route("GET", "/v3", versions_v3, public=True, negotiates=False),
    Route("GET", "/v3/", versions_v3, public=True, negotiates=False),
)
_V = "/volumes/<volume_id>"
ROUTES = (
    Route("GET", "/volumes", index, policy="volume:get_all"),
    Route("GET", "/volumes/detail", detail, policy="volume:get_all"),
    Route("GET", "/volumes/summary", summary, VersionRange(Version(3, 12)), policy="volume:get_all"),
    Route("POST", "/volumes", create, policy="volume:create"),
    Route("GET", _V, show, policy="volume:get"),
    Route("PUT", _V, update, policy="volume:update"),
    Route("DELETE", _V, delete, policy="volume:delete"),
    # the rule of each action is its row's in cinder_actions.ACTIONS, enforced by the handler
    Route("POST", f"{_V}/action", action, unguarded="per body key: each action row names its rule"),
)
