"""Nova's deprecated network proxies over Neutron: ``os-networks`` and ``os-tenant-networks`` list and show,
2.1 to 2.35 (404 from 2.36); their nova-network writes answer 410 at every version, as Nova's removed
controllers do."""
from __future__ import annotations

from typing import Any, Callable, Dict

from flask import Response

from ...domain import errors
from ...domain import network_proxy as domain
from ...domain.context import RequestContext
from ..http import context, json_response, runtime
from ..routing import Route
from .security_groups import PROXY_VERSIONS

View = Callable[[domain.Network, RequestContext], Dict[str, Any]]

#: proxy -> how it renders a network
VIEWS: Dict[str, View] = {
    "os-networks": domain.network_view,
    "os-tenant-networks": lambda network, ctx: domain.tenant_network_view(network),
}


def _index(proxy: str) -> Callable[[], Response]:
    def index() -> Response:
        ctx = context()
        found = domain.listed(runtime().store, ctx, proxy)
        return json_response({"networks": [VIEWS[proxy](network, ctx) for network in found]})
    index.__name__ = f"index_{proxy.replace('-', '_')}"
    return index


def _show(proxy: str) -> Callable[[str], Response]:
    def show(network_id: str) -> Response:
        ctx = context()
        return json_response({"network": VIEWS[proxy](domain.shown(runtime().store, ctx, proxy, network_id), ctx)})
    show.__name__ = f"show_{proxy.replace('-', '_')}"
    return show


def gone(**_: Any) -> Response:
    """A nova-network write Nova removed in 21.0.0 (Ussuri)."""
    raise errors.Gone()


_NET = "os_compute_api:os-networks:{}"
_TENANT = "os_compute_api:os-tenant-networks:{}"

#: Nova answers its removed nova-network writes with 410 before any policy check
_REMOVED = "removed in Nova: 410 before any rule"

ROUTES = (
    Route("GET", "/os-networks", _index("os-networks"), PROXY_VERSIONS, policy=_NET.format("list")),
    Route("GET", "/os-networks/<network_id>", _show("os-networks"), PROXY_VERSIONS, policy=_NET.format("show")),
    Route("POST", "/os-networks", gone, unguarded=_REMOVED),
    Route("POST", "/os-networks/add", gone, unguarded=_REMOVED),
    Route("DELETE", "/os-networks/<network_id>", gone, unguarded=_REMOVED),
    Route("POST", "/os-networks/<network_id>/action", gone, unguarded=_REMOVED),
    Route("GET", "/os-tenant-networks", _index("os-tenant-networks"), PROXY_VERSIONS,
          policy=_TENANT.format("list")),
    Route("GET", "/os-tenant-networks/<network_id>", _show("os-tenant-networks"), PROXY_VERSIONS,
          policy=_TENANT.format("show")),
    Route("POST", "/os-tenant-networks", gone, unguarded=_REMOVED),
    Route("DELETE", "/os-tenant-networks/<network_id>", gone, unguarded=_REMOVED),
)
