"""A read-only Neutron v2.0 subset at ``/network``: networks, subnets and the ports of servers.

Networks and subnets are the seeded records; ports are derived from the servers' NICs (one per
:class:`~fakenova.domain.models.Nic` of every server that is not deleted), so they appear and disappear
with their servers. Visibility is Neutron's default policy: admins see everything; others see their
project's networks plus shared and external ones, the subnets of those networks, and their servers' ports.
Lists take Neutron's filters (repeat a name to OR values; ``fields`` picks keys); unknown filters are a 400
as with Neutron's ``filter_validation``. Errors are ``{"NeutronError": {"type", "message", "detail"}}``,
the ``type`` being the error class name (rendered by the pipeline).
"""
from __future__ import annotations

import ipaddress
from typing import AbstractSet, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from flask import Response, request

from ...domain import errors
from ...domain.context import RequestContext
from ...domain.strings import parse_bool
from ...domain.floating_ips import NetworkNotFound, PortNotFound
from ...domain.models import Nic, Server
from ...domain.network import visible_networks
from ...views.common import isotime
from ..http import base_url, context, json_response, runtime
from ..routing import Route

Record = Mapping[str, Any]


class SubnetNotFound(errors.NotFound):
    msg_fmt = "Subnet {id} could not be found."


class HTTPBadRequest(errors.BadRequest):
    """Neutron's type for a bad query (the webob exception's name)."""


# --- bodies -------------------------------------------------------------------------------------------


def _times(created: float) -> Dict[str, Any]:
    stamp = isotime(created)
    return {"created_at": stamp, "updated_at": stamp, "revision_number": 1}


def _owner(project_id: str) -> Dict[str, str]:
    return {"project_id": project_id, "tenant_id": project_id}


def network_body(net: Record, created: float, is_admin: bool) -> Dict[str, Any]:
    """A network as ``GET /v2.0/networks/{id}`` shows it (provider attributes for admins only)."""
    body: Dict[str, Any] = {
        "id": net["id"], "name": net["name"], "admin_state_up": net["admin_state_up"],
        "availability_zone_hints": [], "availability_zones": ["nova"], "description": "", "dns_domain": "",
        "ipv4_address_scope": None, "ipv6_address_scope": None, "l2_adjacency": True, "mtu": net["mtu"],
        "port_security_enabled": True, "qos_policy_id": None, "router:external": net["external"],
        "shared": net["shared"], "status": net["status"], "subnets": list(net["subnets"]), "tags": [],
        **_owner(net["project_id"]), **_times(net.get("created_at", created)),
    }
    if net["external"]:
        body["is_default"] = False
    if is_admin:
        flat = net["external"]
        body.update({"provider:network_type": "flat" if flat else "vxlan",
                     "provider:physical_network": net["name"] if flat else None,
                     "provider:segmentation_id": None if flat else 100 + sum(map(ord, net["id"])) % 900})
    return body


def allocation_pools(cidr: str, gateway: Optional[str]) -> List[Dict[str, str]]:
    """The usable range of a subnet around its gateway, as Neutron computes the default pools."""
    network = ipaddress.ip_network(cidr)
    first: Any = network.network_address + 1
    last: Any = network.broadcast_address - (1 if network.version == 4 else 0)
    gw: Any = ipaddress.ip_address(gateway) if gateway else None
    if gw is None or not first <= gw <= last:
        ranges = [(first, last)]
    else:
        ranges = [(low, high) for low, high in ((first, gw - 1), (gw + 1, last)) if low <= high]
    return [{"start": str(low), "end": str(high)} for low, high in ranges]


def subnet_body(subnet: Record, created: float, is_admin: bool) -> Dict[str, Any]:
    """A subnet as ``GET /v2.0/subnets/{id}`` shows it."""
    return {
        "id": subnet["id"], "name": subnet["name"], "network_id": subnet["network_id"],
        "allocation_pools": allocation_pools(subnet["cidr"], subnet.get("gateway_ip")), "cidr": subnet["cidr"],
        "description": "", "dns_nameservers": list(subnet["dns_nameservers"]), "dns_publish_fixed_ip": False,
        "enable_dhcp": subnet["enable_dhcp"], "gateway_ip": subnet.get("gateway_ip"),
        "host_routes": list(subnet["host_routes"]), "ip_version": subnet["ip_version"],
        "ipv6_address_mode": None, "ipv6_ra_mode": None, "segment_id": None, "service_types": [],
        "subnetpool_id": None, "tags": [], **_owner(subnet["project_id"]),
        **_times(subnet.get("created_at", created)),
    }


def port_body(server: Server, nic: Nic, is_admin: bool) -> Dict[str, Any]:
    """The port behind one NIC of a server."""
    body: Dict[str, Any] = {
        "id": nic.port_id, "name": "", "network_id": nic.network_id, "mac_address": nic.mac,
        "admin_state_up": True, "allowed_address_pairs": [], "binding:vnic_type": "normal", "description": "",
        "device_id": server.id, "device_owner": f"compute:{server.availability_zone or 'nova'}",
        "extra_dhcp_opts": [], "fixed_ips": [{"subnet_id": nic.subnet_id, "ip_address": address}
                                             for _, address in nic.ips],
        "ip_allocation": "immediate", "port_security_enabled": True, "qos_network_policy_id": None,
        "qos_policy_id": None, "resource_request": None, "security_groups": [], "status": "ACTIVE",
        "tags": [], **_owner(server.project_id), **_times(server.created_at),
    }
    if is_admin:
        body.update({"binding:host_id": server.host or "", "binding:profile": {},
                     "binding:vif_details": {}, "binding:vif_type": "ovs" if server.host else "unbound"})
    return body


# --- what the caller sees ---------------------------------------------------------------------------


def _seeded_at(store: Any, ctx: RequestContext) -> float:
    # Seeded networks carry no timestamp; they were made with the seeded images, so use theirs.
    times = [image["created_at"] for image in store.list("image")]
    return min(times) if times else ctx.now


def networks(store: Any, ctx: RequestContext) -> List[Dict[str, Any]]:
    created = _seeded_at(store, ctx)
    return [network_body(net, created, ctx.is_admin) for net in visible_networks(store, ctx)]


def subnets(store: Any, ctx: RequestContext) -> List[Dict[str, Any]]:
    created = _seeded_at(store, ctx)
    seen = {net["id"] for net in visible_networks(store, ctx)}
    return [subnet_body(subnet, created, ctx.is_admin) for subnet in store.list("subnet")
            if subnet["network_id"] in seen]


def ports(store: Any, ctx: RequestContext) -> List[Dict[str, Any]]:
    servers = store.list("server") if ctx.is_admin else store.list("server", ctx.project_id)
    return [port_body(server, nic, ctx.is_admin) for server in servers if not server.deleted
            for nic in server.nics if ctx.is_admin or server.project_id == ctx.project_id]


# --- queries ----------------------------------------------------------------------------------------

#: Parameters that page, sort or project rather than filter.
_CONTROL = ("fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse")
#: Attributes every resource can be filtered on, even when the caller sees none of it.
_COMMON = frozenset({"id", "name", "project_id", "tenant_id", "status", "description", "tags", "created_at",
                     "updated_at", "revision_number", "admin_state_up", "network_id", "device_id",
                     "device_owner", "mac_address", "fixed_ips", "shared", "router:external", "cidr",
                     "ip_version", "gateway_ip", "subnets", "mtu", "enable_dhcp"})


def _matches(item: Mapping[str, Any], name: str, wanted: Sequence[str]) -> bool:
    actual = item[name]
    if name == "fixed_ips":
        pairs = [tuple(value.split("=", 1)) for value in wanted if "=" in value]
        return any(ip.get(key) == val for key, val in pairs for ip in actual)
    if isinstance(actual, bool):
        return any(parse_bool(value) is actual for value in wanted)
    if isinstance(actual, list):
        return any(value in actual for value in wanted)
    return any(str(actual) == value for value in wanted)


def select(items: List[Dict[str, Any]], args: Mapping[str, List[str]],
           known: Optional[AbstractSet[str]] = None) -> List[Dict[str, Any]]:
    """Apply filters (400 ``[<name>] is invalid attribute for filtering`` for unknown ones), page, project.

    :param known: the resource's filterable attributes; by default the keys of the first item.
    """
    known = known or (set(items[0]) if items else _COMMON)
    for name, values in args.items():
        if name in _CONTROL:
            continue
        if name not in known:
            raise HTTPBadRequest(f"[{name}] is invalid attribute for filtering")
        items = [item for item in items if _matches(item, name, values)]
    items = _page(items, args)
    fields = [name for name in args.get("fields", ()) if name]
    return [{key: item[key] for key in item if key in fields} for item in items] if fields else items


def _page(items: List[Dict[str, Any]], args: Mapping[str, List[str]]) -> List[Dict[str, Any]]:
    marker = args.get("marker", [None])[-1]
    if marker is not None:
        ids = [item["id"] for item in items]
        items = items[ids.index(marker) + 1:] if marker in ids else items
    limit = args.get("limit", [""])[-1]
    if limit:
        if not limit.isdigit():
            raise HTTPBadRequest(f"Bad limit request: Limit must be an integer 0 or greater and not '{limit}'.")
        items = items[:int(limit)] if int(limit) else items
    return items


# --- handlers ---------------------------------------------------------------------------------------

Lister = Callable[[Any, RequestContext], List[Dict[str, Any]]]


def _collection(plural: str, lister: Lister) -> Response:
    items = select(lister(runtime().store, context()), request.args.to_dict(flat=False))
    return json_response({plural: items})


def _member(singular: str, lister: Lister, not_found: Callable[[str], errors.FakeNovaError],
            item_id: str) -> Response:
    for item in lister(runtime().store, context()):
        if item["id"] == item_id:
            fields = [name for name in request.args.getlist("fields") if name]
            return json_response({singular: {k: v for k, v in item.items() if not fields or k in fields}})
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
    return _member("subnet", subnets, lambda i: SubnetNotFound(id=i), subnet_id)


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
