"""Cinder volume snapshots: create (``force`` for in-use volumes), list, show, update and delete.

A snapshot is one record of kind ``volume_snapshot``; it moves ``creating`` -> ``available`` and
``deleting`` -> gone at the pace of volumes (:func:`fakenova.domain.cinder.advance`).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import cinder, cinder_quotas, cinder_volumes, errors
from .cinder import InvalidVolume, Record
from .cinder_paths import VolumeAction
from .context import RequestContext
from .ports import Runtime

KIND = "volume_snapshot"
#: from 3.66 (SNAPSHOT_IN_USE) an in-use volume is snapshotted without ``force``
IN_USE_WITHOUT_FORCE = (3, 66)
#: the snapshot fields a listing sorts by
SORT_KEYS = ("created_at", "id", "name", "status", "size", "updated_at", "volume_id", "project_id", "user_id")


class SnapshotNotFound(errors.NotFound):
    msg_fmt = "Snapshot {snapshot_id} could not be found."


class InvalidSnapshot(errors.BadRequest):
    msg_fmt = "Invalid snapshot: {reason}"


def _settle(runtime: Runtime, snapshot_id: str, now: float, observed: bool) -> Optional[Record]:
    def apply(record: Optional[Record]) -> Any:
        if record is None:
            return None
        after = cinder.advance(record, now, observed=observed)
        return after if after is not None else cinder.removed()

    result = runtime.store.compute(KIND, snapshot_id, apply)
    return None if result is None or result is cinder.removed() else result


def observe(runtime: Runtime, ctx: RequestContext, snapshot_id: str, *, observed: bool = True) -> Record:
    """The caller's snapshot, settled; 404 otherwise."""
    if not cinder.visible(runtime.store.get(KIND, snapshot_id), ctx):
        raise SnapshotNotFound(snapshot_id=snapshot_id)
    record = _settle(runtime, snapshot_id, ctx.now, observed)
    if record is None:
        raise SnapshotNotFound(snapshot_id=snapshot_id)
    return record


def edit(runtime: Runtime, ctx: RequestContext, snapshot_id: str, change: Callable[[Record], Record]) -> Record:
    """Apply ``change`` to the caller's settled snapshot atomically (its metadata edits)."""
    observe(runtime, ctx, snapshot_id, observed=False)

    def apply(record: Optional[Record]) -> Record:
        if record is None:
            raise SnapshotNotFound(snapshot_id=snapshot_id)
        return change(record)

    result: Record = runtime.store.compute(KIND, snapshot_id, apply)
    return result


def create(runtime: Runtime, ctx: RequestContext, wanted: Mapping[str, Any], *, force: bool) -> Record:
    """``POST /snapshots``: the volume must be available (or in-use with ``force``, or from 3.66)."""
    # a null volume_id is Cinder's "Volume None could not be found." (404)
    volume = cinder.observe(runtime, ctx, str(wanted["volume_id"]), observed=False)
    in_use_ok = force or (ctx.version.major, ctx.version.minor) >= IN_USE_WITHOUT_FORCE
    allowed = ("available", "in-use") if in_use_ok else ("available",)
    if volume["status"] not in allowed:
        raise InvalidVolume(reason=f"Volume {volume['id']} status must be {', '.join(allowed)}, but current "
                                   f"status is: {volume['status']}.")
    record: Record = {
        "id": runtime.ids.uuid(), "volume_id": volume["id"], "size": volume["size"],
        "name": wanted.get("name", wanted.get("display_name")),
        "description": wanted.get("description", wanted.get("display_description")),
        "metadata": dict(wanted.get("metadata") or {}), "project_id": ctx.project_id, "user_id": ctx.user_id,
        "created_at": ctx.now, "updated_at": None, "transition": None, "status": "creating",
    }
    with runtime.store.atomically():
        cinder_quotas.check_new_snapshot(runtime, ctx.project_id, int(volume["size"]), volume["volume_type_id"])
        record = cinder.begin_action(runtime, ctx, record, VolumeAction.SNAPSHOT_CREATE)
        runtime.store.put(KIND, record["id"], record, project=ctx.project_id)
    return record


def listed(runtime: Runtime, ctx: RequestContext, args: Mapping[str, str],
           max_limit: int) -> Tuple[List[Record], Optional[int]]:
    """The caller's snapshots (every project's for an admin with ``all_tenants``), filtered, sorted (newest first
    by default) and paged as volumes are; the limit when the page is full (for the next link)."""
    every = ctx.is_admin and args.get("all_tenants", "0").lower() not in ("0", "false", "")
    found = []
    for record in runtime.store.list(KIND, None if every else ctx.project_id):
        settled = _settle(runtime, record["id"], ctx.now, observed=True)
        if settled is not None and all(str(settled.get(key)) == args[key] for key in ("status", "volume_id", "name")
                                       if key in args):
            found.append(settled)
    return cinder_volumes.paged(found, args, max_limit, SORT_KEYS)


def update(runtime: Runtime, ctx: RequestContext, snapshot_id: str, wanted: Mapping[str, Any]) -> Record:
    observe(runtime, ctx, snapshot_id, observed=False)
    changes: Dict[str, Any] = {"updated_at": ctx.now}
    for key, alias in (("name", "display_name"), ("description", "display_description")):
        if key in wanted or alias in wanted:
            changes[key] = wanted.get(key, wanted.get(alias))
    result: Record = runtime.store.compute(KIND, snapshot_id, lambda record: {**record, **changes})
    return result


def delete(runtime: Runtime, ctx: RequestContext, snapshot_id: str) -> None:
    """``DELETE /snapshots/{id}``: from available or error, then ``deleting`` until gone."""
    observe(runtime, ctx, snapshot_id, observed=False)

    def start(record: Record) -> Record:
        if record["status"] not in ("available", "error"):
            raise InvalidSnapshot(reason="Snapshot status must be available or error and must not be part of a "
                                         "group.")
        return cinder.begin_action(runtime, ctx, record, VolumeAction.SNAPSHOT_DELETE)

    runtime.store.compute(KIND, snapshot_id, start, touches=cinder.BEGIN_WRITES)
