"""Neutron's read side: the networks, subnets and ports a caller sees, and Neutron's list filters and paging.

Networks and subnets are the seeded records; ports are derived from the servers' NICs (one per
:class:`~fakenova.domain.models.Nic` of every server that is not deleted), so they appear and disappear
with their servers. Visibility is Neutron's default policy: admins see everything; others see their
project's networks plus shared and external ones, the subnets of those networks, and their servers' ports.
Lists take Neutron's filters on the rendered attributes (repeat a name to OR values; ``fields`` picks keys);
unknown filters are a 400 as with Neutron's ``filter_validation``.
"""
from __future__ import annotations

from typing import AbstractSet, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from . import errors
from .compute import visible
from .context import RequestContext
from .models import Nic, Server
from .network import visible_networks
from .ports import Store
from .strings import parse_bool

Record = Mapping[str, Any]
Args = Mapping[str, List[str]]


class SubnetNotFound(errors.NotFound):
    msg_fmt = "Subnet {id} could not be found."


class HTTPBadRequest(errors.BadRequest):
    """Neutron's type for a bad query or body (the webob exception's name)."""


def seeded_at(store: Store, ctx: RequestContext) -> float:
    """When the seeded networks and subnets were made: they carry no timestamp, so the seeded images' time."""
    times = [image["created_at"] for image in store.list("image")]
    return min(times) if times else ctx.now


def networks(store: Store, ctx: RequestContext) -> List[Record]:
    """The networks the caller sees."""
    return list(visible_networks(store, ctx))


def subnets(store: Store, ctx: RequestContext) -> List[Record]:
    """The subnets of the networks the caller sees."""
    seen = {net["id"] for net in visible_networks(store, ctx)}
    return [subnet for subnet in store.list("subnet") if subnet["network_id"] in seen]


def ports(store: Store, ctx: RequestContext) -> List[Tuple[Server, Nic]]:
    """One port per NIC of every server the caller sees (all servers for admins)."""
    servers = store.list("server") if ctx.is_admin else store.list("server", ctx.project_id)
    return [(server, nic) for server in servers if visible(server, ctx) for nic in server.nics]


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


def picked(item: Mapping[str, Any], fields: Sequence[str]) -> Dict[str, Any]:
    """``item`` limited to the ``fields`` query values (all of it when none is given)."""
    wanted = [name for name in fields if name]
    return {key: value for key, value in item.items() if not wanted or key in wanted}
