"""Cinder's quotas: defaults, per-project limits (``os-quota-sets``), usage counted from the records, and the
413 Cinder answers when a new volume or snapshot would go over."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from . import errors
from .ports import Runtime

KIND = "volume_quota"
#: Cinder's defaults (``quota_volumes`` ... in cinder/quota.py); -1 is unlimited
DEFAULTS: Mapping[str, int] = {"volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10,
                               "backup_gigabytes": 1000, "groups": 10, "per_volume_gigabytes": -1}
#: per-type limits Cinder adds for every volume type (``volumes___DEFAULT__`` ...)
PER_TYPE = ("volumes", "snapshots", "gigabytes")


class QuotaError(errors.FakeNovaError):
    code = 413

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"Retry-After": "0"})


def limits_for(runtime: Runtime, project_id: str) -> Dict[str, int]:
    """The project's limits: Cinder's defaults, per-type defaults, then what an admin set."""
    from .cinder import DEFAULT_TYPE

    limits = dict(DEFAULTS)
    for kind in (DEFAULT_TYPE, *runtime.store.list("volume_type")):
        limits.update({f"{resource}_{kind['name']}": -1 for resource in PER_TYPE})
    limits.update(runtime.store.get(KIND, project_id) or {})
    return limits


def _type_names(runtime: Runtime) -> Dict[str, str]:
    """Volume type id -> name (the per-type quota keys are named by the type's name, as Cinder's are)."""
    from .cinder import DEFAULT_TYPE

    return {kind["id"]: kind["name"] for kind in (DEFAULT_TYPE, *runtime.store.list("volume_type"))}


def usage(runtime: Runtime, project_id: str, *, settled: bool = True) -> Dict[str, int]:
    """What the project uses now, counted from its records, in total and per volume type.

    :param settled: settle each volume first (a finished delete frees its share); False inside another
        volume's compute, which may write no other record.
    """
    from .cinder import settle

    volumes = runtime.store.list("volume", project_id)
    if settled:
        volumes = [record for record in (settle(runtime, v["id"], runtime.clock.now(), observed=False)
                                         for v in volumes) if record is not None]
    snapshots = [s for s in runtime.store.list("volume_snapshot") if s["project_id"] == project_id]
    names, type_of = _type_names(runtime), {v["id"]: v["volume_type_id"] for v in volumes}
    used: Dict[str, int] = {}
    for suffix in ("", *(f"_{name}" for name in names.values())):
        used.update({f"{resource}{suffix}": 0 for resource in PER_TYPE})
    for resource, records in (("volumes", volumes), ("snapshots", snapshots)):
        for record in records:
            kind = names.get(record.get("volume_type_id") or type_of.get(record.get("volume_id", ""), ""))
            for key in ("", f"_{kind}") if kind else ("",):
                used[resource + key] += 1
                used["gigabytes" + key] += int(record["size"])
    return used


def _deltas(runtime: Runtime, resource: str, size: int, volume_type_id: Optional[str]) -> Dict[str, int]:
    """What one more volume or snapshot reserves (Cinder's ``reserve_opts``), copied to the keys of its volume
    type (``QUOTAS.add_volume_type_opts``)."""
    deltas = {resource: 1, "gigabytes": size} if resource else {"gigabytes": size}
    name = _type_names(runtime).get(volume_type_id or "")
    return {**deltas, **({f"{key}_{name}": value for key, value in deltas.items()} if name else {})}


def _first_over(limits: Mapping[str, int], used: Mapping[str, int], deltas: Mapping[str, int]) -> Optional[str]:
    """The first quota ``deltas`` would go over, in Cinder's order (``quota_reserve`` sorts the overs)."""
    for key in sorted(deltas):
        limit = limits.get(key, -1)
        if limit >= 0 and limit < used.get(key, 0) + deltas[key]:
            return key
    return None


#: Cinder's ``process_reserve_over_quota``: the OverQuota message for an over key, by what it counts
#: (gigabytes keys first, then the resource's own: VolumeLimitExceeded and SnapshotLimitExceeded)
OVER_MESSAGES: Mapping[str, str] = {
    "gigabytes": "Requested volume or snapshot exceeds allowed {name} quota. Requested {requested}G, quota is "
                 "{quota}G and {consumed}G has been consumed.",
    "volumes": "Maximum number of volumes allowed ({quota}) exceeded for quota '{name}'.",
    "snapshots": "Maximum number of snapshots allowed ({quota}) exceeded",
}


def _refuse(runtime: Runtime, project_id: str, resource: str, size: int, volume_type_id: Optional[str],
            *, settled: bool = True) -> None:
    limits, used = limits_for(runtime, project_id), usage(runtime, project_id, settled=settled)
    _reserve(runtime, limits, used, resource, size, volume_type_id)


def _reserve(runtime: Runtime, limits: Mapping[str, int], used: Dict[str, int], resource: str, size: int,
             volume_type_id: Optional[str]) -> None:
    """Add one more volume or snapshot to ``used``, or raise Cinder's 413 for the first quota it goes over."""
    deltas = _deltas(runtime, resource, size, volume_type_id)
    over = _first_over(limits, used, deltas)
    if over is not None:
        counted = "gigabytes" if over.startswith("gigabytes") else resource
        raise QuotaError(OVER_MESSAGES[counted].format(name=over, requested=size, quota=limits[over],
                                                       consumed=used.get(over, 0)))
    for key, value in deltas.items():
        used[key] = used.get(key, 0) + value


def _check_per_volume(limits: Mapping[str, int], size: int) -> None:
    per_volume = limits["per_volume_gigabytes"]
    if 0 <= per_volume < size:
        raise QuotaError(f"Requested volume size {size}G is larger than maximum allowed limit {per_volume}G.")


def check_new_volume(runtime: Runtime, project_id: str, size: int, *, volume_type_id: Optional[str] = None,
                     extend_by: int = 0) -> None:
    """Cinder's 413 when one more volume of ``size`` GB (or an extend to ``size`` by ``extend_by`` GB) is over
    quota, the volume type's own quotas included.

    An extend runs inside the volume's own compute, so it counts the records as they are stored; Cinder words
    any extend refusal as the project's ``gigabytes`` quota, whichever key was over.
    """
    _check_per_volume(limits_for(runtime, project_id), size)
    if not extend_by:
        _refuse(runtime, project_id, "volumes", size, volume_type_id)
        return
    limits, used = limits_for(runtime, project_id), usage(runtime, project_id, settled=False)
    if _first_over(limits, used, _deltas(runtime, "", extend_by, volume_type_id)) is not None:
        raise QuotaError(OVER_MESSAGES["gigabytes"].format(name="gigabytes", requested=extend_by,
                                                           quota=limits["gigabytes"],
                                                           consumed=used["gigabytes"]))


def check_new_volumes(runtime: Runtime, project_id: str, volumes: Sequence[Tuple[int, Optional[str]]]) -> None:
    """:func:`check_new_volume` for several volumes (size, volume type id) made together, each counting those
    before it as Cinder's reservations would; for use inside a compute, so it counts the records as stored."""
    limits, used = limits_for(runtime, project_id), usage(runtime, project_id, settled=False)
    for size, volume_type_id in volumes:
        _check_per_volume(limits, size)
        _reserve(runtime, limits, used, "volumes", size, volume_type_id)


def check_new_snapshot(runtime: Runtime, project_id: str, size: int, volume_type_id: Optional[str] = None) -> None:
    """Cinder's 413 when one more snapshot of a ``size`` GB volume of ``volume_type_id`` is over quota."""
    _refuse(runtime, project_id, "snapshots", size, volume_type_id)


def update_limits(runtime: Runtime, project_id: str, wanted: Mapping[str, Any]) -> Dict[str, int]:
    """``PUT os-quota-sets/{project}``: known keys only, integers of at least -1."""
    known = limits_for(runtime, project_id)
    changes: Dict[str, int] = {}
    for key, value in wanted.items():
        if key not in known:
            raise errors.BadRequest(f"Bad key(s) in quota set: {key}")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise errors.BadRequest(f"Invalid input received: Quota '{key}' must be an integer.") from None
        if number < -1:
            raise errors.BadRequest(f"Invalid input received: Quota limit {number} for {key} must be "
                                    f"greater than or equal to -1.")
        changes[key] = number
    runtime.store.compute(KIND, project_id, lambda current: {**(current or {}), **changes})
    return limits_for(runtime, project_id)
