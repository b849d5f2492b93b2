"""Cinder's volume use cases: create, list (filters, sort, paging), update and delete, with Cinder's checks.

Records and their paced statuses are :mod:`fakenova.domain.cinder`; actions on a volume are
:mod:`fakenova.domain.cinder_actions`.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import cinder, errors
from .cinder import InvalidInput, InvalidVolume, Record
from .cinder_paths import VolumeAction
from .context import RequestContext
from .ports import Runtime

#: the statuses a volume may be deleted from without ``force`` (Cinder's volume/api.py ``delete``)
DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")
_DELETE_REASON = ("Volume status must be {statuses} and must not be migrating, attached, belong to a group, have "
                  "snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.")
_SIZE_REASON = ("Invalid volume size provided for create request: {size} (size argument must be an integer (or "
                "string representation of an integer) and greater than zero).")


GB = 1024 ** 3


class MarkerNotFound(errors.NotFound):
    msg_fmt = "Marker {marker} could not be found."


class VolumeTypeNotFound(errors.NotFound):
    msg_fmt = "Volume type with name {name} could not be found."


def _size(value: Any) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = 0
    if size <= 0:
        raise InvalidInput(reason=_SIZE_REASON.format(size=value))
    return size


def volume_type(runtime: Runtime, name_or_id: Optional[str]) -> Mapping[str, Any]:
    """The volume type named or identified, the default when none is asked for (404 otherwise)."""
    if not name_or_id:
        return cinder.DEFAULT_TYPE
    for candidate in (cinder.DEFAULT_TYPE, *runtime.store.list("volume_type")):
        if name_or_id in (candidate["id"], candidate["name"]):
            return candidate
    raise VolumeTypeNotFound(name=name_or_id)


def _source(runtime: Runtime, ctx: RequestContext, wanted: Mapping[str, Any]) -> Dict[str, Any]:
    """What the new volume is made from: a source volume, a snapshot or an image (size defaults from it)."""
    found: Dict[str, Any] = {}
    if wanted.get("source_volid"):
        source = cinder.observe(runtime, ctx, wanted["source_volid"], observed=False)
        found.update(source_volid=source["id"], size=source["size"], bootable=source["bootable"])
    if wanted.get("snapshot_id"):
        snapshot = runtime.store.get("volume_snapshot", wanted["snapshot_id"])
        if snapshot is None or not cinder.visible(snapshot, ctx):
            raise errors.NotFound(f"Snapshot {wanted['snapshot_id']} could not be found.")
        found.update(snapshot_id=snapshot["id"], size=snapshot["size"])
    image_ref = wanted.get("imageRef") or wanted.get("image_id")
    if image_ref is not None:
        image = runtime.store.get("image", image_ref)
        if image is None or image.get("status") != "active":
            raise errors.BadRequest("Invalid image identifier or unable to access requested image.")
        found.update(image_id=image["id"], bootable=True)
    return found


def _check_image_fits(image: Mapping[str, Any], size: int) -> None:
    """Cinder's ``check_image_metadata``: the image's bytes (rounded up to GB) and its ``min_disk`` fit."""
    image_gb = (int(image.get("size") or 0) + GB - 1) // GB
    if image_gb > size:
        raise InvalidInput(reason=f"Size of specified image {image_gb}GB is larger than volume size {size}GB.")
    min_disk = int(image.get("min_disk") or 0)
    if size < min_disk:
        raise InvalidInput(reason=f"Volume size {size}GB cannot be smaller than the image minDisk size "
                                  f"{min_disk}GB.")


def create(runtime: Runtime, ctx: RequestContext, wanted: Mapping[str, Any]) -> Record:
    """``POST /volumes``: checks in Cinder's order, then a ``creating`` volume that becomes ``available``."""
    if str(wanted.get("multiattach", "false")).lower() in ("true", "1", "yes", "on", "y", "t"):
        raise errors.BadRequest("multiattach parameter has been removed. The default behavior is to use "
                                "multiattach enabled volume types. Contact your administrator to create a "
                                "multiattach enabled volume type and use it to create multiattach volumes.")
    kind = volume_type(runtime, wanted.get("volume_type"))
    source = _source(runtime, ctx, wanted)
    size = _size(wanted["size"] if wanted.get("size") is not None else source.get("size"))
    if "snapshot_id" in source and size < source["size"]:
        raise InvalidInput(reason=f"Volume size '{size}'GB cannot be smaller than the snapshot size "
                                  f"{source['size']}GB. They must be >= original snapshot size.")
    if "image_id" in source:
        _check_image_fits(runtime.store.get("image", source["image_id"]) or {}, size)
    zone = wanted.get("availability_zone") or cinder.ZONE
    if zone != cinder.ZONE:
        raise InvalidInput(reason="Availability zone '%s' is invalid." % zone)
    from . import cinder_quotas  # quotas read volume records: imported here to keep the import graph a tree

    record = cinder.new_record(runtime, ctx, **{**source, "size": size},
                               name=wanted.get("name", wanted.get("display_name")),
                               description=wanted.get("description", wanted.get("display_description")),
                               volume_type_id=kind["id"], metadata=dict(wanted.get("metadata") or {}),
                               availability_zone=zone)
    with runtime.store.atomically():
        cinder_quotas.check_new_volume(runtime, ctx.project_id, size, volume_type_id=kind["id"])
        record = cinder.begin_action(runtime, ctx, record, VolumeAction.VOLUME_CREATE)
        runtime.store.put(cinder.KIND, record["id"], record, project=ctx.project_id)
    return record


def update(runtime: Runtime, ctx: RequestContext, volume_id: str, wanted: Mapping[str, Any]) -> Record:
    """``PUT /volumes/{id}``: name, description and metadata."""
    changes: Dict[str, Any] = {}
    for key, alias in (("name", "display_name"), ("description", "display_description")):
        if key in wanted or alias in wanted:
            changes[key] = wanted.get(key, wanted.get(alias))
    if "metadata" in wanted:
        changes["metadata"] = dict(wanted["metadata"] or {})
    return cinder.edit(runtime, ctx, volume_id, lambda record: {**record, **changes, "updated_at": ctx.now})


def delete(runtime: Runtime, ctx: RequestContext, volume_id: str, *, cascade: bool, force: bool) -> None:
    """``DELETE /volumes/{id}``: Cinder's state check (attached volumes refused), then ``deleting``."""
    snapshots = [s for s in runtime.store.list("volume_snapshot") if s["volume_id"] == volume_id]

    def start(record: Record) -> Record:
        refused = (not force and record["status"] not in DELETABLE) or record.get("attachments") \
            or record.get("migration_status") or (snapshots and not cascade)
        if refused:
            statuses = "" if force else " or ".join(DELETABLE)
            reason = _DELETE_REASON.format(statuses=statuses) if statuses else _DELETE_REASON.replace(
                "status must be {statuses} and ", "")
            raise InvalidVolume(reason=reason)
        return cinder.begin_action(runtime, ctx, record, VolumeAction.VOLUME_DELETE)

    cinder.edit(runtime, ctx, volume_id, start, touches=cinder.BEGIN_WRITES)
    for snapshot in snapshots:
        runtime.store.delete("volume_snapshot", snapshot["id"])


#: Cinder's default volume filters (etc/cinder/resource_filters.json): query name -> record test
FILTERS: Mapping[str, Callable[[Record, str], bool]] = {
    "name": lambda r, v: (r.get("name") or "") == v,
    "status": lambda r, v: r["status"] == v,
    "bootable": lambda r, v: r["bootable"] == (v.lower() in ("true", "1", "yes")),
    "availability_zone": lambda r, v: r["availability_zone"] == v,
    "size": lambda r, v: str(r["size"]) == v,
    "migration_status": lambda r, v: (r.get("migration_status") or "") == v,
    "project_id": lambda r, v: r["project_id"] == v,
}
SORT_KEYS = ("created_at", "id", "name", "status", "size", "availability_zone", "updated_at", "bootable",
             "project_id", "user_id")
_SORT_FIELD = {"name": "name"}


def sort_params(args: Mapping[str, str], keys: Sequence[str] = SORT_KEYS) -> List[Tuple[str, str]]:
    """``sort=k1:d1,k2`` or ``sort_key``/``sort_dir``; Cinder's default is ``created_at`` then ``id``, desc."""
    if "sort" in args and ("sort_key" in args or "sort_dir" in args):
        raise errors.BadRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used "
                                "with the 'sort' parameter.")
    pairs = []
    if "sort" in args:
        for item in args["sort"].split(","):
            key, _, direction = item.strip().partition(":")
            pairs.append((key.strip(), direction.strip() or "desc"))
    elif "sort_key" in args:
        pairs.append((args["sort_key"], args.get("sort_dir", "desc")))
    for key, direction in pairs:
        if direction not in ("asc", "desc"):
            raise InvalidInput(reason="Unknown sort direction, must be 'desc' or 'asc'")
        if key not in keys:
            raise InvalidInput(reason=f"sort_key={key}")
    known = {key for key, _ in pairs}
    return pairs + [(key, "desc") for key in ("created_at", "id") if key not in known]


def _ordered(records: List[Record], pairs: Sequence[Tuple[str, str]]) -> List[Record]:
    for key, direction in reversed(pairs):
        records.sort(key=lambda r: (r.get(key) is not None, r.get(key) if r.get(key) is not None else 0),
                     reverse=direction == "desc")
    return records


def list_volumes(runtime: Runtime, ctx: RequestContext, args: Mapping[str, str],
                 max_limit: int) -> Tuple[List[Record], Optional[int]]:
    """The caller's volumes filtered, sorted and paged; the limit applied (for the next link), if any."""
    all_projects = args.get("all_tenants", "0").lower() not in ("0", "false", "")
    records = cinder.visible_volumes(runtime, ctx, all_projects)
    for name, test in FILTERS.items():
        if name in args:
            records = [r for r in records if test(r, args[name])]
    if "metadata" in args:
        wanted = _metadata_filter(args["metadata"])
        records = [r for r in records if all(r["metadata"].get(k) == v for k, v in wanted.items())]
    return paged(records, args, max_limit)


def paged(records: List[Record], args: Mapping[str, str], max_limit: int,
          keys: Sequence[str] = SORT_KEYS) -> Tuple[List[Record], Optional[int]]:
    """``records`` sorted (over ``keys``), after ``marker`` and cut at ``limit``; the limit when the page is full."""
    records = _ordered(records, sort_params(args, keys))
    marker = args.get("marker")
    if marker is not None:
        ids = [r["id"] for r in records]
        if marker not in ids:
            raise MarkerNotFound(marker=marker)
        records = records[ids.index(marker) + 1:]
    limit = _limit(args.get("limit"), max_limit)
    page = records[:limit]
    # Cinder links a next page whenever this one is full, even when nothing follows (_get_collection_links)
    return page, limit if page and len(page) == limit else None


def _limit(text: Optional[str], max_limit: int) -> Optional[int]:
    if text is None:
        return max_limit
    try:
        limit = int(text)
    except ValueError:
        raise InvalidInput(reason="limit param must be an integer") from None
    if limit < 0:
        raise InvalidInput(reason="limit param must be positive")
    return min(limit, max_limit)


def _metadata_filter(text: str) -> Dict[str, str]:
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return {"": text}  # matches nothing, as an unparsable filter does in Cinder
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {"": text}
