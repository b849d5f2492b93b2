"""Cinder's request schemas (``cinder/api/schemas/*.py``) as version tables from 3.0."""
from __future__ import annotations

import copy
from typing import Any, Dict

from ...microversions import Versioned

Schema = Dict[str, Any]

_TRUE = [True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t"]
_FALSE = [False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f"]
BOOLEAN: Schema = {"type": ["boolean", "string"], "enum": _TRUE + _FALSE}
SIZE: Schema = {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1, "maximum": 2147483647}
NAME: Schema = {"type": ["string", "null"], "maxLength": 255}
METADATA: Schema = {"type": ["object", "null"], "patternProperties": {
    "^[a-zA-Z0-9-_:. /]{1,255}$": {"type": "string", "maxLength": 255}}, "additionalProperties": False}
UUID_OR_NULL: Schema = {"type": ["string", "null"], "format": "uuid"}


def _late(*rows: Any, name: str) -> Versioned[Schema]:
    return Versioned(rows, name=name, allow_late_start=True)


def _action(key: str, inner: Schema) -> Schema:
    return {"type": "object", "properties": {key: inner}, "required": [key], "additionalProperties": False}


_CREATE: Schema = {"type": "object", "properties": {"volume": {"type": "object", "properties": {
    "name": NAME, "description": NAME, "display_name": NAME, "display_description": NAME,
    "volume_type": {"type": ["string", "null"], "maxLength": 255}, "metadata": METADATA,
    "snapshot_id": UUID_OR_NULL, "source_volid": UUID_OR_NULL, "consistencygroup_id": UUID_OR_NULL,
    "size": {**SIZE, "type": ["integer", "string", "null"]},
    "availability_zone": {"type": ["string", "null"], "maxLength": 255}, "multiattach": BOOLEAN,
    "image_id": {"type": ["string", "null"], "maxLength": 255},
    "imageRef": {"type": ["string", "null"], "maxLength": 255},
    "group_id": {"type": ["string", "null"], "maxLength": 255}, "backup_id": UUID_OR_NULL,
}, "additionalProperties": True}, "OS-SCH-HNT:scheduler_hints": {"type": ["object", "null"]}},
    "required": ["volume"], "additionalProperties": False}
_CREATE_353 = copy.deepcopy(_CREATE)
_CREATE_353["properties"]["volume"]["additionalProperties"] = False
VOLUME_CREATE = _late(("3.0", _CREATE), ("3.53", _CREATE_353), name="volume create")

_UPDATE: Schema = {"type": "object", "properties": {"volume": {"type": "object", "properties": {
    "name": NAME, "description": NAME, "display_name": NAME, "display_description": NAME,
    "metadata": {**METADATA, "type": "object"}}, "additionalProperties": False}},
    "required": ["volume"], "additionalProperties": False}
_UPDATE_353 = copy.deepcopy(_UPDATE)
_UPDATE_353["properties"]["volume"]["anyOf"] = [{"required": [key]} for key in (
    "name", "description", "display_name", "display_description", "metadata")]
VOLUME_UPDATE = _late(("3.0", _UPDATE), ("3.53", _UPDATE_353), name="volume update")

METADATA_BODY = _late(("3.0", {"type": "object", "properties": {"metadata": {**METADATA, "type": "object"}},
                               "required": ["metadata"], "additionalProperties": False}), name="metadata")
META_ITEM = _late(("3.0", {"type": "object", "properties": {"meta": {
    **METADATA, "type": "object", "minProperties": 1, "maxProperties": 1}},
    "required": ["meta"], "additionalProperties": False}), name="metadata item")

#: the body schema of each volume action (its one key's value)
ACTIONS: Dict[str, Schema] = {
    "os-extend": {"type": "object", "properties": {"new_size": SIZE}, "required": ["new_size"],
                  "additionalProperties": False},
    "os-set_bootable": {"type": "object", "properties": {"bootable": BOOLEAN}, "required": ["bootable"],
                        "additionalProperties": False},
    "os-update_readonly_flag": {"type": "object", "properties": {"readonly": BOOLEAN},
                                "required": ["readonly"], "additionalProperties": False},
    "os-reset_status": {"type": "object", "properties": {
        "status": {"type": ["string", "null"]}, "attach_status": {"type": ["string", "null"]},
        "migration_status": {"type": ["string", "null"]}}, "additionalProperties": False},
    "os-attach": {"type": "object", "properties": {
        "instance_uuid": {"type": "string", "format": "uuid"}, "mountpoint": {"type": "string"},
        "host_name": {"type": "string"}, "mode": {"type": "string", "enum": ["rw", "ro"]}},
        "required": ["mountpoint"], "additionalProperties": False},
    "os-detach": {"type": ["object", "null"], "properties": {"attachment_id": {"type": ["string", "null"]}}},
    "os-initialize_connection": {"type": "object", "properties": {"connector": {"type": ["object", "string"]}},
                                 "required": ["connector"]},
    "os-terminate_connection": {"type": "object", "properties": {"connector": {"type": ["object", "string"]}},
                                "required": ["connector"]},
}
_UPLOAD: Schema = {"type": "object", "properties": {
    "image_name": {"type": "string", "minLength": 1, "maxLength": 255}, "force": BOOLEAN,
    "disk_format": {"type": "string", "enum": ["raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop"]},
    "container_format": {"type": ["string", "null"], "maxLength": 255}},
    "required": ["image_name"], "additionalProperties": False}
#: UPLOAD_IMAGE_PARAMS (3.1) adds the image's visibility and protection
_UPLOAD_31: Schema = {**_UPLOAD, "properties": {**_UPLOAD["properties"], "protected": BOOLEAN, "visibility": {
    "type": "string", "enum": ["community", "public", "private", "shared"]}}}
ACTIONS["os-volume_upload_image"] = _UPLOAD
ACTION_SCHEMAS = {key: _late(("3.0", _action(key, schema)), name=key) for key, schema in ACTIONS.items()}
ACTION_SCHEMAS["os-volume_upload_image"] = _late(("3.0", _action("os-volume_upload_image", _UPLOAD)),
                                                 ("3.1", _action("os-volume_upload_image", _UPLOAD_31)),
                                                 name="os-volume_upload_image")

_TYPE_PROPS: Schema = {"name": {"type": "string", "minLength": 1, "maxLength": 255},
                       "description": {"type": ["string", "null"], "maxLength": 255},
                       "os-volume-type-access:is_public": BOOLEAN, "extra_specs": METADATA}
TYPE_CREATE = _late(("3.0", {"type": "object", "properties": {"volume_type": {
    "type": "object", "properties": _TYPE_PROPS, "required": ["name"], "additionalProperties": False}},
    "required": ["volume_type"], "additionalProperties": False}), name="type create")
TYPE_UPDATE = _late(("3.0", {"type": "object", "properties": {"volume_type": {
    "type": "object", "properties": {**_TYPE_PROPS, "name": {"type": ["string", "null"], "maxLength": 255},
                                     "is_public": BOOLEAN},
    "additionalProperties": False}}, "required": ["volume_type"], "additionalProperties": False}),
    name="type update")
EXTRA_SPECS = _late(("3.0", {"type": "object", "properties": {"extra_specs": {**METADATA, "type": "object"}},
                             "required": ["extra_specs"], "additionalProperties": False}), name="extra specs")
SNAPSHOT_CREATE = _late(("3.0", {"type": "object", "properties": {"snapshot": {"type": "object", "properties": {
    "name": NAME, "description": NAME, "display_name": NAME, "display_description": NAME,
    # Cinder's uuid_allow_null: a null volume_id passes the schema and is then not found (404)
    "volume_id": {"oneOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]}, "force": BOOLEAN,
    "metadata": METADATA}, "required": ["volume_id"], "additionalProperties": False}}, "required": ["snapshot"],
    "additionalProperties": False}), name="snapshot create")
SNAPSHOT_UPDATE = _late(("3.0", {"type": "object", "properties": {"snapshot": {"type": "object", "properties": {
    "name": NAME, "description": NAME, "display_name": NAME, "display_description": NAME},
    "additionalProperties": False}}, "required": ["snapshot"], "additionalProperties": False}),
    name="snapshot update")
QUOTA_UPDATE = _late(("3.0", {"type": "object", "properties": {"quota_set": {"type": "object"}},
                              "required": ["quota_set"], "additionalProperties": False}), name="quota update")
_ATTACH: Schema = {"type": "object", "properties": {"attachment": {"type": "object", "properties": {
    "instance_uuid": {"type": "string", "format": "uuid"}, "connector": {"type": ["object", "null"]},
    "volume_uuid": {"type": "string", "format": "uuid"}}, "required": ["volume_uuid"],
    "additionalProperties": False}}, "required": ["attachment"], "additionalProperties": False}
_ATTACH_354 = copy.deepcopy(_ATTACH)
_ATTACH_354["properties"]["attachment"]["properties"]["mode"] = {"type": "string", "enum": ["rw", "ro"]}
ATTACHMENT_CREATE = _late(("3.0", _ATTACH), ("3.54", _ATTACH_354), name="attachment create")
ATTACHMENT_UPDATE = _late(("3.0", {"type": "object", "properties": {"attachment": {"type": "object", "properties": {
    "connector": {"type": "object", "minProperties": 1}}, "required": ["connector"],
    "additionalProperties": False}}, "required": ["attachment"], "additionalProperties": False}),
    name="attachment update")
