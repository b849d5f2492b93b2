"""What Cinder loads before its policy check, as ``Route.looks_up`` values.

Cinder's controllers get the volume or snapshot with the caller's project scope (``volume_api.get``) and only then
authorize against it, so a caller a rule refuses is told another project's volume does not exist.
:data:`BY_PARAMETER` makes that the lookup of every route whose path names a volume or a snapshot; the metadata
routes (``<owner_id>``) and the snapshot create (the volume is in its body) name theirs.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from flask import request

from ...domain import cinder, errors
from ...domain.cinder_snapshots import KIND as SNAPSHOTS
from ...domain.cinder_snapshots import SnapshotNotFound
from ...domain.context import RequestContext
from ..http import runtime
from ..routing import Lookup


def volume(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """``VolumeNotFound`` for a volume the caller cannot see (named ``volume_id`` or, for metadata, ``owner_id``)."""
    volume_id = args.get("volume_id") or args["owner_id"]
    if cinder.visible(runtime().store.get(cinder.KIND, volume_id), ctx):
        return None
    return cinder.VolumeNotFound(volume_id=volume_id)


def snapshot(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """``SnapshotNotFound`` for a snapshot the caller cannot see."""
    snapshot_id = args.get("snapshot_id") or args["owner_id"]
    if cinder.visible(runtime().store.get(SNAPSHOTS, snapshot_id), ctx):
        return None
    return SnapshotNotFound(snapshot_id=snapshot_id)


def snapshot_source(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """``VolumeNotFound`` for the volume a snapshot create names (``snapshot.volume_id`` of the body) when the
    caller cannot see it: Cinder gets the volume, then authorizes ``volume:create_snapshot`` against it. A body
    without one is left to the handler's own 400."""
    body: Any = request.get_json(silent=True)
    asked = body.get("snapshot") if isinstance(body, dict) else None
    volume_id = asked.get("volume_id") if isinstance(asked, dict) else None
    if not isinstance(volume_id, str):
        return None
    return volume({"volume_id": volume_id}, ctx)


#: the lookup of a route whose path names a volume or a snapshot and whose row names none
BY_PARAMETER: Mapping[str, Lookup] = {"volume_id": volume, "snapshot_id": snapshot}
