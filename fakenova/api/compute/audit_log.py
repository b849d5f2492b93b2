"""``os-instance_usage_audit_log``: the usage audit summary of the last period, or of the one before a time."""
from __future__ import annotations

from flask import Response, request

from ...domain import audit_log
from ...views import audit_log as views
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from .schemas.server_resources import QUERY
from .servers import view_context

_BASE = "/os-instance_usage_audit_log"


def index() -> Response:
    validate_query(QUERY, context().version, request.args.to_dict(flat=False))
    summary = audit_log.summary(runtime(), context())
    return json_response({"instance_usage_audit_logs": views.audit_log(summary, view_context())})


def show(before: str) -> Response:
    validate_query(QUERY, context().version, request.args.to_dict(flat=False))
    summary = audit_log.summary(runtime(), context(), before)
    return json_response({"instance_usage_audit_log": views.audit_log(summary, view_context())})


ROUTES = (
    Route("GET", _BASE, index, policy="os_compute_api:os-instance-usage-audit-log:list"),
    Route("GET", f"{_BASE}/<path:before>", show, policy="os_compute_api:os-instance-usage-audit-log:show"),
)
