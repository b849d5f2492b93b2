"""``POST /volumes/{id}/action``: Cinder's volume actions as one table of (guard, change) rows.

Each row names the statuses the action starts from (Cinder's ``conditional_update`` expectations), the
message Cinder gives otherwise, whether it is admin-only, the status code and the change it makes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from . import cinder, cinder_quotas, cinder_upload, errors
from .cinder import InvalidInput, InvalidVolume, Record
from .cinder_paths import VolumeAction as Paced
from .context import RequestContext
from .ports import Runtime
from .strings import bool_from_string

Change = Callable[[Runtime, RequestContext, Record, Mapping[str, Any]], Record]
#: the statuses ``os-reset_status`` accepts (Cinder's VolumeStatus field values)
STATUSES = frozenset({
    "creating", "available", "deleting", "error", "error_deleting", "error_managing", "managing", "attaching",
    "in-use", "detaching", "maintenance", "restoring-backup", "error_restoring", "reserved", "awaiting-transfer",
    "backing-up", "error_backing-up", "error_extending", "downloading", "uploading", "retyping", "extending"})
#: the version from which an attached volume can be extended (VOLUME_EXTEND_INUSE)
EXTEND_IN_USE = (3, 42)


@dataclass(frozen=True)
class VolumeAction:
    """One action: where it may start, what Cinder says otherwise, and what it does."""

    rule: str
    change: Change
    allowed: Optional[Tuple[str, ...]] = None  # None: any status
    refusal: str = ""
    admin_only: bool = False
    status: int = 202
    touches: Tuple[str, ...] = ()  # the other kinds the change writes


def _guard(action: VolumeAction, record: Record) -> None:
    if action.allowed is not None and record["status"] not in action.allowed:
        raise InvalidVolume(reason=action.refusal.format(id=record["id"], status=record["status"],
                                                        allowed=" or ".join(action.allowed)))


def _extend(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    new_size = int(body["new_size"])
    attached = record["status"] == "in-use" and (ctx.version.major, ctx.version.minor) >= EXTEND_IN_USE
    expected = "in-use" if attached else "available"
    if new_size <= record["size"]:
        raise InvalidInput(reason=f"New size for extend must be greater than current size. (current: "
                                  f"{record['size']}, extended: {new_size}).")
    if record["status"] != expected:
        raise InvalidVolume(reason=f"Volume {record['id']} status must be '{{'status': '{expected}'}}' to "
                                   f"extend, currently {record['status']}.")
    cinder_quotas.check_new_volume(runtime, record["project_id"], new_size, volume_type_id=record["volume_type_id"],
                                  extend_by=new_size - record["size"])
    return cinder.begin_action(runtime, ctx, record, Paced.VOLUME_EXTEND, size=new_size)


def _set(field: str, key: str) -> Change:
    def change(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
        return {**record, field: bool_from_string(body[key]), "updated_at": ctx.now}
    return change


def _readonly(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    """Cinder keeps the flag in the volume's admin metadata, which its views show within ``metadata``."""
    flag = bool_from_string(body["readonly"])
    admin = {**record.get("admin_metadata", {}), "readonly": str(flag)}
    return {**record, "readonly": flag, "admin_metadata": admin, "updated_at": ctx.now}


def _status(status: str) -> Change:
    def change(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
        return {**record, "status": status, "updated_at": ctx.now}
    return change


def _back_from(status: str) -> Change:
    """Cinder's unreserve and roll_detaching: from ``status`` back to in-use (attached) or available; any
    other status is left alone (a conditional update that matches nothing is not an error)."""
    def change(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
        if record["status"] != status:
            return record
        return {**record, "status": "in-use" if record["attachments"] else "available", "updated_at": ctx.now}
    return change


def _reset_status(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    status = (body.get("status") or "").lower() or None
    if status is not None and status not in STATUSES:
        raise errors.BadRequest(f"Invalid input for field/attribute status. Value: {body['status']}. "
                                f"'{body['status']}' is not a 'volume_status'")
    if status in ("deleting", "error_deletingdetaching"):  # Cinder's own tuple lacks a comma here
        raise errors.BadRequest(f"Cannot reset-state to {status}")
    if status == "in-use" and not record["attachments"]:
        raise errors.BadRequest("Cannot reset-state to in-use because volume does not have any attachments.")
    changes: Dict[str, Any] = {"transition": None, "updated_at": ctx.now}
    if status is not None:
        changes["status"] = status
    if body.get("attach_status", "").lower() == "detached":
        changes["attachments"] = {}
    if body.get("migration_status") is not None:
        migration = body["migration_status"].lower()
        changes["migration_status"] = None if migration == "none" else migration
    return {**record, **changes}


def _force_delete(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    return cinder.begin_action(runtime, ctx, record, Paced.VOLUME_DELETE, attachments={})


def _attach(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    server_id = body.get("instance_uuid") or body.get("host_name") or ""
    detail = {"device": body.get("mountpoint"), "tag": None, "attachment_id": runtime.ids.uuid(),
              "bdm_uuid": runtime.ids.uuid(), "attached_at": ctx.now, "delete_on_termination": False}
    attachments = {**record["attachments"], server_id: detail}
    return {**record, "status": "in-use", "attachments": attachments, "updated_at": ctx.now}


def _detach(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    wanted = body.get("attachment_id")
    kept = {sid: d for sid, d in record["attachments"].items() if wanted not in (None, d["attachment_id"])}
    return {**record, "status": "in-use" if kept else "available", "attachments": kept, "updated_at": ctx.now}


def _unchanged(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    return record


_P = "volume_extension:volume_actions:"
ACTIONS: Mapping[str, VolumeAction] = {
    "os-extend": VolumeAction("volume:extend", _extend, touches=cinder.BEGIN_WRITES),
    "os-set_bootable": VolumeAction("volume:update", _set("bootable", "bootable"), status=200),
    "os-update_readonly_flag": VolumeAction(
        "volume:update_readonly_flag", _readonly, ("available",),
        "Volume {id} status must be available to update readonly flag, but current status is: {status}."),
    "os-reset_status": VolumeAction("volume_extension:volume_admin_actions:reset_status", _reset_status,
                                    admin_only=True),
    "os-force_delete": VolumeAction("volume_extension:volume_admin_actions:force_delete", _force_delete,
                                    admin_only=True, touches=cinder.BEGIN_WRITES),
    "os-reserve": VolumeAction(f"{_P}reserve", _status("attaching"), ("available",),
                               "Volume status must be available to reserve, but the status is {status}."),
    "os-unreserve": VolumeAction(f"{_P}unreserve", _back_from("attaching")),
    "os-begin_detaching": VolumeAction(
        f"{_P}begin_detaching", _status("detaching"), ("in-use",),
        "Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach."),
    "os-roll_detaching": VolumeAction(f"{_P}roll_detaching", _back_from("detaching")),
    "os-attach": VolumeAction(f"{_P}attach", _attach, ("available", "attaching", "reserved", "in-use"),
                              "Volume {id} status must be available or attaching, but current status is: "
                              "{status}."),
    "os-detach": VolumeAction(f"{_P}detach", _detach),
    "os-initialize_connection": VolumeAction(f"{_P}initialize_connection", _unchanged, status=200),
    "os-terminate_connection": VolumeAction(f"{_P}terminate_connection", _unchanged),
    "os-volume_upload_image": VolumeAction(f"{_P}upload_image", cinder_upload.upload, touches=("image",)),
}


def connection_info(record: Record) -> Dict[str, Any]:
    """What ``os-initialize_connection`` answers: a fake iSCSI target for the volume."""
    return {"connection_info": {"driver_volume_type": "iscsi", "data": {
        "target_discovered": False, "target_iqn": f"iqn.2010-10.org.openstack:volume-{record['id']}",
        "target_portal": "127.0.0.1:3260", "target_lun": 0, "volume_id": record["id"],
        "auth_method": "CHAP", "access_mode": "ro" if record["readonly"] else "rw", "encrypted": False}}}


def perform(runtime: Runtime, ctx: RequestContext, volume_id: str, name: str,
            body: Mapping[str, Any]) -> Tuple[VolumeAction, Record]:
    """Run action ``name`` on the caller's volume: policy, status guard, then its change."""
    action = ACTIONS[name]
    if action.admin_only and not ctx.is_admin:
        cinder.observe(runtime, ctx, volume_id, observed=False)  # 404 before 403, as Cinder looks up first
        raise errors.Forbidden(rule=action.rule)

    def change(record: Record) -> Record:
        _guard(action, record)
        return action.change(runtime, ctx, record, body)

    return action, cinder.edit(runtime, ctx, volume_id, change, touches=action.touches)
