"""Neutron's floating IPs at ``/network/v2.0/floatingips``: read and check bodies as Neutron does, render them.

The use cases live in ``domain/floating_ips.py``. This module only turns requests into calls: the body is
checked in the order of Neutron's ``prepare_request_body`` (body present, resource key, project, unknown and
read-only attributes, required ones, then each attribute's validator), with Neutron's messages, and
answered in Neutron's ``floatingip`` shape. Errors are rendered by the pipeline as ``NeutronError``.
"""
from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional

from flask import Response, request

from ...domain import errors, floating_ips
from ...domain import neutron_policy as policy
from ...domain.context import RequestContext
from ...domain.floating_ips import FloatingIp, FloatingIPNotFound
from ...domain.neutron import HTTPBadRequest, picked, select
from ...domain.ports import Store
from ...views.network import floatingip_body
from ..http import context, json_response, read_json, runtime
from ..routing import Route

RESOURCE = "floatingip"

#: What a list may be filtered on: every attribute of the body (even when the list is empty).
FILTERS = frozenset({
    "id", "tenant_id", "project_id", "floating_ip_address", "floating_network_id", "router_id", "port_id",
    "fixed_ip_address", "status", "description", "dns_domain", "dns_name", "qos_policy_id", "tags",
    "created_at", "updated_at", "revision_number",
})


# --- request attributes, as Neutron's RESOURCE_ATTRIBUTE_MAP declares them --------------------------------

Validator = Callable[[Any], Optional[str]]


def _uuid(value: Any) -> Optional[str]:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return f"'{value}' is not a valid UUID"
    return None


def _ip(value: Any) -> Optional[str]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return f"'{value}' is not a valid IP address"
    return None


def _or_none(check: Validator) -> Validator:
    return lambda value: None if value is None else check(value)


def _string(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return f"'{value}' is not a valid string"
    if len(value) > 255:
        return f"'{value}' exceeds maximum length of 255"
    return None


@dataclass(frozen=True)
class Attribute:
    """One attribute of the resource: may it be given on POST, changed on PUT; is it required; its check."""

    post: bool = False
    put: bool = False
    check: Optional[Validator] = None
    required: bool = False


ATTRIBUTES: Mapping[str, Attribute] = {
    "id": Attribute(),
    "floating_ip_address": Attribute(post=True, check=_or_none(_ip)),
    "subnet_id": Attribute(post=True, check=_or_none(_uuid)),
    "floating_network_id": Attribute(post=True, check=_uuid, required=True),
    "router_id": Attribute(),
    "port_id": Attribute(post=True, put=True, check=_or_none(_uuid)),
    "fixed_ip_address": Attribute(post=True, put=True, check=_or_none(_ip)),
    "tenant_id": Attribute(post=True, check=_string),
    "project_id": Attribute(post=True, check=_string),
    "status": Attribute(),
    "description": Attribute(post=True, put=True, check=_string),
    "dns_domain": Attribute(), "dns_name": Attribute(), "port_details": Attribute(),
    "qos_policy_id": Attribute(), "tags": Attribute(), "created_at": Attribute(), "updated_at": Attribute(),
    "revision_number": Attribute(),
}


def _resource_body() -> Dict[str, Any]:
    """The ``floatingip`` object of the request body, or Neutron's 400 for a missing or odd one."""
    try:
        body = read_json()
    except errors.MalformedBody:
        raise HTTPBadRequest("Malformed request body") from None
    if not body:
        raise HTTPBadRequest("Resource body required")
    try:
        if RESOURCE + "s" in body:
            raise HTTPBadRequest("Bulk operation not supported")
        item = body.get(RESOURCE)
    except (AttributeError, TypeError):
        raise HTTPBadRequest("Body contains invalid data") from None
    if item is None:
        raise HTTPBadRequest(f"Unable to find '{RESOURCE}' in request body")
    if not isinstance(item, dict):
        raise HTTPBadRequest(f"Object '{RESOURCE}' contains invalid data")
    return item


def _project(item: Dict[str, Any], ctx: RequestContext) -> Optional[str]:
    project, tenant = item.get("project_id"), item.get("tenant_id")
    if project is not None and tenant is not None and project != tenant:
        raise HTTPBadRequest("'project_id' and 'tenant_id' do not match")
    given = project if project is not None else tenant
    if given is not None and given != ctx.project_id and not ctx.is_admin:
        raise HTTPBadRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in "
                             "request requires admin privileges")
    return given


def _check_keys(item: Mapping[str, Any], *, creating: bool) -> None:
    unknown = [name for name in item if name not in ATTRIBUTES]
    if unknown:
        raise HTTPBadRequest(f"Unrecognized attribute(s) '{', '.join(unknown)}'")
    for name, attribute in ATTRIBUTES.items():
        if creating and attribute.required and name not in item:
            raise HTTPBadRequest(f"Failed to parse request. Required attribute '{name}' not specified")
        if name in item and creating and not attribute.post:
            raise HTTPBadRequest(f"Attribute '{name}' not allowed in POST")
        if name in item and not creating and not attribute.put:
            raise HTTPBadRequest(f"Cannot update read-only attribute {name}")


def _validate(item: Mapping[str, Any]) -> None:
    for name, value in item.items():
        check = ATTRIBUTES[name].check
        reason = check(value) if check else None
        if reason:
            raise HTTPBadRequest(f"Invalid input for {name}. Reason: {reason}.")


def parse(ctx: RequestContext, *, creating: bool) -> Dict[str, Any]:
    """The checked ``floatingip`` object of a POST or PUT body (``project_id`` filled from ``tenant_id``)."""
    item = _resource_body()
    project = _project(item, ctx) if creating else None
    _check_keys(item, creating=creating)
    _validate(item)
    if project is not None:
        item = {**item, "project_id": project}
    return item


# --- handlers -------------------------------------------------------------------------------------------


def _body(store: Store, fip: FloatingIp) -> Dict[str, Any]:
    return floatingip_body(fip, floating_ips.binding(store, fip))


def _answer(fip: FloatingIp, status: int = 200) -> Response:
    return json_response({RESOURCE: _body(runtime().store, fip)}, status)


def _target(fip: FloatingIp) -> Dict[str, Any]:
    """Neutron's policy target of a floating IP: its owner."""
    return {"project_id": fip.project_id, "tenant_id": fip.project_id}


def _found(ctx: RequestContext, fip_id: str) -> FloatingIp:
    """The floating IP ``get_floatingip`` shows the caller, else Neutron's 404. A write's own rule (with the
    rules of the attributes it sets) is checked by ``domain.floating_ips`` once this has found it."""
    fip = floating_ips.get(runtime().store, ctx, fip_id)
    if not policy.allowed(ctx, "get_floatingip", _target(fip)):
        raise FloatingIPNotFound(floatingip_id=fip_id)
    return fip


def list_floatingips() -> Response:
    store, ctx = runtime().store, context()
    items = [_body(store, fip) for fip in floating_ips.visible(store, ctx)
             if policy.allowed(ctx, "get_floatingip", _target(fip))]
    return json_response({"floatingips": select(items, request.args.to_dict(flat=False), FILTERS)})


def show_floatingip(fip_id: str) -> Response:
    store = runtime().store
    body = _body(store, _found(context(), fip_id))
    return json_response({RESOURCE: picked(body, request.args.getlist("fields"))})


def create_floatingip() -> Response:
    rt, ctx = runtime(), context()
    item = parse(ctx, creating=True)
    return _answer(floating_ips.create(rt.store, ctx, rt.ids.uuid(), item), 201)


def update_floatingip(fip_id: str) -> Response:
    rt, ctx = runtime(), context()
    # Neutron checks the body before it looks the floating IP up, so a bad body beats a 404.
    changes = parse(ctx, creating=False)
    _found(ctx, fip_id)
    return _answer(floating_ips.update(rt.store, ctx, fip_id, changes))


def delete_floatingip(fip_id: str) -> Response:
    ctx = context()
    _found(ctx, fip_id)
    floating_ips.delete(runtime().store, ctx, fip_id)
    return json_response(None, 204)


ROUTES = (
    Route("GET", "/v2.0/floatingips", list_floatingips, policy="get_floatingip"),
    Route("POST", "/v2.0/floatingips", create_floatingip, policy="create_floatingip"),
    Route("GET", "/v2.0/floatingips/<fip_id>", show_floatingip, policy="get_floatingip"),
    Route("PUT", "/v2.0/floatingips/<fip_id>", update_floatingip, policy="update_floatingip"),
    Route("DELETE", "/v2.0/floatingips/<fip_id>", delete_floatingip, policy="delete_floatingip"),
)
