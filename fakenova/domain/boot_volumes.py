"""Boot from volume: a server create's block device mappings become Cinder volume records attached to it.

Checked first, before anything is stored (Nova's ``_validate_bdm``: unknown volumes, snapshots and images are
400 ``Block Device Mapping is Invalid``, a volume Cinder will not reserve is 400), then drawn per server as it
is created (ids and records), and written inside the create's one transaction, so a failed create leaves no
volume or attachment behind: ``image``, ``snapshot`` and ``blank`` sources make a new volume, a ``volume``
source attaches the volume named. Every volume is ``in-use`` on its server, with Nova's block device mapping
details. New volumes over Cinder's quota are not made: the server's build aborts (Nova's compute manager
turns Cinder's OverLimit into a BuildAbortException fault).
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


def check_count(volumes: Tuple[BootVolume, ...], max_count: int) -> None:
    """Nova's ``_check_and_transform_bdm``: one existing volume cannot be attached to every server of a
    multiple create (400, before the quota check)."""
    if max_count > 1 and any(wanted.source == "volume" for wanted in volumes):
        raise errors.BadRequest("Cannot attach one or more volumes to multiple instances")


@dataclass(frozen=True)
class Drawn:
    """One boot volume of a new server with its ids drawn: what the create's transaction writes for it."""

    volume_id: str
    delete_on_termination: bool
    detail: Dict[str, Any]  # Nova's block device mapping details, stored on the volume's attachment
    record: Optional[cinder.Record]  # the volume to make; None attaches the existing ``volume_id``


#: the kinds :func:`write` writes, for the ``touches`` of the compute it runs in
WRITES: Tuple[str, ...] = (cinder.KIND,)


def draw(runtime: Runtime, ctx: RequestContext, server_id: str, has_image: bool,
         volumes: Tuple[BootVolume, ...]) -> Tuple[Drawn, ...]:
    """The ids and records of the server's planned volumes, drawn in the order creates always drew them (so
    seeded ids are unchanged); nothing is stored."""
    from .volumes import derived_detail  # volumes imports compute, which imports this module's callers

    drawn = []
    for index, wanted in enumerate(volumes):
        volume_id = wanted.volume_id or runtime.ids.uuid()
        detail = {**derived_detail(server_id, volume_id, index, has_image), "tag": wanted.tag,
                  "attached_at": ctx.now, "delete_on_termination": wanted.delete_on_termination}
        record = None
        if wanted.volume_id is None:
            record = cinder.new_record(runtime, ctx, id=volume_id, size=wanted.size, image_id=wanted.image_id,
                                       snapshot_id=wanted.snapshot_id, bootable=wanted.image_id is not None,
                                       status="in-use", attachments={server_id: detail}, name="")
        drawn.append(Drawn(volume_id, wanted.delete_on_termination, detail, record))
    return tuple(drawn)


def attached(drawn: Tuple[Drawn, ...]) -> Tuple[Tuple[str, bool], ...]:
    """The server's ``volumes_attached``: each volume and whether it goes with the server."""
    return tuple((item.volume_id, item.delete_on_termination) for item in drawn)


def settle_usage(runtime: Runtime, ctx: RequestContext, volumes: Tuple[BootVolume, ...]) -> None:
    """Before the create's transaction, when it makes volumes: end the project's volume transitions that are
    due (a finished delete frees its share), as the quota check inside the transaction counts the records as
    stored. The create has settled the project's busy servers already (``quotas.settle``), so an ended server
    delete has released its volumes; only the volumes' own transitions are left, and only busy ones cost a
    round trip."""
    if all(wanted.volume_id is not None for wanted in volumes):
        return
    for record in runtime.store.list(cinder.KIND, ctx.project_id):
        if record.get("transition"):
            cinder.settle(runtime, record["id"], ctx.now, observed=False)


def over_quota(runtime: Runtime, project_id: str, drawn: Tuple[Drawn, ...]) -> Optional[str]:
    """Cinder's 413 message when the server's new volumes go over the project's volume quotas (counting the
    volumes the create's transaction has made so far), or None."""
    from . import cinder_quotas

    wanted = [(item.record["size"], item.record["volume_type_id"]) for item in drawn if item.record is not None]
    try:
        cinder_quotas.check_new_volumes(runtime, project_id, wanted)
    except cinder_quotas.QuotaError as refused:
        return refused.message
    return None


def _reserving(runtime: Runtime, server_id: str, volume_id: str, detail: Dict[str, Any], now: float) -> Any:
    def apply(record: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        if record is None:  # gone since the plan checked it
            raise errors.BadRequest(f"Block Device Mapping is Invalid: failed to get volume {volume_id}.")
        if record["status"] != "available":  # taken since the plan checked it: Cinder's reserve refuses
            raise cinder.InvalidVolume(reason=reserve_refusal(runtime, record))
        return {**record, "status": "in-use", "attachments": {**record["attachments"], server_id: detail},
                "updated_at": now}
    return apply


def write(runtime: Runtime, ctx: RequestContext, server_id: str, drawn: Tuple[Drawn, ...]) -> Optional[str]:
    """Inside the create's transaction (touching :data:`WRITES`): make the server's new volumes and attach the
    existing ones, all ``in-use``; or, when Cinder's quota refuses its new volumes, none, and Cinder's message."""
    refused = over_quota(runtime, ctx.project_id, drawn)
    if refused is not None:
        return refused
    for item in drawn:
        if item.record is not None:
            runtime.store.put(cinder.KIND, item.volume_id, item.record, project=ctx.project_id)
        else:
            runtime.store.compute(cinder.KIND, item.volume_id,
                                  _reserving(runtime, server_id, item.volume_id, item.detail, ctx.now))
    return None
