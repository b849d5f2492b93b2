"""Glance's metadata-definition JSON schemas (``GET /v2/schemas/metadefs/...``) and validation against them.

The documents are Glance's (``glance/api/v2/metadef_*.py`` ``get_schema``/``get_collection_schema``, built by
``glance/schema.py``): an item schema is ``{name, properties, additionalProperties: false[, definitions]
[, required]}``; a collection nests the item (without its definitions, which move up) under its own name.
A body that fails one is Glance's 400 ``Provided object does not match schema '<name>': <reason>``.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Mapping, Optional

import jsonschema

from . import errors

Schema = Dict[str, Any]

_TYPES = ["array", "boolean", "integer", "number", "object", "string", None]
_POSITIVE = {"positiveInteger": {"type": "integer", "minimum": 0},
             "positiveIntegerDefault0": {"allOf": [{"$ref": "#/definitions/positiveInteger"}, {"default": 0}]}}


def _created(what: str) -> Dict[str, Any]:
    return {"type": "string", "readOnly": True, "description": f"Date and time of {what}", "format": "date-time"}


_READ_ONLY = {"readOnly": True, "type": "string"}

#: one property definition (``#/definitions/property``'s items, and the ``property`` schema's properties)
PROPERTY_FIELDS: Mapping[str, Any] = {
    "name": {"type": "string", "maxLength": 80},
    "title": {"type": "string"},
    "description": {"type": "string"},
    "operators": {"type": "array", "items": {"type": "string"}},
    "type": {"type": "string", "enum": _TYPES},
    "required": {"$ref": "#/definitions/stringArray"},
    "minimum": {"type": "number"},
    "maximum": {"type": "number"},
    "maxLength": {"$ref": "#/definitions/positiveInteger"},
    "minLength": {"$ref": "#/definitions/positiveIntegerDefault0"},
    "pattern": {"type": "string", "format": "regex"},
    "enum": {"type": "array"},
    "readonly": {"type": "boolean"},
    "default": {},
    "items": {"type": "object", "properties": {"type": {"type": "string", "enum": _TYPES},
                                               "enum": {"type": "array"}}},
    "maxItems": {"$ref": "#/definitions/positiveInteger"},
    "minItems": {"$ref": "#/definitions/positiveIntegerDefault0"},
    "uniqueItems": {"type": "boolean", "default": False},
    "additionalItems": {"type": "boolean"},
}

#: the definitions the namespace and object schemas share
DEFINITIONS: Mapping[str, Any] = {
    **_POSITIVE,
    "stringArray": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    "property": {"type": "object", "additionalProperties": {"type": "object", "required": ["title", "type"],
                                                            "properties": PROPERTY_FIELDS}},
}
#: the property schema's own definitions (its string arrays need an item)
PROPERTY_DEFINITIONS: Mapping[str, Any] = {
    **_POSITIVE,
    "stringArray": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
}

_NAMED = {"type": "object", "properties": {"name": {"type": "string"}}}

NAMESPACE_FIELDS: Mapping[str, Any] = {
    "namespace": {"type": "string", "description": "The unique namespace text.", "maxLength": 80},
    "display_name": {"type": "string", "description": "The user friendly name for the namespace. Used by UI if "
                                                      "available.", "maxLength": 80},
    "description": {"type": "string", "description": "Provides a user friendly description of the namespace.",
                    "maxLength": 500},
    "visibility": {"type": "string", "description": "Scope of namespace accessibility.",
                   "enum": ["public", "private"]},
    "protected": {"type": "boolean", "description": "If true, namespace will not be deletable."},
    "owner": {"type": "string", "description": "Owner of the namespace.", "maxLength": 255},
    "created_at": _created("namespace creation"),
    "updated_at": _created("the last namespace modification"),
    "schema": _READ_ONLY,
    "self": _READ_ONLY,
    "resource_type_associations": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "prefix": {"type": "string"}, "properties_target": {"type": "string"}}}},
    "properties": {"$ref": "#/definitions/property"},
    "objects": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "description": {"type": "string"},
        "required": {"$ref": "#/definitions/stringArray"}, "properties": {"$ref": "#/definitions/property"}}}},
    "tags": {"type": "array", "items": _NAMED},
}

OBJECT_FIELDS: Mapping[str, Any] = {
    "name": {"type": "string", "maxLength": 80},
    "description": {"type": "string"},
    "required": {"$ref": "#/definitions/stringArray"},
    "properties": {"$ref": "#/definitions/property"},
    "schema": _READ_ONLY,
    "self": _READ_ONLY,
    "created_at": _created("object creation"),
    "updated_at": _created("the last object modification"),
}

RESOURCE_TYPE_FIELDS: Mapping[str, Any] = {
    "name": {"type": "string", "description": "Resource type names should be aligned with Heat resource types "
                                              "whenever possible: https://docs.openstack.org/heat/latest/"
                                              "template_guide/openstack.html", "maxLength": 80},
    "prefix": {"type": "string", "description": "Specifies the prefix to use for the given resource type. Any "
                                                "properties in the namespace should be prefixed with this prefix "
                                                "when being applied to the specified resource type. Must include "
                                                "prefix separator (e.g. a colon :).", "maxLength": 80},
    "properties_target": {"type": "string", "description": "Some resource types allow more than one key / value "
                                                           "pair per instance.  For example, Cinder allows user "
                                                           "and image metadata on volumes. Only the image "
                                                           "properties metadata is evaluated by Nova (scheduling "
                                                           "or drivers). This property allows a namespace target "
                                                           "to remove the ambiguity.", "maxLength": 80},
    "created_at": _created("resource type association"),
    "updated_at": _created("the last resource type association modification"),
}

TAG_FIELDS: Mapping[str, Any] = {
    "name": {"type": "string", "maxLength": 80},
    "created_at": _created("tag creation"),
    "updated_at": _created("the last tag modification"),
}


def _item(name: str, fields: Mapping[str, Any], required: List[str],
          definitions: Optional[Mapping[str, Any]] = None) -> Schema:
    """``glance.schema.Schema(...).raw()``."""
    raw: Schema = {"name": name, "properties": copy.deepcopy(dict(fields)), "additionalProperties": False}
    if definitions:
        raw["definitions"] = copy.deepcopy(dict(definitions))
    if required:
        raw["required"] = list(required)
    return raw


def _collection(name: str, item: Schema, container: str = "array") -> Schema:
    """``CollectionSchema`` (items in an array) or ``DictCollectionSchema`` (items by name) ``.raw()``."""
    definitions = item.pop("definitions", None)
    holder = {"type": "array", "items": item} if container == "array" else {"type": "object",
                                                                           "additionalProperties": item}
    raw: Schema = {"name": name, "properties": {name: holder, "first": {"type": "string"},
                                                "next": {"type": "string"}, "schema": {"type": "string"}},
                   "links": [{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"},
                             {"rel": "describedby", "href": "{schema}"}]}
    if definitions:
        raw["definitions"] = definitions
    return raw


def namespace() -> Schema:
    return _item("namespace", NAMESPACE_FIELDS, ["namespace"], DEFINITIONS)


def object_() -> Schema:
    return _item("object", OBJECT_FIELDS, ["name"], DEFINITIONS)


def property_(require_name: bool = True) -> Schema:
    # PropertyType's mandatory attributes are type and title; the API adds name for a single property
    return _item("property", PROPERTY_FIELDS, ["type", "title", *(["name"] if require_name else [])],
                 PROPERTY_DEFINITIONS)


def resource_type() -> Schema:
    return _item("resource_type_association", RESOURCE_TYPE_FIELDS, ["name"])


def tag() -> Schema:
    return _item("tag", TAG_FIELDS, ["name"])


def tags_body() -> Schema:
    """The body of ``POST .../tags`` (``get_schema_for_list``): ``{"tags": [{"name": ...}, ...]}``."""
    return _item("tags", {"tags": {"type": "array", "items": {**_NAMED, "required": ["name"],
                                                              "additionalProperties": False}}}, [])


#: ``/v2/schemas/metadefs/<name>`` -> its document
DOCUMENTS = {
    "namespace": namespace,
    "namespaces": lambda: _collection("namespaces", namespace()),
    "object": object_,
    "objects": lambda: _collection("objects", object_()),
    "property": property_,
    "properties": lambda: _collection("properties", property_(require_name=False), container="object"),
    "resource_type": resource_type,
    "resource_types": lambda: _collection("resource_type_associations", resource_type()),
    "tag": tag,
    "tags": lambda: _collection("tags", tag()),
}


def validate(schema: Schema, body: Any) -> None:
    """Glance's ``Schema.validate``: 400 ``Provided object does not match schema '<name>': <reason>``."""
    try:
        jsonschema.validate(body, schema)
    except jsonschema.ValidationError as exc:
        raise errors.BadRequest(f"Provided object does not match schema '{schema['name']}': {exc}") from None
