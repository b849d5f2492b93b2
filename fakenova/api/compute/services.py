"""``/os-services``: list, enable/disable (with a reason), force down and delete services (admin only).

Before 2.53 a service is named in the body (``PUT /os-services/<action>`` with ``host`` and ``binary``);
from 2.53 by its uuid in the path. :data:`UPDATES` says which of the two a version speaks, and
:data:`LEGACY_ACTIONS` what each legacy action changes and answers.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping

from flask import Response, request

from ...domain import errors, services
from ...domain import hosts as fleet
from ...domain.strings import bool_from_string
from ...microversions import V, Versioned
from ...views.fields import render, render_many
from ...views.fleet import SERVICE_FIELDS
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import fleet as schemas
from .servers import view_context

#: whether a version names services (and hypervisors) by uuid rather than by integer id
BY_UUID: Versioned[bool] = Versioned([("2.1", False), ("2.53", True)], name="fleet-ids-are-uuids")


def _shown(records: Any) -> Any:
    zones = fleet.zones_by_host(runtime().store)
    return [{**record, "zone": fleet.service_zone(record, zones)} for record in records]


def index() -> Response:
    """``GET /os-services``: every service, or those of ``host`` / ``binary``."""
    ctx = context()
    args = validate_query(schemas.SERVICES_QUERY, ctx.version, request.args.to_dict(flat=False))
    found = services.list_services(runtime().store, host=(args.get("host") or [""])[-1],
                                   binary=(args.get("binary") or [""])[-1])
    return json_response({"services": render_many(SERVICE_FIELDS, _shown(found), view_context())})


def _status(body: Mapping[str, Any], disabled: bool, reason: Any) -> Dict[str, Any]:
    shown = {"host": body["host"], "binary": body["binary"], "status": "disabled" if disabled else "enabled"}
    return {**shown, "disabled_reason": reason} if reason else shown


def _enable(body: Mapping[str, Any]) -> Dict[str, Any]:
    return {"disabled": False, "disabled_reason": None}


def _disable(body: Mapping[str, Any]) -> Dict[str, Any]:
    return {"disabled": True, "disabled_reason": None}


def _disable_log_reason(body: Mapping[str, Any]) -> Dict[str, Any]:
    if "disabled_reason" not in body:
        raise errors.BadRequest("Missing disabled reason field")
    return {"disabled": True, "disabled_reason": body["disabled_reason"]}


def _force_down(body: Mapping[str, Any]) -> Dict[str, Any]:
    if "forced_down" not in body:
        raise errors.BadRequest("Missing forced_down field")
    return {"forced_down": bool_from_string(body["forced_down"])}


def _answer_status(body: Mapping[str, Any], changes: Mapping[str, Any]) -> Dict[str, Any]:
    return _status(body, changes["disabled"], changes["disabled_reason"])


def _answer_forced(body: Mapping[str, Any], changes: Mapping[str, Any]) -> Dict[str, Any]:
    return {"host": body["host"], "binary": body["binary"], "forced_down": changes["forced_down"]}


Change = Callable[[Mapping[str, Any]], Dict[str, Any]]
Answer = Callable[[Mapping[str, Any], Mapping[str, Any]], Dict[str, Any]]
#: legacy action -> (what it changes, what it answers, first version)
LEGACY_ACTIONS: Mapping[str, Any] = {
    "enable": (_enable, _answer_status, V("2.1")),
    "disable": (_disable, _answer_status, V("2.1")),
    "disable-log-reason": (_disable_log_reason, _answer_status, V("2.1")),
    "force-down": (_force_down, _answer_forced, V("2.11")),
}


def _legacy_update(service_id: str, body: Mapping[str, Any]) -> Response:
    ctx = context()
    found = LEGACY_ACTIONS.get(service_id)
    if found is None or ctx.version < found[2]:
        raise errors.NotFound("Unknown action")
    change, answer, _ = found
    changes = change(body)
    services.legacy_update(runtime().store, body, changes, ctx.now)
    return json_response({"service": answer(body, changes)})


def _update_by_uuid(service_id: str, body: Mapping[str, Any]) -> Response:
    ctx = context()
    if not services.is_uuid(service_id):
        raise errors.BadRequest(f"Invalid uuid {service_id}")
    record = services.update(runtime().store, service_id, body, ctx.now)
    return json_response({"service": render(SERVICE_FIELDS, _shown([record])[0], view_context())})


#: which update a version speaks: by host and binary in the body, then by uuid in the path
UPDATES: Versioned[Callable[[str, Mapping[str, Any]], Response]] = Versioned(
    [("2.1", _legacy_update), ("2.53", _update_by_uuid)], name="services-update")


def update(service_id: str) -> Response:
    """``PUT /os-services/<action>`` (before 2.53) or ``PUT /os-services/{uuid}`` (2.53)."""
    ctx = context()
    body = read_json()
    validate_body(schemas.SERVICES_UPDATE, ctx.version, body)
    handler = UPDATES.get(ctx.version)
    assert handler is not None
    return handler(service_id, body)


def delete(service_id: str) -> Response:
    """``DELETE /os-services/{id}``: refused while the host has servers."""
    ctx = context()
    services.delete(runtime().store, service_id, by_uuid=bool(BY_UUID.get(ctx.version)))
    return json_response(None, 204)


ROUTES = (
    Route("GET", "/os-services", index, policy="os_compute_api:os-services:list"),
    Route("PUT", "/os-services/<service_id>", update, policy="os_compute_api:os-services:update"),
    Route("DELETE", "/os-services/<service_id>", delete, policy="os_compute_api:os-services:delete"),
)
