"""Neutron's ``/v2.0/quotas``: list, show, defaults, details (quota_details), update and reset, as
``neutron/extensions/quotasv2.py`` and ``quotasv2_detail.py`` answer them; limits and usage are
:mod:`fakenova.domain.network_quotas`."""
from __future__ import annotations

from typing import Any, Dict

from flask import Response

from ...domain import errors
from ...domain import network_quotas as quotas
from ...domain import neutron_policy as policy
from ...domain import neutron_validators as v
from ...domain.context import RequestContext
from ...domain.neutron_errors import HTTPBadRequest
from ..http import context, json_response, read_json, runtime
from ..routing import Route


class AdminRequired(errors.Forbidden):
    msg_fmt = "User does not have admin privileges: {reason}."


def _enforce(ctx: RequestContext, rule: str) -> None:
    # Neutron checks quota rules against the caller's own project (``validate_policy``), whichever is asked
    policy.enforce(ctx, rule, {"project_id": ctx.project_id})


def _owned(limits: Dict[str, Any], project_id: str) -> Dict[str, Any]:
    return {**limits, "project_id": project_id, "tenant_id": project_id}


def list_quotas() -> Response:
    ctx = context()
    _enforce(ctx, "get_quota")
    found = quotas.projects_with_limits(runtime().store)
    return json_response({"quotas": [_owned(limits, project) for project, limits in found.items()]})


def show_quota(pid: str) -> Response:
    ctx = context()
    if pid != ctx.project_id:
        _enforce(ctx, "get_quota")
    return json_response({"quota": quotas.limits(runtime().store, pid)})


def default_quota(pid: str) -> Response:
    ctx = context()
    if pid != ctx.project_id:
        _enforce(ctx, "get_quota")
    return json_response({"quota": quotas.defaults(runtime().store)})


def quota_details(pid: str) -> Response:
    ctx = context()
    if pid != ctx.project_id and not ctx.is_admin:
        raise AdminRequired(reason="Only admin is authorized to access quotas for another project")
    return json_response({"quota": quotas.details(runtime().store, pid)})


def _limits(body: Any) -> Dict[str, int]:
    if not isinstance(body, dict) or not isinstance(body.get("quota"), dict):
        raise HTTPBadRequest("Unable to find 'quota' in request body")
    given = {key: value for key, value in body["quota"].items() if key not in ("force", "check_limit")}
    unknown = [name for name in given if name not in quotas.DEFAULTS]
    if unknown:
        raise HTTPBadRequest(f"Unrecognized attribute(s) '{', '.join(unknown)}'")
    limits = {}
    for name, value in given.items():
        number = v.to_int(value)  # its InvalidInput reaches the client as Neutron's converter error does
        reason = v.integer_range(quotas.UNLIMITED, quotas.MAX_LIMIT)(number)
        if reason:
            raise HTTPBadRequest(f"Invalid input for {name}. Reason: {reason}.")
        limits[name] = number
    return limits


def update_quota(pid: str) -> Response:
    ctx = context()
    _enforce(ctx, "update_quota")
    try:
        body = read_json()
    except errors.MalformedBody:
        raise HTTPBadRequest("Malformed request body") from None
    force = isinstance(body, dict) and isinstance(body.get("quota"), dict) and body["quota"].get("force") is True
    limits = quotas.update(runtime().store, pid, _limits(body), force=force)
    return json_response({"quota": limits})


def delete_quota(pid: str) -> Response:
    _enforce(context(), "delete_quota")
    quotas.reset(runtime().store, pid)
    return Response(status=204)


def project_info() -> Response:
    return json_response({"project": {"project_id": context().project_id}})


ROUTES = (
    Route("GET", "/v2.0/quotas", list_quotas, policy="get_quota"),
    Route("GET", "/v2.0/quotas/project", project_info,
          unguarded="Neutron tells any caller its own project id here, with no rule"),
    Route("GET", "/v2.0/quotas/<pid>", show_quota, policy="get_quota"),
    Route("GET", "/v2.0/quotas/<pid>/default", default_quota, policy="get_quota"),
    Route("GET", "/v2.0/quotas/<pid>/details", quota_details, policy="get_quota"),
    Route("PUT", "/v2.0/quotas/<pid>", update_quota, policy="update_quota"),
    Route("DELETE", "/v2.0/quotas/<pid>", delete_quota, policy="delete_quota"),
)
