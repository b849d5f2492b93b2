"""Request and query schemas of a server's sub-resources per microversion (metadata, tags, os-interface,
os-volume_attachments, migrations), after Nova's ``nova/api/openstack/compute/schemas/*.py``.

Query tables: most GETs ignore unknown parameters until 2.101 and refuse them from 2.102; the tags API and
``GET .../os-volume_attachments/{id}`` never refuse them; the attachment list takes ``limit``/``offset``
and refuses others from 2.75.
"""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit, Schema
from fakenova.microversions import Versioned

_LENIENT: Schema = {"type": "object", "properties": {}, "additionalProperties": True}
_STRICT: Schema = {**_LENIENT, "additionalProperties": False}

#: GET query of metadata, ips, os-interface, password, diagnostics, security groups, topology, migrations
QUERY = Versioned([("2.1", _LENIENT), ("2.102", _STRICT)], name="query")
#: GET query of the tags API and of one volume attachment: unknown parameters are always ignored
LENIENT_QUERY = Versioned([("2.1", _LENIENT)], name="lenient_query")
VOLUME_LIST_QUERY = t.evolve("volume_list_query", t.extend(_LENIENT, add={
    "limit": t.QUERY_NON_NEGATIVE_INTEGER, "offset": t.QUERY_NON_NEGATIVE_INTEGER}), [
    ("2.75", [Edit(keywords={"additionalProperties": False})]),
])

# --- metadata ------------------------------------------------------------------------------------------

_METADATA_BODY = t.object_of({"metadata": t.METADATA}, required=["metadata"])
METADATA_CREATE = Versioned([("2.1", _METADATA_BODY)], name="metadata_create")
METADATA_UPDATE_ALL = Versioned([("2.1", _METADATA_BODY)], name="metadata_update_all")
METADATA_UPDATE = Versioned([("2.1", t.object_of(
    {"meta": {**t.METADATA, "minProperties": 1, "maxProperties": 1}}, required=["meta"]))],
    name="metadata_update")

# --- tags ----------------------------------------------------------------------------------------------

TAGS_UPDATE_ALL = Versioned([("2.1", t.object_of({"tags": t.TAGS}, required=["tags"]))], name="tags_update_all")
#: ``PUT /tags/{tag}`` takes no body: absent (read as null) or JSON ``null``
TAG_UPDATE = Versioned([("2.1", {"type": "null"})], name="tag_update")

# --- os-interface --------------------------------------------------------------------------------------

_ATTACHMENT: t.Path = ("properties", "interfaceAttachment")
INTERFACE_CREATE = t.evolve("interface_create", t.object_of({"interfaceAttachment": t.object_of({
    "net_id": t.UUID,
    "port_id": t.UUID,
    "fixed_ips": {"type": "array", "minItems": 1, "maxItems": 1,
                  "items": t.object_of({"ip_address": t.IP_ADDRESS}, required=["ip_address"])},
})}), [
    ("2.49", [Edit(path=_ATTACHMENT, add={"tag": t.TAG})]),
])

# --- os-volume_attachments -----------------------------------------------------------------------------

_VOLUME: t.Path = ("properties", "volumeAttachment")
_DEVICE: Schema = {"type": ["string", "null"], "pattern": "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$"}
VOLUME_CREATE = t.evolve("volume_create", t.object_of({"volumeAttachment": t.object_of(
    {"volumeId": t.UUID, "device": _DEVICE}, required=["volumeId"])}, required=["volumeAttachment"]), [
    ("2.49", [Edit(path=_VOLUME, add={"tag": t.TAG})]),
    ("2.79", [Edit(path=_VOLUME, add={"delete_on_termination": t.BOOLEAN})]),
])
VOLUME_UPDATE = t.evolve("volume_update", t.object_of({"volumeAttachment": t.object_of(
    {"volumeId": t.UUID}, required=["volumeId"])}, required=["volumeAttachment"]), [
    ("2.85", [Edit(path=_VOLUME, add={"device": _DEVICE, "tag": t.TAG, "delete_on_termination": t.BOOLEAN,
                                      "serverId": t.UUID, "id": t.UUID})]),
])

# --- migrations ----------------------------------------------------------------------------------------

FORCE_COMPLETE = Versioned([("2.1", t.object_of({"force_complete": {"type": "null"}},
                                                 required=["force_complete"]))], name="force_complete")
