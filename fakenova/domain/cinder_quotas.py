"""Cinder's quotas: defaults, per-project limits (``os-quota-sets``), usage counted from the records, and the
413 Cinder answers when a new volume or snapshot would go over."""
from __future__ import annotations

from typing import Any, Dict, Mapping

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


def usage(runtime: Runtime, project_id: str, *, settled: bool = True) -> Dict[str, int]:
    """What the project uses now, counted from its records.

    :param settled: settle each volume first (a finished delete frees its share); False inside another
        volume's compute, which may write no other record.
    """
    from .cinder import settle

    volumes = runtime.store.list("volume", project_id)
    if settled:
        volumes = [record for record in (settle(runtime, v["id"], runtime.clock.now(), observed=False)
                                         for v in volumes) if record is not None]
    snapshots = [s for s in runtime.store.list("volume_snapshot") if s["project_id"] == project_id]
    return {"volumes": len(volumes), "gigabytes": sum(int(v["size"]) for v in volumes)
            + sum(int(s["size"]) for s in snapshots), "snapshots": len(snapshots)}


def check_new_volume(runtime: Runtime, project_id: str, size: int, *, extend_by: int = 0) -> None:
    """Cinder's 413 when one more volume of ``size`` GB (or ``extend_by`` GB more) is over quota.

    An extend runs inside the volume's own compute, so it counts the records as they are stored.
    """
    limits, used = limits_for(runtime, project_id), usage(runtime, project_id, settled=not extend_by)
    per_volume = limits["per_volume_gigabytes"]
    if 0 <= per_volume < (size + extend_by if extend_by else size):
        raise QuotaError(f"Requested volume size {size}G is larger than maximum allowed limit {per_volume}G.")
    requested = extend_by or size
    if 0 <= limits["gigabytes"] < used["gigabytes"] + requested:
        raise QuotaError(f"Requested volume or snapshot exceeds allowed gigabytes quota. Requested {requested}G, "
                         f"quota is {limits['gigabytes']}G and {used['gigabytes']}G has been consumed.")
    if not extend_by and 0 <= limits["volumes"] < used["volumes"] + 1:
        raise QuotaError(f"Maximum number of volumes allowed ({limits['volumes']}) exceeded for quota 'volumes'.")


def check_new_snapshot(runtime: Runtime, project_id: str, size: int) -> None:
    limits, used = limits_for(runtime, project_id), usage(runtime, project_id)
    if 0 <= limits["snapshots"] < used["snapshots"] + 1:
        raise QuotaError(f"Maximum number of snapshots allowed ({limits['snapshots']}) exceeded")
    if 0 <= limits["gigabytes"] < used["gigabytes"] + size:
        raise QuotaError(f"Requested volume or snapshot exceeds allowed gigabytes quota. Requested {size}G, "
                         f"quota is {limits['gigabytes']}G and {used['gigabytes']}G has been consumed.")


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
