"""Cinder's attachments API (3.27; ``os-complete`` 3.44): reserve, connect, complete and delete attachments.

An attachment is one record of kind ``volume_attachment``; once connected it is also listed on its volume
under ``attachments`` (keyed by the instance, or by the attachment when there is none), marked as Cinder's
own so that Nova's server bookkeeping never releases it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import cinder, errors
from .cinder import Record
from .context import RequestContext
from .ports import Runtime

KIND = "volume_attachment"


class AttachmentNotFound(errors.NotFound):
    msg_fmt = "Volume attachment could not be found with filter: attachment_id = {attachment_id}."


def find(runtime: Runtime, ctx: RequestContext, attachment_id: str) -> Record:
    record = runtime.store.get(KIND, attachment_id)
    if record is None or not cinder.visible(record, ctx):
        raise AttachmentNotFound(attachment_id=attachment_id)
    return dict(record)


def listed(runtime: Runtime, ctx: RequestContext, every: bool) -> List[Record]:
    return list(runtime.store.list(KIND, None if every else ctx.project_id))


def connection_info(volume: Mapping[str, Any], attachment: Mapping[str, Any]) -> Dict[str, Any]:
    """What the backend answers for a connector: a fake iSCSI target."""
    return {"driver_volume_type": "iscsi", "target_discovered": False, "attachment_id": attachment["id"],
            "target_iqn": f"iqn.2010-10.org.openstack:volume-{volume['id']}", "target_portal": "127.0.0.1:3260",
            "target_lun": 0, "volume_id": volume["id"], "access_mode": attachment["attach_mode"],
            "encrypted": False}


def _key(attachment: Mapping[str, Any]) -> str:
    return attachment["instance"] or attachment["id"]


def _on_volume(attachment: Mapping[str, Any], now: float) -> Dict[str, Any]:
    return {"device": (attachment.get("connector") or {}).get("mountpoint"), "tag": None,
            "attachment_id": attachment["id"], "bdm_uuid": attachment["id"], "attached_at": now,
            "delete_on_termination": False, "cinder_only": True}


def create(runtime: Runtime, ctx: RequestContext, wanted: Mapping[str, Any]) -> Record:
    """Reserve the volume (``reserved``), or connect it at once when a connector is given (``attaching``)."""
    connector = wanted.get("connector")
    attachment: Record = {
        "id": runtime.ids.uuid(), "volume_id": wanted["volume_uuid"], "instance": wanted.get("instance_uuid"),
        "status": "attaching" if connector else "reserved", "attach_mode": wanted.get("mode") or "rw",
        "connector": connector, "attached_at": None, "detached_at": None, "project_id": ctx.project_id}

    def reserve(volume: Record) -> Record:
        if "error" in volume["status"]:
            raise cinder.InvalidVolume(reason=f"Volume attachments can not be created if the volume is in an "
                                              f"error state. The Volume {volume['id']} currently has a status "
                                              f"of: {volume['status']} ")
        same_instance = attachment["instance"] and attachment["instance"] in volume["attachments"]
        if volume["status"] not in ("available", "downloading") and not same_instance:
            raise cinder.InvalidVolume(reason=f"Volume {volume['id']} status must be available or downloading to "
                                              f"reserve, but the current status is {volume['status']}.")
        return {**volume, "status": attachment["status"], "updated_at": ctx.now}

    cinder.edit(runtime, ctx, attachment["volume_id"], reserve)
    runtime.store.put(KIND, attachment["id"], attachment, project=ctx.project_id)
    return attachment


def update(runtime: Runtime, ctx: RequestContext, attachment_id: str, connector: Mapping[str, Any]) -> Record:
    """Connect a reserved attachment: the volume is ``attaching`` until completed."""
    attachment = {**find(runtime, ctx, attachment_id), "connector": dict(connector), "status": "attaching"}
    cinder.edit(runtime, ctx, attachment["volume_id"], lambda v: {**v, "status": "attaching",
                                                                    "updated_at": ctx.now})
    runtime.store.put(KIND, attachment_id, attachment, project=attachment["project_id"])
    return attachment


def complete(runtime: Runtime, ctx: RequestContext, attachment_id: str) -> None:
    """``os-complete``: the attachment is ``attached`` and the volume ``in-use``."""
    attachment = {**find(runtime, ctx, attachment_id), "status": "attached", "attached_at": ctx.now}
    cinder.edit(runtime, ctx, attachment["volume_id"], lambda v: {
        **v, "status": "in-use", "attachments": {**v["attachments"], _key(attachment): _on_volume(attachment, ctx.now)},
        "updated_at": ctx.now})
    runtime.store.put(KIND, attachment_id, attachment, project=attachment["project_id"])


def delete(runtime: Runtime, ctx: RequestContext, attachment_id: str) -> List[Record]:
    """Detach and forget the attachment; the volume is ``available`` once nothing else holds it."""
    attachment = find(runtime, ctx, attachment_id)

    def release(volume: Optional[Record]) -> Optional[Record]:
        if volume is None:
            return None
        kept = {key: d for key, d in volume["attachments"].items() if d.get("attachment_id") != attachment_id}
        others = [a for a in runtime.store.list(KIND) if a["volume_id"] == volume["id"] and a["id"] != attachment_id]
        status = "in-use" if kept else ("reserved" if others else "available")
        return {**volume, "attachments": kept, "status": status, "updated_at": ctx.now}

    runtime.store.compute(cinder.KIND, attachment["volume_id"], release)
    runtime.store.delete(KIND, attachment_id)
    return []
