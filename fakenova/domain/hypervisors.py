"""``os-hypervisors`` use cases: list (paged from 2.33, by name pattern), show, uptime and statistics.

A hypervisor is a host's ``compute_host`` record seen with its nova-compute service and with what the
servers on it use; ids are the record's integer id before 2.53 and its uuid from 2.53 (``by_uuid``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from . import errors
from . import hosts as fleet
from .ports import Store
from .services import is_uuid


@dataclass(frozen=True)
class Hypervisor:
    """What one hypervisor body shows: its record, its service, its usage and (when asked) its servers."""

    record: Mapping[str, Any]
    service: Mapping[str, Any]
    usage: fleet.Usage
    servers: Optional[List[Tuple[str, str]]] = None
    uptime: Optional[str] = None

    @cached_property
    def counters(self) -> Dict[str, int]:
        """The resource counters (computed once: a view reads each of its eleven fields from them)."""
        record, used = self.record, self.usage
        return {"vcpus": record["vcpus"], "memory_mb": record["memory_mb"], "local_gb": record["local_gb"],
                "vcpus_used": used.vcpus, "memory_mb_used": used.memory_mb, "local_gb_used": used.local_gb,
                "free_ram_mb": record["memory_mb"] - used.memory_mb,
                "free_disk_gb": record["local_gb"] - used.local_gb, "current_workload": 0,
                "running_vms": used.running, "disk_available_least": record["local_gb"] - used.local_gb}


def _not_found(hypervisor_id: str) -> errors.NotFound:
    return errors.NotFound(f"Hypervisor with ID '{hypervisor_id}' could not be found.")


def _key(record: Mapping[str, Any], by_uuid: bool) -> str:
    return record["uuid"] if by_uuid else str(record["id"])


def uptime(record: Mapping[str, Any], now: float) -> str:
    """What ``uptime`` prints on the host, counting from when it was seeded."""
    up = max(0, int(now - record["created_at"]))
    days, rest = divmod(up, 86400)
    clock = time.strftime("%H:%M:%S", time.gmtime(now))
    return (f" {clock} up {days} days, {rest // 3600:2d}:{rest % 3600 // 60:02d},  1 user,  "
            f"load average: 0.00, 0.00, 0.00")


def _views(store: Store, records: Sequence[Mapping[str, Any]], now: float, *, with_servers: bool,
           detail: bool, counters: bool = True) -> List[Hypervisor]:
    """Records joined with their services (hosts whose service was deleted are skipped, as Nova does).

    :param counters: whether the view shows the resource counters (until 2.87), which cost the hosts on a
        store keeping per-host totals (a pass over every server otherwise); ``with_servers`` costs that pass.
    """
    usage = fleet.usage_by_host(store, [record["host"] for record in records], servers=with_servers) \
        if (with_servers or (detail and counters)) else {}
    views = []
    for record in records:
        service = fleet.compute_service(store, record["host"])
        if service is None:
            continue
        used = usage.get(record["host"], fleet.Usage())
        views.append(Hypervisor(record, service, used, list(used.servers) if with_servers else None,
                                uptime(record, now) if detail else None))
    return views


def _page(records: List[Dict[str, Any]], limit: Optional[int], marker: Optional[str],
          by_uuid: bool) -> List[Dict[str, Any]]:
    start = 0
    if marker is not None:
        keys = [_key(record, by_uuid) for record in records]
        if marker not in keys:
            raise errors.BadRequest(f"marker [{marker}] not found")
        start = keys.index(marker) + 1
    return records[start:] if limit is None else records[start:start + limit]


def matching(store: Store, pattern: str) -> List[Dict[str, Any]]:
    """Hypervisors whose name contains ``pattern`` (Nova's SQL ``LIKE %pattern%``); 404 when none."""
    found = [record for record in fleet.compute_hosts(store) if pattern in record["hypervisor_hostname"]]
    if not found:
        raise errors.NotFound(f"No hypervisor matching '{pattern}' could be found.")
    return found


def list_hypervisors(store: Store, now: float, *, by_uuid: bool, detail: bool, limit: Optional[int] = None,
                     marker: Optional[str] = None, pattern: Optional[str] = None,
                     with_servers: bool = False, counters: bool = True) -> List[Hypervisor]:
    """``GET /os-hypervisors[/detail]``: a page by id order, or every match of ``pattern`` (no paging)."""
    if pattern is not None:
        if limit is not None or marker is not None:
            raise errors.BadRequest("Paging over hypervisors with the hypervisor_hostname_pattern query "
                                    "parameter is not supported.")
        records = matching(store, pattern)
    else:
        records = _page(fleet.compute_hosts(store), limit, marker, by_uuid)
    return _views(store, records, now, with_servers=with_servers, detail=detail, counters=counters)


def get(store: Store, hypervisor_id: str, now: float, *, by_uuid: bool, with_servers: bool = False,
        detail: bool = True, counters: bool = True) -> Hypervisor:
    """One hypervisor: 400 for a non-uuid from 2.53, 404 for a non-integer before, 404 when unknown."""
    if by_uuid and not is_uuid(hypervisor_id):
        raise errors.BadRequest(f"Invalid uuid {hypervisor_id}")
    wanted = hypervisor_id.lower() if by_uuid else hypervisor_id.strip()
    for record in fleet.compute_hosts(store):
        if _key(record, by_uuid) == wanted:
            views = _views(store, [record], now, with_servers=with_servers, detail=detail, counters=counters)
            if views:
                return views[0]
    raise _not_found(hypervisor_id)


STATISTICS = ("count", "vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used", "local_gb_used",
              "free_ram_mb", "free_disk_gb", "current_workload", "running_vms", "disk_available_least")


def amounts(view: Hypervisor) -> Dict[str, int]:
    """A hypervisor's resource counters as Nova's compute node shows them (until 2.87)."""
    return view.counters


def statistics(store: Store, now: float) -> Dict[str, int]:
    """``GET /os-hypervisors/statistics``: the counters summed over every hypervisor (until 2.87)."""
    totals = dict.fromkeys(STATISTICS, 0)
    for view in _views(store, fleet.compute_hosts(store), now, with_servers=False, detail=True):
        totals["count"] += 1
        for name, value in amounts(view).items():
            totals[name] += value
    return totals
