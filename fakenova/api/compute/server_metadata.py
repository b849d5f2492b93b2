"""``/servers/{id}/metadata`` and ``/servers/{id}/tags`` (2.26+): parse, call the use case, render."""
from __future__ import annotations

from flask import Response, request

from ...domain import errors
from ...domain import server_tags_metadata as domain
from ...microversions import VersionRange
from ...views import servers as server_views
from .. import schema_types as t
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import first_error, validate_body, validate_query
from . import lookups
from .schemas import server_resources as schemas
from .servers import view_context

TAGS_VERSIONS = VersionRange.of("2.26")


def _query(table=schemas.QUERY) -> None:
    validate_query(table, context().version, request.args.to_dict(flat=False))


# --- metadata ------------------------------------------------------------------------------------------


def index(server_id: str) -> Response:
    _query()
    return json_response({"metadata": domain.get_metadata(runtime(), context(), server_id)})


def _set_all(server_id: str, table, replace_all: bool) -> Response:
    body = read_json()
    validate_body(table, context().version, body)
    metadata = domain.set_metadata(runtime(), context(), server_id, body["metadata"], replace_all=replace_all)
    return json_response({"metadata": metadata})


def create(server_id: str) -> Response:
    """``POST``: merge into the existing metadata (200, for backwards compatibility)."""
    return _set_all(server_id, schemas.METADATA_CREATE, replace_all=False)


def update_all(server_id: str) -> Response:
    """``PUT``: replace all metadata."""
    return _set_all(server_id, schemas.METADATA_UPDATE_ALL, replace_all=True)


def show(server_id: str, key: str) -> Response:
    _query()
    return json_response({"meta": {key: domain.get_item(runtime(), context(), server_id, key)}})


def update(server_id: str, key: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.METADATA_UPDATE, ctx.version, body)
    # Nova looks the server up before comparing the body with the URL
    domain.get_metadata(runtime(), ctx, server_id)
    if key not in body["meta"]:
        raise errors.BadRequest("Request body and URI mismatch")
    domain.set_metadata(runtime(), ctx, server_id, body["meta"], replace_all=False)
    return json_response({"meta": body["meta"]})


def delete(server_id: str, key: str) -> Response:
    domain.delete_item(runtime(), context(), server_id, key)
    return json_response(None, 204)


# --- tags ----------------------------------------------------------------------------------------------


def tags_index(server_id: str) -> Response:
    _query(schemas.LENIENT_QUERY)
    return json_response({"tags": list(domain.list_tags(runtime(), context(), server_id))})


def tags_update_all(server_id: str) -> Response:
    body = read_json()
    validate_body(schemas.TAGS_UPDATE_ALL, context().version, body)
    return json_response({"tags": list(domain.replace_tags(runtime(), context(), server_id, body["tags"]))})


def tags_delete_all(server_id: str) -> Response:
    domain.delete_tags(runtime(), context(), server_id)
    return json_response(None, 204)


def tag_show(server_id: str, tag: str) -> Response:
    _query(schemas.LENIENT_QUERY)
    domain.has_tag(runtime(), context(), server_id, tag)
    return json_response(None, 204)


def tag_update(server_id: str, tag: str) -> Response:
    validate_body(schemas.TAG_UPDATE, context().version, read_json())
    error = first_error(t.TAG, tag)
    added = domain.add_tag(runtime(), context(), server_id, tag, error.message if error else None)
    if not added:
        return json_response(None, 204)
    location = f"{server_views.self_url(server_id, view_context())}/tags/{tag}"
    return json_response(None, 201, {"Location": location})


def tag_delete(server_id: str, tag: str) -> Response:
    domain.delete_tag(runtime(), context(), server_id, tag)
    return json_response(None, 204)


_S = "/servers/<server_id>"
#: (method, path after ``/tags``, handler, rule after ``os_compute_api:os-server-tags:``)
_TAG_ROUTES = (
    ("GET", "", tags_index, "index"),
    ("PUT", "", tags_update_all, "update_all"),
    ("DELETE", "", tags_delete_all, "delete_all"),
    ("GET", "/<tag>", tag_show, "show"),
    ("PUT", "/<tag>", tag_update, "update"),
    ("DELETE", "/<tag>", tag_delete, "delete"),
)
ROUTES = (
    Route("GET", f"{_S}/metadata", index, policy="os_compute_api:server-metadata:index"),
    Route("POST", f"{_S}/metadata", create, policy="os_compute_api:server-metadata:create"),
    Route("PUT", f"{_S}/metadata", update_all, policy="os_compute_api:server-metadata:update_all"),
    Route("GET", f"{_S}/metadata/<key>", show, policy="os_compute_api:server-metadata:show"),
    Route("PUT", f"{_S}/metadata/<key>", update, policy="os_compute_api:server-metadata:update"),
    Route("DELETE", f"{_S}/metadata/<key>", delete, policy="os_compute_api:server-metadata:delete"),
    # Nova's tags controller reads the instance mapping (any project) before its rule, not the instance
    *(Route(method, f"{_S}/tags{tail}", handler, TAGS_VERSIONS, looks_up=lookups.mapping,
            policy=f"os_compute_api:os-server-tags:{rule}") for method, tail, handler, rule in _TAG_ROUTES),
)
