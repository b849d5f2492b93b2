"""Bodies of ``os-simple-tenant-usage``: a project's totals and, when detailed, its servers' usages.

Times are Nova's naive UTC with microseconds (``2012-10-08T20:10:44.587336``); totals and hours are floats.
"""
from __future__ import annotations

from typing import Any, Dict

from ..domain.usage import ServerUsage, TenantUsage
from .common import usage_time
from .fields import Field, FieldTable, ViewContext, render

SERVER_USAGE_FIELDS: FieldTable[ServerUsage] = FieldTable("server_usage", [
    Field("ended_at", lambda u, c: usage_time(u.server.terminated_at)),
    Field("flavor", lambda u, c: u.server.flavor.get("name") or ""),
    Field("hours", lambda u, c: u.hours),
    Field("instance_id", lambda u, c: u.server.id),
    Field("local_gb", lambda u, c: u.local_gb),
    Field("memory_mb", lambda u, c: int(u.server.flavor.get("ram") or 0)),
    Field("name", lambda u, c: u.server.name),
    Field("started_at", lambda u, c: usage_time(u.server.launched_at)),
    Field("state", lambda u, c: u.state),
    Field("tenant_id", lambda u, c: u.server.project_id),
    Field("uptime", lambda u, c: u.uptime),
    Field("vcpus", lambda u, c: int(u.server.flavor.get("vcpus") or 0)),
])

TENANT_USAGE_FIELDS: FieldTable[TenantUsage] = FieldTable("tenant_usage", [
    Field("start", lambda t, c: usage_time(t.start)),
    Field("stop", lambda t, c: usage_time(t.stop)),
    Field("tenant_id", lambda t, c: t.tenant_id),
    Field("total_hours", lambda t, c: t.total(None)),
    Field("total_local_gb_usage", lambda t, c: t.local_gb_hours),
    Field("total_memory_mb_usage", lambda t, c: t.total("ram")),
    Field("total_vcpus_usage", lambda t, c: t.total("vcpus")),
])


def tenant_usage(usage: TenantUsage, ctx: ViewContext, *, detailed: bool) -> Dict[str, Any]:
    """One project's usage; ``server_usages`` only when ``detailed`` (always for one project's show)."""
    body = render(TENANT_USAGE_FIELDS, usage, ctx)
    if detailed:
        body["server_usages"] = [render(SERVER_USAGE_FIELDS, server, ctx) for server in usage.servers]
    return body
