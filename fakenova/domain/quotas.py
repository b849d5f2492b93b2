"""Nova's default quotas and the usage counted from live servers; the check that refuses a create.

Usage is derived from the store (servers that are not deleted, their flavors' cores and RAM), never kept as
a separate counter that could drift.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping

from . import errors

#: Nova's ``[quota]`` defaults (-1 is unlimited).
DEFAULT_QUOTAS: Mapping[str, int] = {
    "instances": 10, "cores": 20, "ram": 51200, "metadata_items": 128, "key_pairs": 100,
    "server_groups": 10, "server_group_members": 10, "injected_files": 5,
    "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255,
}

_USAGE_ORDER = ("instances", "cores", "ram")


def quotas_for(store: Any, project_id: str) -> Dict[str, int]:
    """The project's quota limits: defaults overlaid with any stored per-project values."""
    return {**DEFAULT_QUOTAS, **(store.get("quota", project_id) or {})}


def usage(store: Any, project_id: str) -> Dict[str, int]:
    """instances, cores and ram in use by the project's servers that are not deleted."""
    used = {"instances": 0, "cores": 0, "ram": 0}
    for server in store.list("server", project_id):
        if not server.deleted:
            used["instances"] += 1
            used["cores"] += server.flavor["vcpus"]
            used["ram"] += server.flavor["ram"]
    return used


def allowed_count(store: Any, project_id: str, flavor: Mapping[str, Any], min_count: int,
                  max_count: int) -> int:
    """How many servers of ``flavor`` fit, between min and max; 403 with Nova's message if not min.

    Call it inside ``store.atomically()`` together with the creation, so concurrent creates cannot both fit.
    """
    limits = quotas_for(store, project_id)
    used = usage(store, project_id)
    per_server = {"instances": 1, "cores": flavor["vcpus"], "ram": flavor["ram"]}
    fits = max_count
    overs = []
    for resource in _USAGE_ORDER:
        limit = limits[resource]
        if limit < 0 or per_server[resource] == 0:
            continue
        room = max(0, (limit - used[resource]) // per_server[resource])
        if room < min_count:
            overs.append(resource)
        fits = min(fits, room)
    if overs:
        instances = str(min_count) if min_count == max_count else f"{min_count}-{max_count}"
        requested = {"instances": instances, "cores": str(flavor["vcpus"] * max_count),
                     "ram": str(flavor["ram"] * max_count)}
        raise errors.QuotaExceeded(
            overs=", ".join(overs), requested=", ".join(requested[r] for r in overs),
            used=", ".join(str(used[r]) for r in overs), allowed=", ".join(str(limits[r]) for r in overs))
    return fits
