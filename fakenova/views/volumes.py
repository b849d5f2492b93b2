"""Cinder v3 bodies: volumes (summary and detail per microversion), types, version documents, as pure functions.

Shapes follow ``cinder/api/v3/views/volumes.py`` and ``types.py``; fields that a microversion adds are one
table (:data:`DETAIL_SINCE`) read by one function.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ..domain.cinder import DEFAULT_TYPE
from ..microversions import Version
from .common import usage_time

Body = Dict[str, Any]
MIN = "3.0"
MAX = "3.71"
UPDATED = "2023-08-31T00:00:00Z"


@dataclass(frozen=True)
class VolumeViewContext:
    """What a Cinder view needs from the request: the endpoint URL, version, and whether an admin asks."""

    endpoint: str  # ``<base>/volume/v3/<project_id>``
    version: Version
    is_admin: bool
    types: Mapping[str, Mapping[str, Any]]  # volume type id -> type record


def links(ctx: VolumeViewContext, collection: str, item_id: str) -> List[Dict[str, str]]:
    bookmark = ctx.endpoint.replace("/volume/v3/", "/volume/", 1)
    return [{"href": f"{ctx.endpoint}/{collection}/{item_id}", "rel": "self"},
            {"href": f"{bookmark}/{collection}/{item_id}", "rel": "bookmark"}]


def _type(record: Mapping[str, Any], ctx: VolumeViewContext) -> Mapping[str, Any]:
    return ctx.types.get(record["volume_type_id"], DEFAULT_TYPE)


def _attachments(record: Mapping[str, Any], ctx: VolumeViewContext) -> List[Body]:
    return [{"id": record["id"], "attachment_id": detail["attachment_id"], "volume_id": record["id"],
             "server_id": server_id, "host_name": "fakenova-compute" if ctx.is_admin else None,
             "device": detail["device"], "attached_at": usage_time(detail.get("attached_at"))}
            for server_id, detail in record["attachments"].items()]


Getter = Callable[[Mapping[str, Any], VolumeViewContext], Any]
#: (first version, key, value, admin only) of the fields the detail view adds by microversion
DETAIL_SINCE: Tuple[Tuple[str, str, Getter, bool], ...] = (
    ("3.13", "group_id", lambda r, c: None, False),
    ("3.21", "provider_id", lambda r, c: None, True),
    ("3.48", "shared_targets", lambda r, c: False, False),
    ("3.48", "service_uuid", lambda r, c: "6b6f5a9e-2c5d-4c4b-9b1c-6a7f0d2e8a11", False),
    ("3.61", "cluster_name", lambda r, c: None, True),
    ("3.63", "volume_type_id", lambda r, c: _type(r, c)["id"], False),
    ("3.65", "consumes_quota", lambda r, c: True, False),
)


def volume_detail(record: Mapping[str, Any], ctx: VolumeViewContext, extended: bool = True) -> Body:
    """One volume as ``GET /volumes/{id}`` shows it at ``ctx.version``.

    :param extended: whether Cinder's extensions add their attributes (the tenant, host and migration
        attributes extend show and detail lists only, not the create and update responses).
    """
    body: Body = {
        "id": record["id"], "status": record["status"], "size": record["size"],
        "availability_zone": record["availability_zone"], "created_at": usage_time(record["created_at"]),
        "updated_at": usage_time(record.get("updated_at")), "name": record["name"],
        "description": record["description"], "volume_type": _type(record, ctx)["name"],
        "snapshot_id": record["snapshot_id"], "source_volid": record["source_volid"],
        "metadata": {**record["metadata"], **record.get("admin_metadata", {})},
        "links": links(ctx, "volumes", record["id"]),
        "user_id": record["user_id"], "bootable": str(bool(record["bootable"])).lower(), "encrypted": False,
        "replication_status": None, "consistencygroup_id": None, "multiattach": record["multiattach"],
        "attachments": _attachments(record, ctx),
    }
    if extended and record.get("image_id"):
        body["volume_image_metadata"] = {"image_id": record["image_id"]}
    if ctx.is_admin:
        body["migration_status"] = record.get("migration_status")
    if extended:
        body["os-vol-tenant-attr:tenant_id"] = record["project_id"]
    if extended and ctx.is_admin:
        body["os-vol-host-attr:host"] = "fakenova-volume@lvmdriver-1#lvmdriver-1"
        body["os-vol-mig-status-attr:migstat"] = record.get("migration_status")
        body["os-vol-mig-status-attr:name_id"] = None
    for since, key, getter, admin_only in DETAIL_SINCE:
        if ctx.version >= Version.parse(since) and (ctx.is_admin or not admin_only):
            body[key] = getter(record, ctx)
    return body


def volume_summary(record: Mapping[str, Any], ctx: VolumeViewContext) -> Body:
    return {"id": record["id"], "name": record["name"], "links": links(ctx, "volumes", record["id"])}


def volume_list(records: Sequence[Mapping[str, Any]], ctx: VolumeViewContext, detail: bool,
                next_href: Optional[str], count: Optional[int]) -> Body:
    render = volume_detail if detail else volume_summary
    body: Body = {"volumes": [render(record, ctx) for record in records]}
    if next_href is not None:
        body["volumes_links"] = [{"href": next_href, "rel": "next"}]
    if count is not None:
        body["count"] = count
    return body


#: the extra specs Cinder shows to non-admins (``USER_VISIBLE_EXTRA_SPECS``)
USER_VISIBLE_SPECS = ("RESKEY:availability_zones", "multiattach", "replication_enabled")


def volume_type(record: Mapping[str, Any], is_admin: bool, *, managed: bool = False, access: bool = True) -> Body:
    """A volume type as Cinder shows it.

    :param managed: the create/update answer (types_manage's plain view: every extra spec, no qos id),
        rather than ``GET /types``' (specs trimmed for non-admins, qos id for admins).
    :param access: whether the type-access extension adds ``os-volume-type-access:is_public`` (show, list
        and create; not update).
    """
    specs = dict(record.get("extra_specs") or {})
    body: Body = {"id": record["id"], "name": record["name"], "is_public": record.get("is_public", True),
                  "description": record.get("description")}
    if managed or is_admin:
        body["extra_specs"] = specs
    else:
        body["extra_specs"] = {key: value for key, value in specs.items() if key in USER_VISIBLE_SPECS}
    if is_admin and not managed:
        body["qos_specs_id"] = record.get("qos_specs_id")
    if access:
        body["os-volume-type-access:is_public"] = record.get("is_public", True)
    return body


def version_document(base_url: str) -> Body:
    """Cinder's one known version, v3.0, with its microversion range."""
    return {"id": "v3.0", "status": "CURRENT", "version": MAX, "min_version": MIN, "updated": UPDATED,
            "links": [{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                      {"rel": "self", "href": f"{base_url}/volume/v3/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.volume+json;version=3"}]}


#: (first version, key, value, admin only) of the fields the snapshot view adds by microversion
SNAPSHOT_SINCE: Tuple[Tuple[str, str, Getter, bool], ...] = (
    ("3.14", "group_snapshot_id", lambda r, c: None, False),
    ("3.41", "user_id", lambda r, c: r["user_id"], False),
    ("3.65", "consumes_quota", lambda r, c: True, False),
)


def snapshot(record: Mapping[str, Any], ctx: VolumeViewContext, detail: bool = True) -> Body:
    """One snapshot as ``GET /snapshots/{id}`` shows it at ``ctx.version``.

    :param detail: whether the extended attributes (show and detail lists only) are added.
    """
    body: Body = {"id": record["id"], "created_at": usage_time(record["created_at"]),
                  "updated_at": usage_time(record.get("updated_at")), "name": record["name"],
                  "description": record["description"], "volume_id": record["volume_id"],
                  "status": record["status"], "size": record["size"], "metadata": dict(record["metadata"])}
    if detail:
        body["os-extended-snapshot-attributes:progress"] = "100%" if record["status"] == "available" else "0%"
        body["os-extended-snapshot-attributes:project_id"] = record["project_id"]
    for since, key, getter, admin_only in SNAPSHOT_SINCE:
        if ctx.version >= Version.parse(since) and (ctx.is_admin or not admin_only):
            body[key] = getter(record, ctx)
    return body


def proxy_volume(record: Mapping[str, Any], type_name: str, iso: Callable[[float], str]) -> Body:
    """Nova's ``os-volumes`` view of a Cinder volume (``_translate_volume_summary_view``)."""
    attachments: List[Body] = [{}]
    if record["attachments"]:
        server_id, detail = next(iter(record["attachments"].items()))
        attachments = [{"id": record["id"], "volumeId": record["id"], "serverId": server_id,
                        **({"device": detail["device"]} if detail.get("device") else {})}]
    return {"id": record["id"], "status": record["status"], "size": record["size"],
            "availabilityZone": record["availability_zone"], "createdAt": iso(record["created_at"]),
            "attachments": attachments, "displayName": record["name"], "displayDescription": record["description"],
            "volumeType": type_name, "snapshotId": record["snapshot_id"], "metadata": dict(record["metadata"])}


def proxy_snapshot(record: Mapping[str, Any], iso: Callable[[float], str]) -> Body:
    """Nova's ``os-snapshots`` view of a Cinder snapshot."""
    return {"id": record["id"], "volumeId": record["volume_id"], "status": record["status"],
            "size": record["size"], "createdAt": iso(record["created_at"]), "displayName": record["name"],
            "displayDescription": record["description"]}
