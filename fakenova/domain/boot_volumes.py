"""Boot from volume: a server create's block device mappings become Cinder volume records attached to it.

Checked first, before anything is stored (Nova's ``_validate_bdm``: unknown volumes, snapshots and images are
400 ``Block Device Mapping is Invalid``, a volume Cinder will not reserve is 400), then made per server as
it is created: ``image``, ``snapshot`` and ``blank`` sources make a new volume, a ``volume`` source attaches
the volume named. Every volume is ``in-use`` on its server, with Nova's block device mapping details.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import cinder, errors
from .context import RequestContext
from .ports import Runtime
from .strings import bool_from_string


@dataclass(frozen=True)
class BootVolume:
    """One block device mapping of destination ``volume``, checked."""

    source: str  # image, snapshot, blank or volume
    volume_id: Optional[str]  # the existing volume, for a ``volume`` source
    size: int
    image_id: Optional[str]
    snapshot_id: Optional[str]
    delete_on_termination: bool
    tag: Optional[str]


def reserve_refusal(runtime: Runtime, volume: Mapping[str, Any]) -> str:
    """What Nova answers when Cinder will not reserve ``volume`` (Cinder's 400, through Nova's InvalidInput)."""
    return (f"Invalid input received: Invalid volume: Volume {volume['id']} status must be available or "
            f"downloading to reserve, but the current status is {volume['status']}. (HTTP 400) "
            f"(Request-ID: {runtime.ids.request_id()})")


def _bdms(server: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The mappings that make volumes, legacy (v1) ones read as ``volume``/``snapshot`` sources."""
    found = [dict(bdm) for bdm in server.get("block_device_mapping_v2") or []
             if bdm.get("destination_type") == "volume"]
    for bdm in server.get("block_device_mapping") or []:
        if bdm.get("volume_id") or bdm.get("snapshot_id"):
            source = "volume" if bdm.get("volume_id") else "snapshot"
            found.append({**bdm, "source_type": source, "uuid": bdm.get("volume_id") or bdm.get("snapshot_id")})
    return found


def _size(bdm: Mapping[str, Any]) -> int:
    size = bdm.get("volume_size")
    return int(size) if size not in (None, "") else 0


def _check(runtime: Runtime, ctx: RequestContext, bdm: Mapping[str, Any]) -> BootVolume:
    source, uuid = bdm.get("source_type"), bdm.get("uuid") or bdm.get("image_id")
    size, volume_id, snapshot_id, image_id = _size(bdm), None, None, None
    if source == "volume":
        record = runtime.store.get(cinder.KIND, uuid or "")
        if not cinder.visible(record, ctx):
            raise errors.BadRequest(f"Block Device Mapping is Invalid: failed to get volume {uuid}.")
        record = cinder.observe(runtime, ctx, str(uuid), observed=False)
        if str(bdm.get("boot_index")) == "0" and not record["bootable"]:
            raise errors.BadRequest(f"Block Device {uuid} is not bootable.")
        if record["status"] != "available":
            raise cinder.InvalidVolume(reason=reserve_refusal(runtime, record))
        volume_id, size = record["id"], record["size"]
    elif source == "snapshot":
        snapshot = runtime.store.get("volume_snapshot", uuid or "")
        if snapshot is None or not cinder.visible(snapshot, ctx):
            raise errors.BadRequest(f"Block Device Mapping is Invalid: failed to get snapshot {uuid}.")
        snapshot_id, size = snapshot["id"], size or snapshot["size"]
    elif source == "image":
        image = runtime.store.get("image", uuid or "")
        if image is None or image.get("status") != "active":
            raise errors.BadRequest(f"Block Device Mapping is Invalid: failed to get image {uuid}.")
        if not size:
            raise errors.BadRequest("Block Device Mapping is Invalid: Images with destination_type 'volume' need "
                                    "to have a non-zero size specified")
        image_id = image["id"]
    elif source == "blank" and not size:
        raise errors.BadRequest("Block Device Mapping is Invalid: Blank volumes (source: 'blank', dest: "
                                "'volume') need to have non-zero size")
    return BootVolume(source=str(source), volume_id=volume_id, size=size, image_id=image_id,
                      snapshot_id=snapshot_id, tag=bdm.get("tag"),
                      delete_on_termination=bool_from_string(bdm.get("delete_on_termination", False)))


def plan(runtime: Runtime, ctx: RequestContext, server: Mapping[str, Any]) -> Tuple[BootVolume, ...]:
    """The server's volumes, boot index 0 first, each checked as Nova checks it; nothing is stored."""
    bdms = sorted(_bdms(server), key=lambda bdm: (str(bdm.get("boot_index")) not in ("0",)))
    return tuple(_check(runtime, ctx, bdm) for bdm in bdms)


def _attaching(server_id: str, detail: Dict[str, Any], now: float) -> Any:
    def apply(record: Dict[str, Any]) -> Dict[str, Any]:
        return {**record, "status": "in-use", "attachments": {**record["attachments"], server_id: detail},
                "updated_at": now}
    return apply


def attach_all(runtime: Runtime, ctx: RequestContext, server_id: str, has_image: bool,
               volumes: Tuple[BootVolume, ...]) -> Tuple[Tuple[str, bool], ...]:
    """Make or take each planned volume, attached ``in-use`` to the new server; its ``volumes_attached``."""
    from .volumes import derived_detail  # volumes imports compute, which imports this module's callers

    pairs = []
    for index, wanted in enumerate(volumes):
        volume_id = wanted.volume_id or runtime.ids.uuid()
        detail = {**derived_detail(server_id, volume_id, index, has_image), "tag": wanted.tag,
                  "attached_at": ctx.now, "delete_on_termination": wanted.delete_on_termination}
        if wanted.volume_id is None:
            record = cinder.new_record(runtime, ctx, id=volume_id, size=wanted.size, image_id=wanted.image_id,
                                       snapshot_id=wanted.snapshot_id, bootable=wanted.image_id is not None,
                                       status="in-use", attachments={server_id: detail}, name="")
            runtime.store.put(cinder.KIND, volume_id, record, project=ctx.project_id)
        else:
            runtime.store.compute(cinder.KIND, volume_id, _attaching(server_id, detail, ctx.now))
        pairs.append((volume_id, wanted.delete_on_termination))
    return tuple(pairs)
