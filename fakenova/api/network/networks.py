"""A read-only Neutron v2.0 subset at ``/network``: networks, subnets and the ports of servers.

What the caller sees, and Neutron's filters, are :mod:`fakenova.domain.neutron`; the bodies are
:mod:`fakenova.views.network`. Errors are ``{"NeutronError": {"type", "message", "detail"}}``, the ``type``
being the error class name (rendered by the pipeline).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

from flask import Response, request

from ...domain import errors, neutron
from ...domain.context import RequestContext
from ...domain.floating_ips import NetworkNotFound, PortNotFound
from ...domain.ports import Store
from ...views import network as views
from ..http import base_url, context, json_response, runtime
from ..routing import Route

# --- rendered lists ---------------------------------------------------------------------------------


def networks(store: Store, ctx: RequestContext) -> List[Dict[str, Any]]:
    created = neutron.seeded_at(store, ctx)
    return [views.network_body(net, created, ctx.is_admin) for net in neutron.networks(store, ctx)]


def subnets(store: Store, ctx: RequestContext) -> List[Dict[str, Any]]:
    created = neutron.seeded_at(store, ctx)
    return [views.subnet_body(subnet, created, ctx.is_admin) for subnet in neutron.subnets(store, ctx)]


def ports(store: Store, ctx: RequestContext) -> List[Dict[str, Any]]:
    return [views.port_body(server, nic, ctx.is_admin) for server, nic in neutron.ports(store, ctx)]


# --- handlers ---------------------------------------------------------------------------------------

Lister = Callable[[Any, RequestContext], List[Dict[str, Any]]]


def _collection(plural: str, lister: Lister) -> Response:
    items = neutron.select(lister(runtime().store, context()), request.args.to_dict(flat=False))
    return json_response({plural: items})


def _member(singular: str, lister: Lister, not_found: Callable[[str], errors.FakeNovaError],
            item_id: str) -> Response:
    for item in lister(runtime().store, context()):
        if item["id"] == item_id:
            return json_response({singular: neutron.picked(item, request.args.getlist("fields"))})
    raise not_found(item_id)


def versions() -> Response:
    """``GET /network``: Neutron's version document (no token needed)."""
    href = base_url() + "/network/v2.0/"
    return json_response({"versions": [{"id": "v2.0", "status": "CURRENT",
                                        "links": [{"rel": "self", "href": href}]}]})


RESOURCES: Tuple[Tuple[str, str], ...] = (("network", "networks"), ("subnet", "subnets"), ("port", "ports"))


def resources() -> Response:
    """``GET /network/v2.0``: the resource collections of this API."""
    base = base_url() + "/network/v2.0"
    return json_response({"resources": [{"name": name, "collection": plural,
                                         "links": [{"rel": "self", "href": f"{base}/{plural}"}]}
                                        for name, plural in RESOURCES]})


def list_networks() -> Response:
    return _collection("networks", networks)


def show_network(network_id: str) -> Response:
    return _member("network", networks, lambda i: NetworkNotFound(id=i), network_id)


def list_subnets() -> Response:
    return _collection("subnets", subnets)


def show_subnet(subnet_id: str) -> Response:
    return _member("subnet", subnets, lambda i: neutron.SubnetNotFound(id=i), subnet_id)


def list_ports() -> Response:
    return _collection("ports", ports)


def show_port(port_id: str) -> Response:
    return _member("port", ports, lambda i: PortNotFound(id=i), port_id)


ROUTES = (
    Route("GET", "", versions, public=True),
    Route("GET", "/", versions, public=True),
    Route("GET", "/v2.0", resources),
    Route("GET", "/v2.0/", resources),
    Route("GET", "/v2.0/networks", list_networks),
    Route("GET", "/v2.0/networks/<network_id>", show_network),
    Route("GET", "/v2.0/subnets", list_subnets),
    Route("GET", "/v2.0/subnets/<subnet_id>", show_subnet),
    Route("GET", "/v2.0/ports", list_ports),
    Route("GET", "/v2.0/ports/<port_id>", show_port),
)
