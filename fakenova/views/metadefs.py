"""Glance's metadata-definition bodies: namespaces, objects, properties, tags, resource types.

Glance renders its wsme models: an attribute that is unset or null is left out, keys come in name order and
times are ``isotime`` (``2014-08-28T17:13:06Z``). ``self`` and ``schema`` links are relative to ``/v2``.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional

from ..domain.metadefs import PROPERTY_KEYS
from .common import isotime

Body = Dict[str, Any]
NAMESPACES = "/v2/metadefs/namespaces"


def _present(values: Mapping[str, Any]) -> Body:
    """wsme's JSON: set attributes only, in name order; epoch times as ISO 8601."""
    return {key: isotime(value) if key.endswith("_at") and isinstance(value, (int, float)) else value
            for key, value in sorted(values.items()) if value is not None}


def _pick(record: Mapping[str, Any], keys: Iterable[str]) -> Body:
    return {key: record.get(key) for key in keys}


def property_body(definition: Mapping[str, Any], name: Optional[str] = None) -> Body:
    """A ``PropertyType``: its definition, and its ``name`` where Glance sets it (show, create, update)."""
    return _present({**_pick(definition, (key for key in PROPERTY_KEYS if key != "name")), "name": name})


def properties_body(properties: Mapping[str, Any], prefix: str = "") -> Body:
    return {prefix + name: property_body(definition) for name, definition in properties.items()}


def association_body(item: Mapping[str, Any]) -> Body:
    return _present(_pick(item, ("name", "prefix", "properties_target", "created_at", "updated_at")))


def resource_type_body(item: Mapping[str, Any]) -> Body:
    return _present(_pick(item, ("name", "created_at", "updated_at")))


def tag_body(item: Mapping[str, Any]) -> Body:
    return _present(_pick(item, ("name", "created_at", "updated_at")))


def object_body(namespace: str, item: Mapping[str, Any], prefix: str = "") -> Body:
    """An object; ``prefix`` (a resource type's) goes before its property names, required ones included."""
    values = _pick(item, ("name", "description", "required", "created_at", "updated_at"))
    if prefix and values["required"]:
        values["required"] = [prefix + name for name in values["required"]]
    if item.get("properties") is not None:
        values["properties"] = properties_body(item["properties"], prefix)
    return _present({**values, "self": f"{NAMESPACES}/{namespace}/objects/{item['name']}",
                     "schema": "/v2/schemas/metadefs/object"})


_OWN = ("namespace", "display_name", "description", "visibility", "protected", "owner", "created_at",
        "updated_at")


def _named(items: Mapping[str, Any]) -> Iterable[Dict[str, Any]]:
    return ({"name": name, **item} for name, item in items.items())


def namespace_body(record: Mapping[str, Any], *, contents: bool = False, prefix: str = "") -> Body:
    """A namespace: its own attributes, its resource type associations, and (``contents``, as show renders
    it) its properties, objects and tag names; each part only when it has something. ``prefix`` is the one
    of the resource type asked for (``?resource_type=``), put before every property name."""
    values = _pick(record, _OWN)
    associations = [association_body(item) for item in _named(record.get("resource_types") or {})]
    values["resource_type_associations"] = associations or None
    if contents:
        values["properties"] = properties_body(record.get("properties") or {}, prefix) or None
        values["objects"] = [object_body(record["namespace"], item, prefix)
                             for item in _named(record.get("objects") or {})] or None
        values["tags"] = [{"name": name} for name in record.get("tags") or {}] or None
    return _present({**values, "self": f"{NAMESPACES}/{record['namespace']}",
                     "schema": "/v2/schemas/metadefs/namespace"})


def created_namespace_body(record: Mapping[str, Any], body: Mapping[str, Any]) -> Body:
    """``POST`` echoes the contents as the request gave them (no times or links on them)."""
    echoed: Body = {}
    if "properties" in body:
        echoed["properties"] = properties_body(record.get("properties") or {})
    if "objects" in body:
        echoed["objects"] = [_present({**_pick(item, ("name", "description", "required")),
                                       "properties": properties_body(item["properties"])
                                       if item.get("properties") is not None else None})
                             for item in _named(record.get("objects") or {})]
    if "resource_type_associations" in body:
        echoed["resource_type_associations"] = [
            _present(_pick(item, ("name", "prefix", "properties_target")))
            for item in _named(record.get("resource_types") or {})]
    if "tags" in body:
        echoed["tags"] = [{"name": name} for name in record.get("tags") or {}]
    own = namespace_body({key: value for key, value in record.items() if key != "resource_types"})
    return dict(sorted({**own, **echoed}.items()))
