"""Request schemas of ``POST /servers/{id}/action``, one Versioned table per action key.

Each schema is Nova's (``nova/api/openstack/compute/schemas/*.py``) for the whole body, so the one key
sits under ``properties``; ``tests/api/test_action_schemas.py`` compares every table with Nova's generated
schemas at every microversion.
"""
from __future__ import annotations

from typing import Dict

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit, Schema
from fakenova.microversions import Versioned

_HOST = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9-._]*$"}
_HOST_OR_NONE = {**_HOST, "type": ["string", "null"]}


def body(key: str, inner: Schema) -> Schema:
    """``{key: inner}`` with no other key allowed, as every action body is."""
    return t.object_of({key: inner}, required=[key])


def fixed(name: str, key: str, inner: Schema) -> Versioned[Schema]:
    """A table with one schema at every version."""
    return t.evolve(name, body(key, inner), [])


def _args(properties: Dict[str, Schema], required=(), nullable: bool = False) -> Schema:
    schema = t.object_of(properties, required=required)
    return {**schema, "type": ["object", "null"]} if nullable else schema


ANY: Schema = {}
NULL: Schema = {"type": "null"}

REBOOT = fixed("reboot", "reboot", _args(
    {"type": {"type": "string", "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]}}, required=["type"]))
RESIZE = fixed("resize", "resize", _args({"flavorRef": t.FLAVOR_REF, "OS-DCF:diskConfig": t.DISK_CONFIG},
                                         required=["flavorRef"]))

_REBUILD: Schema = body("rebuild", _args({
    "name": t.NAME, "imageRef": t.UUID, "adminPass": t.ADMIN_PASSWORD, "metadata": t.METADATA,
    "preserve_ephemeral": t.BOOLEAN, "OS-DCF:diskConfig": t.DISK_CONFIG, "accessIPv4": t.IPV4,
    "accessIPv6": t.IPV6, "personality": t.PERSONALITY,
}, required=["imageRef"]))
_REBUILD_AT = ("properties", "rebuild")
REBUILD = t.evolve("rebuild", _REBUILD, [
    ("2.19", [Edit(_REBUILD_AT, add={"description": t.DESCRIPTION})]),
    ("2.54", [Edit(_REBUILD_AT, add={"key_name": t.NAME_OR_NONE})]),
    ("2.57", [Edit(_REBUILD_AT, remove=("personality",),
                   add={"user_data": {"type": ["string", "null"], "format": "base64", "maxLength": 65535}})]),
    ("2.63", [Edit(_REBUILD_AT, add={"trusted_image_certificates": t.TRUSTED_CERTS})]),
    ("2.90", [Edit(_REBUILD_AT, add={"hostname": t.HOSTNAME})]),
    ("2.94", [Edit(_REBUILD_AT, add={"hostname": t.FQDN})]),
])

CREATE_IMAGE = fixed("createImage", "createImage", _args({"name": t.NAME, "metadata": t.METADATA},
                                                         required=["name"]))
CREATE_BACKUP = fixed("createBackup", "createBackup", _args({
    "name": t.NAME, "backup_type": {"type": "string"}, "rotation": t.NON_NEGATIVE_INTEGER,
    "metadata": t.METADATA}, required=["name", "backup_type", "rotation"]))
RESCUE = fixed("rescue", "rescue", _args({"adminPass": t.ADMIN_PASSWORD, "rescue_image_ref": t.UUID},
                                         nullable=True))
UNSHELVE = t.evolve("unshelve", body("unshelve", ANY), [
    ("2.77", [Edit(add={"unshelve": _args({"availability_zone": t.NAME}, required=["availability_zone"],
                                          nullable=True)})]),
    ("2.91", [Edit(add={"unshelve": _args({"availability_zone": {"type": ["string", "null"]},
                                           "host": {"type": "string"}}, nullable=True)})]),
])
LOCK = t.evolve("lock", body("lock", ANY), [
    ("2.73", [Edit(add={"lock": _args({"locked_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
                                      nullable=True)})]),
])
CHANGE_PASSWORD = fixed("changePassword", "changePassword", _args({"adminPass": t.ADMIN_PASSWORD},
                                                                  required=["adminPass"]))
CONSOLE_OUTPUT = fixed("os-getConsoleOutput", "os-getConsoleOutput", _args({
    "length": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$", "minimum": -1}}))
TRIGGER_CRASH_DUMP = fixed("trigger_crash_dump", "trigger_crash_dump", NULL)

# Before 2.56 Nova validates no migrate body at all.
MIGRATE = t.evolve("migrate", {}, [
    ("2.56", [Edit(keywords=body("migrate", _args({"host": _HOST_OR_NONE}, nullable=True)))]),
])
_BLOCK_AUTO = {**t.BOOLEAN, "enum": [*t.BOOLEAN["enum"], "auto"]}


def _live(block: Schema, **more: Schema) -> Schema:
    properties = {"block_migration": block, **more, "host": _HOST_OR_NONE}
    required = ["block_migration", *more, "host"] if "disk_over_commit" in more else ["block_migration", "host"]
    return body("os-migrateLive", _args(properties, required=required))


# Required keys disappear at 2.25 and 2.14, which Edit cannot express: these tables list whole schemas.
MIGRATE_LIVE: Versioned[Schema] = Versioned([
    ("2.1", _live(t.BOOLEAN, disk_over_commit=t.BOOLEAN)),
    ("2.25", _live(_BLOCK_AUTO)),
    ("2.30", _live(_BLOCK_AUTO, force=t.BOOLEAN)),
    ("2.68", _live(_BLOCK_AUTO)),
], name="os-migrateLive")


def _evacuate(*required: str, **more: Schema) -> Schema:
    return body("evacuate", _args({"host": _HOST, **more, "adminPass": t.ADMIN_PASSWORD}, required=required))


EVACUATE: Versioned[Schema] = Versioned([
    ("2.1", _evacuate("onSharedStorage", onSharedStorage=t.BOOLEAN)),
    ("2.14", _evacuate()),
    ("2.29", _evacuate(force=t.BOOLEAN)),
    ("2.68", _evacuate()),
], name="evacuate")
RESET_STATE = fixed("os-resetState", "os-resetState", _args(
    {"state": {"type": "string", "enum": ["active", "error"]}}, required=["state"]))
_GROUP = _args({"name": {"type": "string", "minLength": 1}}, required=["name"])
# Nova lets other keys through here (additionalProperties true); the one-key rule still refuses them.
ADD_SECURITY_GROUP = t.evolve("addSecurityGroup", {**body("addSecurityGroup", _GROUP),
                                                   "additionalProperties": True}, [])
REMOVE_SECURITY_GROUP = t.evolve("removeSecurityGroup", {**body("removeSecurityGroup", _GROUP),
                                                         "additionalProperties": True}, [])
ADD_FIXED_IP = fixed("addFixedIp", "addFixedIp", _args(
    {"networkId": {"type": ["string", "number"], "minLength": 1, "maxLength": 36}}, required=["networkId"]))
REMOVE_FIXED_IP = fixed("removeFixedIp", "removeFixedIp", _args({"address": t.IP_ADDRESS}, required=["address"]))
ADD_FLOATING_IP = fixed("addFloatingIp", "addFloatingIp", _args(
    {"address": t.IP_ADDRESS, "fixed_address": t.IP_ADDRESS}, required=["address"]))
REMOVE_FLOATING_IP = fixed("removeFloatingIp", "removeFloatingIp", _args({"address": t.IP_ADDRESS},
                                                                         required=["address"]))


def _console(key: str, types) -> Versioned[Schema]:
    return fixed(key, key, _args({"type": {"type": "string", "enum": list(types)}}, required=["type"]))


VNC_CONSOLE = _console("os-getVNCConsole", ("novnc", "xvpvnc"))
SPICE_CONSOLE = _console("os-getSPICEConsole", ("spice-html5",))
SERIAL_CONSOLE = _console("os-getSerialConsole", ("serial",))
#: removed APIs: Nova validates nothing before answering 410
REMOVED: Versioned[Schema] = t.evolve("removed", {}, [])

_CONSOLE_AT = ("properties", "remote_console", "properties")
REMOTE_CONSOLE = t.evolve("remote-consoles", body("remote_console", _args({
    "protocol": {"type": "string", "enum": ["vnc", "spice", "serial", "rdp"]},
    "type": {"type": "string", "enum": ["novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5"]},
}, required=["protocol", "type"])), [
    ("2.8", [Edit(_CONSOLE_AT[:-1], add={
        "protocol": {"type": "string", "enum": ["vnc", "spice", "serial", "rdp", "mks"]},
        "type": {"type": "string", "enum": ["novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5", "webmks"]}})]),
    ("2.99", [Edit(_CONSOLE_AT[:-1], add={
        "type": {"type": "string", "enum": ["novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5", "webmks",
                                            "spice-direct"]}})]),
])


def plain(key: str) -> Versioned[Schema]:
    """``{key: <anything>}``: the actions whose value Nova ignores (``null`` by convention)."""
    return fixed(key, key, ANY)

