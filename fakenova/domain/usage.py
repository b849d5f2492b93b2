"""``os-simple-tenant-usage``: hours and vcpu/memory/disk hours of servers over a period, per project.

As Nova's ``SimpleTenantUsageController``: a server counts when it was launched before the period ends and
not terminated before it starts (deleted servers too, while fakenova keeps them); its hours are the overlap
of its launched..terminated span with the period, whose end is capped at the clock's now. Servers are taken
in (project, uuid) order, paged by ``limit`` and an instance uuid ``marker``. Servers with an action under
way are settled first (without counting as a poll), so a server deleted at the immediate pace is terminated;
like Nova's database, a server still building has no launch time yet and is not counted.
"""
from __future__ import annotations

import calendar
import time
from bisect import bisect_right
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import Dict, List, Optional, Tuple

from . import compute, errors, policy
from .context import RequestContext
from .models import Server
from .ports import Runtime

_RULE = "os_compute_api:os-simple-tenant-usage:{}"
#: the formats Nova tries, in order, for ``start`` and ``end``
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True)
class UsageQuery:
    """The raw ``start``/``end`` texts (None when absent or empty), ``detailed`` and the paging."""

    start: Optional[str] = None
    end: Optional[str] = None
    detailed: bool = False
    limit: Optional[int] = None
    marker: Optional[str] = None


@dataclass(frozen=True)
class ServerUsage:
    """One server's usage over the period (``server_usages`` item); times are epoch seconds."""

    server: Server
    hours: float
    now: float

    @property
    def local_gb(self) -> int:
        return int(self.server.flavor.get("disk") or 0) + int(self.server.flavor.get("ephemeral") or 0)

    @property
    def state(self) -> str:
        return "terminated" if self.server.terminated_at is not None else self.server.vm_state.value

    @property
    def uptime(self) -> int:
        started = self.server.launched_at or 0.0
        ended = self.server.terminated_at
        return int((ended if ended is not None else self.now) - started)


@dataclass(frozen=True)
class TenantUsage:
    """One project's totals over ``start``..``stop`` and the servers that make them."""

    tenant_id: str
    start: float
    stop: float
    servers: Tuple[ServerUsage, ...]

    def total(self, flavor_key: Optional[str]) -> float:
        """Hours (``flavor_key`` None) or hours times the flavor's ``vcpus``/``ram``, summed."""
        return float(sum(u.hours * (1 if flavor_key is None else int(u.server.flavor.get(flavor_key) or 0))
                         for u in self.servers))

    @property
    def local_gb_hours(self) -> float:
        return float(sum(u.hours * u.local_gb for u in self.servers))


#: Nova reads the clock once for a missing ``start`` and again, later, for a missing ``end``: a period of two
#: defaults is empty but valid, never "start after end"
_SECOND_READING = 1e-6


def _parse_time(text: Optional[str], now: float) -> float:
    if not text:
        return now
    for pattern in TIME_FORMATS:
        fraction = ""
        whole = text
        if pattern.endswith(".%f"):
            whole, _, fraction = text.partition(".")
            if not fraction.isdigit() or len(fraction) > 6:
                continue
            pattern = pattern[:-3]
        try:
            parsed = time.strptime(whole, pattern)
        except ValueError:
            continue
        return calendar.timegm(parsed) + (int(fraction.ljust(6, "0")) / 1e6 if fraction else 0.0)
    raise errors.BadRequest("Invalid datetime string: Datetime is in invalid format")


def _period(query: UsageQuery, now: float) -> Tuple[float, float]:
    start, stop = _parse_time(query.start, now), _parse_time(query.end, now + _SECOND_READING)
    if not start < stop:
        raise errors.BadRequest("Invalid start time. The start time cannot occur after the end time.")
    return start, min(stop, now)


def _hours(server: Server, start: float, stop: float) -> float:
    launched, terminated = server.launched_at, server.terminated_at
    if launched is None or (terminated is not None and terminated < start) or launched > stop:
        return 0.0
    return (min(stop, terminated if terminated is not None else stop) - max(launched, start)) / 3600.0


def _settled(runtime: Runtime, ctx: RequestContext, project: Optional[str]) -> List[Server]:
    def look(current: Optional[Server]) -> Optional[Server]:
        return current if current is None else compute.settle(runtime, current, ctx.now, observed=False)

    return [runtime.store.compute("server", s.id, look, touches=compute.SETTLE_WRITES)
            if s.transition is not None else s for s in runtime.store.list("server", project)]


#: Nova's order of the servers a usage list pages over (its ``paginate_query`` sort keys)
_ORDER = attrgetter("project_id", "id")


def _in_window(server: Server, start: float, stop: float) -> bool:
    return server.launched_at is not None and server.launched_at < stop and (
        server.terminated_at is None or server.terminated_at > start)


def _servers(runtime: Runtime, ctx: RequestContext, start: float, stop: float, project: Optional[str],
             query: UsageQuery) -> List[Server]:
    # Nova's order by two stable sorts on one attribute each (far quicker than one on a key tuple), then a
    # walk from the marker that stops when the page is full
    ordered = sorted((s for s in _settled(runtime, ctx, project) if s is not None), key=attrgetter("id"))
    ordered.sort(key=attrgetter("project_id"))
    begin = 0
    if query.marker is not None:
        marker = runtime.store.get("server", query.marker)
        if marker is None:
            raise errors.BadRequest(f"Marker {query.marker} could not be found.")
        begin = bisect_right(ordered, _ORDER(marker), key=_ORDER)
    limit = runtime.settings.max_limit if query.limit is None else min(query.limit, runtime.settings.max_limit)
    return list(islice((s for s in islice(ordered, begin, None) if _in_window(s, start, stop)), limit))


def _usages(runtime: Runtime, ctx: RequestContext, query: UsageQuery,
            project: Optional[str]) -> Tuple[List[TenantUsage], List[ServerUsage]]:
    start, stop = _period(query, ctx.now)
    every = [ServerUsage(s, _hours(s, start, stop), ctx.now)
             for s in _servers(runtime, ctx, start, stop, project, query)]
    by_project: Dict[str, List[ServerUsage]] = {}
    for usage in every:
        by_project.setdefault(usage.server.project_id, []).append(usage)
    return [TenantUsage(tenant, start, stop, tuple(usages)) for tenant, usages in by_project.items()], every


def list_usage(runtime: Runtime, ctx: RequestContext,
               query: UsageQuery) -> Tuple[List[TenantUsage], List[ServerUsage]]:
    """``GET /os-simple-tenant-usage`` (admin): every project's usage, and the servers listed (for links)."""
    return _usages(runtime, ctx, query, None)


def show_usage(runtime: Runtime, ctx: RequestContext, tenant_id: str,
               query: UsageQuery) -> Tuple[Optional[TenantUsage], List[ServerUsage]]:
    """``GET /os-simple-tenant-usage/{tenant_id}``: a reader of that project, or an admin."""
    policy.authorize(ctx, _RULE.format("show"), {"project_id": tenant_id, "user_id": ctx.user_id})
    usages, servers = _usages(runtime, ctx, query, tenant_id)
    return (usages[0] if usages else None), servers

