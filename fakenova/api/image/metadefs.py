"""Glance v2 metadata definitions: namespaces, resource types and their associations, and the metadefs schemas.

Bodies are checked (read-only attributes, then the schema) before the policy, as Glance's deserializers run
first; rules about a namespace (``get_metadef_namespace``, which reads its owner and visibility) are checked
in :mod:`fakenova.domain.metadefs`, the admin-only rules by the route. What a namespace holds (objects,
properties, tags, resource type associations) is ``metadef_contents.py``.
"""
from __future__ import annotations

from typing import Any, Dict
from urllib.parse import urlencode

from flask import Response, request

from ...domain import errors, metadef_contents, metadef_schemas, metadefs
from ...domain.policy import allowed
from ...views import metadefs as views
from ..http import base_url, context, json_response, runtime
from ..routing import Route
from .body import read_body

_NS = "/v2/metadefs/namespaces/<namespace>"


def list_namespaces() -> Response:
    """``GET /v2/metadefs/namespaces``: ``first``, ``next`` (the last name as marker) and ``schema``."""
    args = request.args.to_dict()
    page, full = metadefs.listing(runtime(), context(), args)
    params = {key: value for key, value in args.items() if key != "marker"}
    body: Dict[str, Any] = {"namespaces": [views.namespace_body(ns) for ns in page],
                            "first": views.NAMESPACES + (f"?{urlencode(params)}" if params else ""),
                            "schema": "/v2/schemas/metadefs/namespaces"}
    if full:
        body["next"] = f"{views.NAMESPACES}?{urlencode({**params, 'marker': page[-1]['namespace']})}"
    return json_response(dict(sorted(body.items())))


def create_namespace() -> Response:
    """``POST /v2/metadefs/namespaces``: 201 and ``Location``."""
    body = metadefs.check_namespace(read_body())
    rt = runtime()
    metadef_contents.check_unique(body)
    record = metadefs.create(rt, context(), body)
    location = f"{base_url()}/image{views.NAMESPACES}/{record['namespace']}"
    return json_response(views.created_namespace_body(record, body), 201, {"Location": location})


def show_namespace(namespace: str) -> Response:
    record = metadefs.show(runtime(), context(), namespace)
    resource_type = request.args.get("resource_type")
    prefix = ((record.get("resource_types") or {}).get(resource_type) or {}).get("prefix") if resource_type else None
    return json_response(views.namespace_body(record, contents=True, prefix=prefix or ""))


def update_namespace(namespace: str) -> Response:
    body = metadefs.check_namespace(read_body())
    record = metadefs.update(runtime(), context(), namespace, body)
    return json_response(views.namespace_body({**record, "resource_types": {}}))


def delete_namespace(namespace: str) -> Response:
    metadefs.delete(runtime(), context(), namespace)
    return json_response(None, 204)


def delete_contents(namespace: str) -> Response:
    """``DELETE .../objects``, ``.../properties`` or ``.../tags``: all of that kind at once."""
    metadefs.delete(runtime(), context(), namespace, request.path.rstrip("/").rsplit("/", 1)[-1])
    return json_response(None, 204)


def list_resource_types() -> Response:
    """``GET /v2/metadefs/resource_types``: every resource type known (seeded, or named in an association)."""
    ctx = context()
    found = metadef_contents.resource_types(runtime())
    if not allowed(ctx, "list_metadef_resource_types", {"project_id": ctx.project_id}):
        raise errors.Forbidden(metadefs.FORBIDDEN.format(rule="list_metadef_resource_types"))
    return json_response({"resource_types": [views.resource_type_body(item) for item in found]})


def schema_document(name: str) -> Response:
    """``GET /v2/schemas/metadefs/{name}``."""
    return json_response(metadef_schemas.DOCUMENTS[name]())


def _schema_handler(name: str) -> Any:
    def handler() -> Response:
        return schema_document(name)
    handler.__name__ = f"schema_metadefs_{name}"
    return handler


#: Glance serves its schemas to any authenticated caller, with no policy rule
_OPEN = "Glance checks no rule here"

ROUTES = (
    *(Route("GET", f"/v2/schemas/metadefs/{name}", _schema_handler(name), unguarded=_OPEN)
      for name in metadef_schemas.DOCUMENTS),
    Route("GET", "/v2/metadefs/resource_types", list_resource_types, policy="list_metadef_resource_types"),
    Route("GET", "/v2/metadefs/namespaces", list_namespaces, policy="get_metadef_namespaces"),
    Route("POST", "/v2/metadefs/namespaces", create_namespace, policy="add_metadef_namespace"),
    Route("GET", _NS, show_namespace, policy="get_metadef_namespace"),
    Route("PUT", _NS, update_namespace, policy="modify_metadef_namespace"),
    Route("DELETE", _NS, delete_namespace, policy="delete_metadef_namespace"),
    Route("DELETE", f"{_NS}/objects", delete_contents, policy="delete_metadef_namespace"),
    Route("DELETE", f"{_NS}/properties", delete_contents, policy="delete_metadef_namespace"),
    Route("DELETE", f"{_NS}/tags", delete_contents, policy="delete_metadef_tags"),
)
