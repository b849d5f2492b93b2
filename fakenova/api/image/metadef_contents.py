"""Glance v2 metadata definitions inside a namespace: objects, properties, tags and resource type associations.

Each handler reads and checks its body first (read-only attributes, then the kind's schema), then runs the
operation of :mod:`fakenova.domain.metadef_contents`; views are :mod:`fakenova.views.metadefs`. The routes are
one shape for every kind: :data:`HANDLERS` gives a kind's handlers, and the domain's ``KINDS`` row its path,
rules and namespace lookup.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterator, Mapping, Optional

from flask import Response, request

from ...domain import errors, metadef_contents, metadef_schemas, metadefs
from ...domain.metadef_contents import KINDS, Kind
from ...domain.metadefs import PROPERTY_KEYS, check_read_only, new_object
from ...domain.policy import allowed
from ...views import metadefs as views
from ..http import context, json_response, runtime
from ..routing import Handler, Route
from . import lookups
from .body import read_body

_NS = "/v2/metadefs/namespaces/<namespace>"
_WRITE_ONCE = ("created_at", "updated_at")


def _object_body() -> Mapping[str, Any]:
    body = read_body()
    check_read_only(body)
    metadef_schemas.validate(metadef_schemas.object_(), body)
    if request.method == "POST":  # create (not update) checks each property against the property schema
        for value in (body.get("properties") or {}).values():
            metadef_schemas.validate(metadef_schemas.property_(require_name=False), value)
    return body


def _object_item(body: Mapping[str, Any]) -> Dict[str, Any]:
    made = new_object(body, 0.0)
    return {key: made[key] for key in ("name", "description", "required", "properties")}


#: the lowest ``limit`` each list's deserializer accepts (objects check the query but page nothing)
_LIMIT_FLOOR = {"objects": 1, "tags": 0}


def _check_query(kind: str) -> Mapping[str, str]:
    """The list query as Glance's deserializers check it: ``sort_dir``, ``limit`` and ``visibility``."""
    query = request.args.to_dict()
    sort_dir = query.get("sort_dir", "desc")
    if sort_dir not in ("asc", "desc"):
        raise errors.BadRequest(f"Invalid sort direction: {sort_dir}")
    if query.get("limit"):
        try:
            limit = int(query["limit"])
        except ValueError:
            raise errors.BadRequest("limit param must be an integer") from None
        if limit < _LIMIT_FLOOR[kind]:
            raise errors.BadRequest("limit param must be positive")
    visibility = query.get("visibility")
    if visibility and visibility not in ("public", "private", "shared"):
        raise errors.BadRequest(f"Invalid visibility value: {visibility}")
    return query


def list_objects(namespace: str) -> Response:
    _check_query("objects")
    items = metadef_contents.listing(runtime(), context(), "objects", namespace)
    return json_response({"objects": [views.object_body(namespace, item) for item in items],
                          "schema": "v2/schemas/metadefs/objects"})


def create_object(namespace: str) -> Response:
    item = _object_item(_object_body())
    made = metadef_contents.add(runtime(), context(), "objects", namespace, [item])
    return json_response(views.object_body(namespace, made[0]), 201)


def show_object(namespace: str, name: str) -> Response:
    item = metadef_contents.show(runtime(), context(), "objects", namespace, name)
    return json_response(views.object_body(namespace, item))


def update_object(namespace: str, name: str) -> Response:
    item = _object_item(_object_body())
    updated = metadef_contents.replace(runtime(), context(), "objects", namespace, name, item)
    return json_response(views.object_body(namespace, updated))


def delete_object(namespace: str, name: str) -> Response:
    metadef_contents.remove(runtime(), context(), "objects", namespace, name)
    return json_response(None, 204)


def _property_item() -> Dict[str, Any]:
    body = read_body()
    check_read_only(body, _WRITE_ONCE)
    metadef_schemas.validate(metadef_schemas.property_(), body)
    return {key: body[key] for key in PROPERTY_KEYS if body.get(key) is not None}


def _property_view(item: Mapping[str, Any]) -> Dict[str, Any]:
    return views.property_body({key: value for key, value in item.items() if not key.endswith("_at")},
                               item["name"])


def list_properties(namespace: str) -> Response:
    items = metadef_contents.listing(runtime(), context(), "properties", namespace)
    shown = {item["name"]: {key: value for key, value in item.items() if not key.endswith("_at")}
             for item in items}
    return json_response({"properties": views.properties_body(shown)})


def create_property(namespace: str) -> Response:
    made = metadef_contents.add(runtime(), context(), "properties", namespace, [_property_item()])
    return json_response(_property_view(made[0]), 201)


def show_property(namespace: str, name: str) -> Response:
    rt, ctx = runtime(), context()
    resource_type = request.args.get("resource_type")
    if resource_type:
        name = metadef_contents.unprefixed(rt, ctx, namespace, name, resource_type)
    return json_response(_property_view(metadef_contents.show(rt, ctx, "properties", namespace, name)))


def update_property(namespace: str, name: str) -> Response:
    item = _property_item()
    updated = metadef_contents.replace(runtime(), context(), "properties", namespace, name, item)
    return json_response(_property_view(updated))


def delete_property(namespace: str, name: str) -> Response:
    metadef_contents.remove(runtime(), context(), "properties", namespace, name)
    return json_response(None, 204)


def list_tags(namespace: str) -> Response:
    query = _check_query("tags")
    items = metadef_contents.listing(runtime(), context(), "tags", namespace)
    shown = metadef_contents.page(items, query, namespace)
    return json_response({"tags": [{"name": item["name"]} for item in shown]})


def create_tags(namespace: str) -> Response:
    """``POST .../tags`` with ``{"tags": [{"name": ...}]}``: replaces the namespace's tags unless the
    ``X-Openstack-Append`` header is true; 201 with the names made."""
    body = read_body()
    check_read_only(body, _WRITE_ONCE)
    metadef_schemas.validate(metadef_schemas.tags_body(), body)
    append = request.headers.get("X-Openstack-Append", "").strip().lower() in ("1", "t", "true", "on", "y", "yes")
    items = [{"name": tag["name"]} for tag in body.get("tags") or ()]
    made = metadef_contents.add(runtime(), context(), "tags", namespace, items, bulk=True, replace_all=not append)
    return json_response({"tags": [{"name": item["name"]} for item in made]}, 201)


def create_tag(namespace: str, name: str) -> Response:
    """``POST .../tags/{name}``: no body; the name is checked against the tag schema."""
    metadef_schemas.validate(metadef_schemas.tag(), {"name": name})
    made = metadef_contents.add(runtime(), context(), "tags", namespace, [{"name": name}])
    return json_response(views.tag_body(made[0]), 201)


def show_tag(namespace: str, name: str) -> Response:
    return json_response(views.tag_body(metadef_contents.show(runtime(), context(), "tags", namespace, name)))


def update_tag(namespace: str, name: str) -> Response:
    body = read_body()
    check_read_only(body, _WRITE_ONCE)
    metadef_schemas.validate(metadef_schemas.tag(), body)
    updated = metadef_contents.replace(runtime(), context(), "tags", namespace, name, {"name": body["name"]})
    return json_response(views.tag_body(updated))


def delete_tag(namespace: str, name: str) -> Response:
    metadef_contents.remove(runtime(), context(), "tags", namespace, name)
    return json_response(None, 204)


def list_associations(namespace: str) -> Response:
    rt, ctx = runtime(), context()
    items = metadef_contents.listing(rt, ctx, "resource_types", namespace)
    # each association is filtered on get_metadef_resource_type, whose target is the (one) namespace
    record = metadefs.find(rt.store, ctx, namespace)
    shown = items if allowed(ctx, "get_metadef_resource_type", metadefs.target(record)) else []
    return json_response({"resource_type_associations": [views.association_body(item) for item in shown]})


def create_association(namespace: str) -> Response:
    body = read_body()
    check_read_only(body, _WRITE_ONCE)
    metadef_schemas.validate(metadef_schemas.resource_type(), body)
    item = {"name": body["name"], "prefix": body.get("prefix"), "properties_target": body.get("properties_target")}
    made = metadef_contents.add(runtime(), context(), "resource_types", namespace, [item])
    return json_response(views.association_body(made[0]), 201)


def delete_association(namespace: str, resource_type: str) -> Response:
    metadef_contents.remove(runtime(), context(), "resource_types", namespace, resource_type)
    return json_response(None, 204)


@dataclass(frozen=True)
class Handlers:
    """One kind's handlers; None where Glance routes no such request."""

    index: Handler
    create: Handler
    delete: Handler
    show: Optional[Handler] = None
    update: Optional[Handler] = None
    #: ``POST .../{kind}/{name}``: one made from its name alone (tags)
    create_named: Optional[Handler] = None
    #: the path parameter naming one item
    item: str = "name"


#: each kind's handlers, one row a kind (keyed as ``KINDS``)
HANDLERS: Mapping[str, Handlers] = {
    "objects": Handlers(list_objects, create_object, delete_object, show_object, update_object),
    "properties": Handlers(list_properties, create_property, delete_property, show_property, update_property),
    "tags": Handlers(list_tags, create_tags, delete_tag, show_tag, update_tag, create_named=create_tag),
    "resource_types": Handlers(list_associations, create_association, delete_association, item="resource_type"),
}


def _routes(kind: Kind, handlers: Handlers) -> Iterator[Route]:
    """A kind's routes: its list and create on ``.../{kind}``, then one item's, each under the kind's rule."""
    base = f"{_NS}/{kind.key}"
    item = f"{base}/<{handlers.item}>"
    rows = (("GET", base, handlers.index, kind.get_all), ("POST", base, handlers.create, kind.add_all or kind.add),
            ("POST", item, handlers.create_named, kind.add), ("GET", item, handlers.show, kind.get),
            ("PUT", item, handlers.update, kind.modify), ("DELETE", item, handlers.delete, kind.delete))
    looks_up = lookups.kind_namespace(kind)
    return (Route(method, path, handler, looks_up=looks_up, policy=rule)
            for method, path, handler, rule in rows if handler is not None)


ROUTES = tuple(route for name, handlers in HANDLERS.items() for route in _routes(KINDS[name], handlers))
