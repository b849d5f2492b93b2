"""The body of an instance usage audit log summary (index and show share it)."""
from __future__ import annotations

from typing import Any, Dict

from ..domain.audit_log import AuditSummary
from .fields import Field, FieldTable, ViewContext, render

AUDIT_LOG_FIELDS: FieldTable[AuditSummary] = FieldTable("instance_usage_audit_log", [
    Field("hosts_not_run", lambda a, c: list(a.hosts_not_run)),
    Field("log", lambda a, c: dict(a.log)),
    Field("num_hosts", lambda a, c: len(a.hosts_not_run)),
    Field("num_hosts_done", lambda a, c: 0),
    Field("num_hosts_not_run", lambda a, c: len(a.hosts_not_run)),
    Field("num_hosts_running", lambda a, c: 0),
    Field("overall_status", lambda a, c: a.overall_status),
    Field("period_beginning", lambda a, c: a.period_beginning),
    Field("period_ending", lambda a, c: a.period_ending),
    Field("total_errors", lambda a, c: 0),
    Field("total_instances", lambda a, c: 0),
])


def audit_log(summary: AuditSummary, ctx: ViewContext) -> Dict[str, Any]:
    return render(AUDIT_LOG_FIELDS, summary, ctx)
