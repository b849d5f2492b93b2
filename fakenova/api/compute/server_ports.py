"""``/servers/{id}/ips[/{network}]`` and ``/servers/{id}/os-interface[/{port_id}]``: parse, call, render."""
from __future__ import annotations

from flask import Response, request

from ...domain import compute, errors, interfaces
from ...views import server_resources as views
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import server_resources as schemas
from .servers import view_context


def _query() -> None:
    validate_query(schemas.QUERY, context().version, request.args.to_dict(flat=False))


def ips_index(server_id: str) -> Response:
    _query()
    server = compute.observe(runtime(), context(), server_id, observed=False)
    return json_response({"addresses": views.addresses(server)})


def ips_show(server_id: str, network: str) -> Response:
    _query()
    found = views.addresses(compute.observe(runtime(), context(), server_id, observed=False))
    if network not in found:
        raise errors.NotFound("Instance is not a member of specified network")
    return json_response({network: found[network]})


def interface_index(server_id: str) -> Response:
    _query()
    _, nics = interfaces.list_interfaces(runtime(), context(), server_id)
    return json_response({"interfaceAttachments": views.interfaces(nics, view_context())})


def interface_show(server_id: str, port_id: str) -> Response:
    _query()
    _, nic = interfaces.show_interface(runtime(), context(), server_id, port_id)
    return json_response({"interfaceAttachment": views.interface(nic, view_context())})


def interface_create(server_id: str) -> Response:
    body = read_json()
    validate_body(schemas.INTERFACE_CREATE, context().version, body)
    nic = interfaces.attach(runtime(), context(), server_id, (body or {}).get("interfaceAttachment") or {})
    return json_response({"interfaceAttachment": views.interface(nic, view_context())})


def interface_delete(server_id: str, port_id: str) -> Response:
    interfaces.detach(runtime(), context(), server_id, port_id)
    return json_response(None, 202)


_S = "/servers/<server_id>"
ROUTES = (
    Route("GET", f"{_S}/ips", ips_index, policy="os_compute_api:ips:index"),
    Route("GET", f"{_S}/ips/<network>", ips_show, policy="os_compute_api:ips:show"),
    Route("GET", f"{_S}/os-interface", interface_index, policy="os_compute_api:os-attach-interfaces:list"),
    Route("POST", f"{_S}/os-interface", interface_create, policy="os_compute_api:os-attach-interfaces:create"),
    Route("GET", f"{_S}/os-interface/<port_id>", interface_show, policy="os_compute_api:os-attach-interfaces:show"),
    Route("DELETE", f"{_S}/os-interface/<port_id>", interface_delete,
          policy="os_compute_api:os-attach-interfaces:delete"),
)
