"""Request schemas of the servers API per microversion: ``CREATE``, ``UPDATE`` and ``LIST_QUERY`` tables.

Each table is a 2.1 base plus one row of edits per microversion that changed the request
(:func:`~fakenova.api.schema_types.evolve`). Fields, patterns, limits and even keyword order follow Nova's
``nova/api/openstack/compute/schemas/servers.py`` (order decides which error Nova reports first);
``tests/api/test_validation.py`` checks every microversion against Nova's own schemas.
"""
from __future__ import annotations

from typing import Sequence, Tuple

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit, Schema

SERVER: t.Path = ("properties", "server")
NETWORK_ITEM: t.Path = SERVER + ("properties", "networks", "items")
BDM_V2_ITEM: t.Path = SERVER + ("properties", "block_device_mapping_v2", "items")

_BDM_LEGACY = t.object_of({
    "virtual_name": {"type": "string", "maxLength": 255},
    "volume_id": t.UUID,
    "snapshot_id": t.UUID,
    "volume_size": t.VOLUME_SIZE,
    # nova/block_device.py validate_device_name() refuses empty names and spaces.
    "device_name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._/-]*$"},
    "delete_on_termination": t.BOOLEAN,
    "no_device": {},
    "connection_info": {"type": "string", "maxLength": 16777215},  # a MEDIUMTEXT column
})

_BDM_V2 = t.extend(_BDM_LEGACY, add={
    "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
    "uuid": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._-]*$"},
    "image_id": t.UUID,
    "destination_type": {"type": "string", "enum": ["local", "volume"]},
    "guest_format": {"type": "string", "maxLength": 255},
    "device_type": {"type": "string", "maxLength": 255},
    "disk_bus": {"type": "string", "maxLength": 255},
    # null is still accepted for the legacy v2 API's sake.
    "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
})

_UUIDS = {"type": "array", "items": t.UUID}
# Nova deliberately lets unknown hints through (additional=True): out-of-tree filters read their own.
_HINTS = t.object_of({
    "group": {"oneOf": [_UUIDS, t.UUID]},
    "different_host": {"oneOf": [t.UUID, _UUIDS]},
    "same_host": {"type": ["string", "array"], "items": t.UUID},
    "query": {"type": ["string", "object"]},
    "target_cell": t.NAME,
    "different_cell": {"type": ["string", "array"], "items": {"type": "string"}},
    "build_near_host_ip": t.IP_ADDRESS,
    "cidr": {"type": "string", "pattern": "^/[0-9a-f.:]+$"},
}, additional=True)

# Before 2.37 a network uuid is any string (the API layer checks it later, with its own message).
_NETWORK = t.object_of({
    "fixed_ip": t.IP_ADDRESS,
    "port": {"type": ["string", "null"], "format": "uuid"},
    "uuid": {"type": "string"},
})
_NETWORK_V237 = t.extend(_NETWORK, add={"uuid": t.UUID})
_TAGGED = {"tag": t.TAG}


def _networks(item: Schema) -> Schema:
    """From 2.37 ``networks`` is a list of ``item`` or one of the words ``auto`` / ``none``."""
    return {"oneOf": [{"type": "array", "items": item}, {"type": "string", "enum": ["none", "auto"]}]}


_SERVER_V21 = t.object_of({
    "name": t.NAME,
    # "" is allowed for boot-from-volume; the API layer refuses it otherwise.
    "imageRef": t.IMAGE_REF,
    "flavorRef": t.FLAVOR_REF,
    "adminPass": t.ADMIN_PASSWORD,
    "metadata": t.METADATA,
    "networks": {"type": "array", "items": _NETWORK},
    "OS-DCF:diskConfig": t.DISK_CONFIG,
    "accessIPv4": t.IPV4,
    "accessIPv6": t.IPV6,
    "personality": t.PERSONALITY,
    "availability_zone": t.NAME,  # Nova uses the plain name format here, not az_name
    "block_device_mapping": {"type": "array", "items": _BDM_LEGACY},
    "block_device_mapping_v2": {"type": "array", "items": _BDM_V2},
    "config_drive": t.BOOLEAN,
    "key_name": t.NAME,
    "min_count": t.POSITIVE_INTEGER,
    "max_count": t.POSITIVE_INTEGER,
    "return_reservation_id": t.BOOLEAN,
    # names or UUIDs: the name format allows both
    "security_groups": {"type": "array", "items": t.object_of({"name": t.NAME})},
    "user_data": {"type": "string", "format": "base64", "maxLength": 65535},
}, required=("name", "flavorRef"))

_CREATE_V21 = t.object_of({
    "server": _SERVER_V21,
    "os:scheduler_hints": _HINTS,
    "OS-SCH-HNT:scheduler_hints": _HINTS,
}, required=("server",))

CREATE = t.evolve("create", _CREATE_V21, [
    ("2.19", [Edit(SERVER, add={"description": t.DESCRIPTION})]),
    ("2.32", [Edit(NETWORK_ITEM, add=_TAGGED), Edit(BDM_V2_ITEM, add=_TAGGED)]),
    # Tags were meant to stay from 2.32 on; a "version == 2.32" slip in Nova dropped the bdm tag again.
    ("2.33", [Edit(BDM_V2_ITEM, remove=("tag",))]),
    # The 2.37 network item was written without the tag, so the network tag is gone until 2.42 too.
    ("2.37", [Edit(SERVER, add={"networks": _networks(_NETWORK_V237)}, require=("networks",))]),
    ("2.42", [Edit(SERVER, add={"networks": _networks(t.extend(_NETWORK_V237, add=_TAGGED))}),
              Edit(BDM_V2_ITEM, add=_TAGGED)]),
    ("2.52", [Edit(SERVER, add={"tags": t.TAGS})]),
    ("2.57", [Edit(SERVER, remove=("personality",))]),
    ("2.63", [Edit(SERVER, add={"trusted_image_certificates": t.TRUSTED_CERTS})]),
    ("2.67", [Edit(BDM_V2_ITEM, add={"volume_type": t.VOLUME_TYPE})]),
    ("2.74", [Edit(SERVER, add={"host": t.FQDN, "hypervisor_hostname": t.FQDN})]),
    ("2.90", [Edit(SERVER, add={"hostname": t.HOSTNAME})]),
    ("2.94", [Edit(SERVER, add={"hostname": t.FQDN})]),
])

_UPDATE_V21 = t.object_of({
    "server": t.object_of({
        "name": t.NAME,
        "OS-DCF:diskConfig": t.DISK_CONFIG,
        "accessIPv4": t.IPV4,
        "accessIPv6": t.IPV6,
    }),
}, required=("server",))

UPDATE = t.evolve("update", _UPDATE_V21, [
    ("2.19", [Edit(SERVER, add={"description": t.DESCRIPTION})]),
    ("2.90", [Edit(SERVER, add={"hostname": t.HOSTNAME})]),
    ("2.94", [Edit(SERVER, add={"hostname": t.FQDN})]),
    ("2.104", [Edit(SERVER, add={"pinned_availability_zone": t.NAME_OR_NONE})]),
])

# --- GET /servers and /servers/detail query ----------------------------------------------------------

SORT_KEYS: Tuple[str, ...] = tuple(
    "access_ip_v4 access_ip_v6 auto_disk_config availability_zone config_drive created_at "
    "display_description display_name host hostname image_ref instance_type_id kernel_id key_name "
    "launch_index launched_at locked_by node power_state progress project_id ramdisk_id root_device_name "
    "task_state terminated_at updated_at user_id uuid vm_state".split())
# Accepted but ignored before 2.75 (they predate schema validation); a 400 from 2.75 on.
IGNORED_SORT_KEYS: Tuple[str, ...] = tuple(
    "architecture cell_name cleaned default_ephemeral_device default_swap_device deleted deleted_at "
    "disable_terminate ephemeral_gb ephemeral_key_uuid id key_data launched_on locked memory_mb os_type "
    "reservation_id root_gb shutdown_terminate user_data vcpus vm_mode".split())


def _sort_key(keys: Sequence[str]) -> Schema:
    return t.multi_params({"type": "string", "enum": list(keys)})


def _params(*groups: Tuple[Schema, str]) -> Schema:
    """Query properties from ``(schema, "space separated names")`` groups, in order."""
    return {name: schema for schema, names in groups for name in names.split()}


_Q, _QR = t.QUERY_STRING, t.QUERY_REGEX

_LIST_QUERY_V21: Schema = {
    "type": "object",
    "properties": _params(
        (_Q, "user_id project_id tenant_id launch_index image_ref image"),
        (_QR, "kernel_id ramdisk_id hostname key_name power_state"),
        (_Q, "vm_state task_state host"),
        (_QR, "node flavor reservation_id launched_at terminated_at availability_zone name display_name "
              "description display_description locked_by"),
        (_Q, "uuid"),
        (_QR, "root_device_name config_drive access_ip_v4 access_ip_v6 auto_disk_config progress"),
        (_sort_key(SORT_KEYS + IGNORED_SORT_KEYS), "sort_key"),
        (_Q, "sort_dir all_tenants soft_deleted deleted status"),
        (t.QUERY_DATE_TIME, "changes-since"),
        (_QR, "ip ip6 created_at"),
        # Joined-table names stay known so that the list handler can refuse them ("Invalid filter field").
        (_Q, "block_device_mapping services metadata system_metadata info_cache security_groups pci_devices"),
        (t.QUERY_NON_NEGATIVE_INTEGER, "limit"),
        (_Q, "marker"),
    ),
    # Unknown parameters are dropped, not refused, until 2.75 (validate_query strips them).
    "additionalProperties": True,
    # Names starting with "_" survive the stripping so that the handler can answer 400 for them.
    "patternProperties": {"^_": _Q},
}

LIST_QUERY = t.evolve("list_query", _LIST_QUERY_V21, [
    ("2.26", [Edit(add=_params((_QR, "tags tags-any not-tags not-tags-any")))]),
    ("2.66", [Edit(add={"changes-before": t.QUERY_DATE_TIME})]),
    # Nova builds the 2.73+ enums from sets (random order); sorting keeps our messages stable.
    ("2.73", [Edit(add={"sort_key": _sort_key(["locked", *sorted(SORT_KEYS),
                                               *(k for k in IGNORED_SORT_KEYS if k != "locked")]),
                        "locked": _Q})]),
    ("2.75", [Edit(add={"sort_key": _sort_key(sorted(SORT_KEYS + ("locked",)))},
                   keywords={"additionalProperties": False})]),
])
