"""Cinder volume records: their shape, their paced status transitions, and who may see them.

A volume is one record of kind ``volume`` (a plain dict, the one model the Nova side shares). Statuses move
as Cinder's do: ``creating``, ``attaching``, ``detaching``, ``extending`` and ``deleting`` are transient and
end, at the configured pace on the injected clock (``domain/pace.py``), in the status the transition names
(or, for ``deleting``, in no record at all). ``attachments`` maps a server id to Nova's block device mapping
details (device, tag, attachment and bdm ids), so both sides read one record. A server's delete releases its
volumes as it ends (``release_server_volumes``, the lifecycle's RELEASES_VOLUMES finish); the paced actions a
scenario can steer are the PATHS of ``cinder_paths.py`` (``begin_action``).
"""
from __future__ import annotations

import functools
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional

from . import errors
from .cinder_paths import PATHS, VolumeAction, end_status
from .context import RequestContext
from .models import Server
from .pace import AfterPolls, AfterSeconds, Immediate, Manual, Pace, parse_pace
from .ports import CHOOSER_WRITES, Runtime

KIND = "volume"
ZONE = "nova"
#: the type every volume has when none is asked for (Cinder's ``__DEFAULT__``, created by its db migration)
DEFAULT_TYPE = {"id": "a4a8f7a5-3f4b-4b0e-9a4c-6f6d2f0e9f10", "name": "__DEFAULT__",
                "description": "Default Volume Type", "is_public": True, "extra_specs": {}, "qos_specs_id": None,
                "os-volume-type-access:is_public": True}
#: namespace of the creator ids of seeded volumes
_SEEDED_BY = uuid.UUID("5d1e0a7c-3b2f-4e6d-8c9a-0f1e2d3c4b5a")
#: what a finished transient status becomes when nothing else is named
DELETED = None
Record = Dict[str, Any]


class VolumeNotFound(errors.NotFound):
    msg_fmt = "Volume {volume_id} could not be found."


class InvalidVolume(errors.BadRequest):
    msg_fmt = "Invalid volume: {reason}"


class InvalidInput(errors.BadRequest):
    msg_fmt = "Invalid input received: {reason}"


def new_record(runtime: Runtime, ctx: RequestContext, **fields: Any) -> Record:
    """A volume record with Cinder's defaults, ``fields`` over them."""
    now = ctx.now
    record: Record = {
        "id": runtime.ids.uuid(), "name": None, "description": None, "size": 1, "status": "creating",
        "project_id": ctx.project_id, "user_id": ctx.user_id, "availability_zone": ZONE,
        "created_at": now, "updated_at": None, "volume_type_id": DEFAULT_TYPE["id"], "snapshot_id": None,
        "source_volid": None, "image_id": None, "metadata": {}, "bootable": False, "readonly": False,
        "multiattach": False, "attachments": {}, "transition": None, "migration_status": None,
    }
    record.update(fields)
    return record


def seed_record(volume: Mapping[str, Any], project_id: str, now: float) -> Record:
    """A fixture volume as an ``available`` Cinder volume of ``project_id`` (its creator a stable id, as Cinder
    always names one)."""
    record: Record = {
        "name": None, "description": None, "size": 1, "status": "available",
        "user_id": uuid.uuid5(_SEEDED_BY, project_id).hex,
        "availability_zone": ZONE, "updated_at": None, "volume_type_id": DEFAULT_TYPE["id"],
        "snapshot_id": None, "source_volid": None, "image_id": None, "metadata": {}, "bootable": False,
        "readonly": False, "multiattach": False, "attachments": {}, "transition": None, "migration_status": None,
        **{key: value for key, value in volume.items() if key != "project"},
        "project_id": project_id, "created_at": now,
    }
    return record


def begin(record: Record, status: str, then: Optional[str], pace: Pace, now: float, **changes: Any) -> Record:
    """Enter the transient ``status``; it ends in ``then`` (None: the volume is gone) at ``pace``."""
    transition = {"then": then, "started": now, "polls": 0, "pace": str(pace)}
    return {**record, **changes, "status": status, "transition": transition, "updated_at": now}


#: what a ``store.compute`` whose function calls :func:`begin_action` declares it writes (the chooser's kinds)
BEGIN_WRITES = CHOOSER_WRITES


def begin_action(runtime: Runtime, ctx: RequestContext, record: Record, action: VolumeAction,
                 **changes: Any) -> Record:
    """Start ``action`` (a row of :data:`~fakenova.domain.cinder_paths.PATHS`) on the volume or snapshot
    ``record`` at the pace and with the outcome the runtime chooses (the settings, or a scenario rule)."""
    choice = runtime.choose_volume(action, record, ctx)
    then = end_status(action, choice.outcome, record["status"])
    return begin(record, PATHS[action].transient, then, choice.pace, ctx.now, **changes)


def _due(pace: Pace, transition: Mapping[str, Any], now: float) -> bool:
    if isinstance(pace, Immediate):
        return True
    if isinstance(pace, AfterPolls):
        return int(transition["polls"]) >= pace.polls
    if isinstance(pace, AfterSeconds):
        return now - float(transition["started"]) >= pace.seconds
    assert isinstance(pace, Manual)
    return False  # a manual pace waits for the control plane, as servers do


def advance(record: Record, now: float, *, observed: bool) -> Optional[Record]:
    """The record after its transition has run as far as its pace allows; None once a delete is done."""
    transition = record.get("transition")
    if not transition:
        return record
    if observed:
        transition = {**transition, "polls": transition["polls"] + 1}
        record = {**record, "transition": transition}
    if not _due(parse_pace(transition["pace"]), transition, now):
        return record
    if transition["then"] is DELETED:
        return None
    return {**record, "status": transition["then"], "transition": None, "updated_at": now}


def finish_now(record: Record, now: float) -> Optional[Record]:
    """End the record's transition at once (the control plane's step for a manual pace)."""
    transition = record.get("transition")
    if not transition:
        return record
    return advance({**record, "transition": {**transition, "pace": "immediate"}}, now, observed=False)


def pace(runtime: Runtime) -> Pace:
    """Volumes move at the default pace of servers."""
    return runtime.settings.pace


def _settle_holders(runtime: Runtime, record: Mapping[str, Any], now: float) -> None:
    """Bring the Nova servers holding the volume up to the clock: a delete that has ended by now releases its
    volumes (``release_server_volumes``, run by the delete's end), so a volume read never sees a stale hold."""
    from . import compute  # compute imports the lifecycle, which is heavier than this module needs at import

    def catch_up(server: Optional[Server]) -> Optional[Server]:
        return compute.settle(runtime, server, now, observed=False) if server is not None else None

    for server_id, detail in record.get("attachments", {}).items():
        if not detail.get("cinder_only"):  # made through Cinder's attachments API: no Nova server to follow
            runtime.store.compute("server", server_id, catch_up, touches=compute.SETTLE_WRITES)


def settle(runtime: Runtime, volume_id: str, now: float, *, observed: bool) -> Optional[Record]:
    """The stored volume after its holders and its own transition have run as far as their paces allow; None
    if it is gone."""
    current = runtime.store.get(KIND, volume_id)
    if current is None:
        return None
    _settle_holders(runtime, current, now)

    def apply(record: Optional[Record]) -> Any:
        if record is None:
            return None
        after = advance(record, now, observed=observed)
        return after if after is not None else removed()

    result = runtime.store.compute(KIND, volume_id, apply)
    return None if result is None or result is removed() else result


def removed() -> Any:
    """The store's sentinel for a record a compute deletes."""
    from ..store.base import REMOVE  # the store package's sentinel; domain code imports no store at load

    return REMOVE


def release_server_volumes(runtime: Runtime, server: Server, now: float) -> None:
    """What Nova does to the volumes of a server it deletes, as the delete ends: each is detached (``available``
    unless another server still holds it), then those marked ``delete_on_termination`` are deleted at the
    volume delete pace; one with snapshots stays, as Cinder refuses its delete and Nova only logs it."""
    store = runtime.store
    with_snapshots = {s["volume_id"] for s in store.list("volume_snapshot")}
    pace = runtime.settings.pace_for(VolumeAction.VOLUME_DELETE)
    for volume_id, delete in server.volumes_attached:
        doomed = pace if delete and volume_id not in with_snapshots else None
        store.compute(KIND, volume_id, functools.partial(_released, server_id=server.id, now=now, delete_at=doomed))


def _released(record: Optional[Record], server_id: str, now: float, delete_at: Optional[Pace]) -> Any:
    """``record`` without ``server_id``'s attachment, and begun deleting at ``delete_at`` if given."""
    if record is None:
        return None  # gone already
    record = advance(record, now, observed=False)
    if record is None:
        return removed()
    if server_id not in record["attachments"]:
        return record  # released already (an immediate delete's end runs again at the next read)
    kept = {sid: detail for sid, detail in record["attachments"].items() if sid != server_id}
    record = {**record, "attachments": kept, "updated_at": now,
              **({} if kept else {"status": "available", "transition": None})}
    if delete_at is not None and not kept:
        record = advance(begin(record, "deleting", DELETED, delete_at, now), now, observed=False)
    return record if record is not None else removed()


def visible(record: Optional[Mapping[str, Any]], ctx: RequestContext) -> bool:
    return record is not None and (ctx.is_admin or record["project_id"] == ctx.project_id)


def lookup(runtime: Runtime, ctx: RequestContext, volume_id: str) -> Record:
    """The caller's stored volume as it is (for use inside another record's compute); 404 otherwise."""
    record = runtime.store.get(KIND, volume_id)
    if record is None or not visible(record, ctx):
        raise VolumeNotFound(volume_id=volume_id)
    return dict(record)


def observe(runtime: Runtime, ctx: RequestContext, volume_id: str, *, observed: bool = True) -> Record:
    """The caller's volume, settled; Cinder's 404 when it is missing or another project's."""
    if not visible(runtime.store.get(KIND, volume_id), ctx):
        raise VolumeNotFound(volume_id=volume_id)
    record = settle(runtime, volume_id, ctx.now, observed=observed)
    if record is None:
        raise VolumeNotFound(volume_id=volume_id)
    return record


def edit(runtime: Runtime, ctx: RequestContext, volume_id: str, change: Callable[[Record], Record],
         *, touches: tuple = ()) -> Record:
    """Apply ``change`` to the caller's settled volume atomically; its errors leave the record as it was."""
    observe(runtime, ctx, volume_id, observed=False)

    def apply(record: Optional[Record]) -> Any:
        if record is None:
            raise VolumeNotFound(volume_id=volume_id)
        return change(record)

    result: Record = runtime.store.compute(KIND, volume_id, apply, touches=touches)
    return result


def visible_volumes(runtime: Runtime, ctx: RequestContext, all_projects: bool) -> List[Record]:
    """Every volume the caller may list, settled (admins see every project's with ``all_tenants``)."""
    project = None if (ctx.is_admin and all_projects) else ctx.project_id
    found = []
    for record in runtime.store.list(KIND, project):
        settled = settle(runtime, record["id"], ctx.now, observed=True)
        if settled is not None:
            found.append(settled)
    return found
