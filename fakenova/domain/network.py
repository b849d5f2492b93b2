"""Addresses for servers: choose networks as Nova does with Neutron, and allocate ports on them.

Ports are not stored on their own: Neutron's ``/ports`` is derived from the servers' NICs, so deleting a
server removes its ports with no bookkeeping to forget.
"""
from __future__ import annotations

import ipaddress
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from . import errors
from .context import RequestContext
from .models import Nic
from .ports import Store


def visible_networks(store: Store, ctx: RequestContext) -> List[Mapping[str, Any]]:
    """Networks the caller may see: their project's, shared ones, external ones, or all for admins."""
    return [net for net in store.list("network")
            if ctx.is_admin or net["project_id"] == ctx.project_id or net["shared"] or net["external"]]


def _network(store: Store, ctx: RequestContext, network_id: str) -> Mapping[str, Any]:
    network = store.get("network", network_id)
    if network is None or network not in visible_networks(store, ctx):
        raise errors.BadRequest(f"Network {network_id} could not be found.")
    if network["external"] and not ctx.is_admin:
        raise errors.Forbidden(rule="network:attach_external_network")
    return network


def default_networks(store: Store, ctx: RequestContext) -> List[Mapping[str, Any]]:
    """What Nova picks with no network requested (or ``auto``): the one usable internal network."""
    candidates = [net for net in visible_networks(store, ctx) if not net["external"]]
    if len(candidates) > 1:
        own = [net for net in candidates if net["project_id"] == ctx.project_id]
        candidates = own or candidates
    if len(candidates) > 1:
        raise errors.Conflict("Multiple possible networks found, use a Network ID to be more specific.")
    return candidates


def requested_networks(store: Store, ctx: RequestContext,
                       requested: Any) -> List[Tuple[Mapping[str, Any], Optional[str], Optional[str]]]:
    """Resolve a create request's ``networks`` into (network, fixed_ip, tag) triples.

    :param requested: None (omitted), ``"auto"``, ``"none"`` or the validated list of items.
    """
    if requested == "none":
        return []
    if requested is None or requested == "auto":
        return [(net, None, None) for net in default_networks(store, ctx)]
    chosen = []
    seen_ports = set()
    for item in requested:
        port, fixed_ip = item.get("port"), item.get("fixed_ip")
        if port:
            if port in seen_ports:
                raise errors.BadRequest(f"Port ID '{port}' was specified twice: you cannot attach a port "
                                        "multiple times.")
            if fixed_ip:
                raise errors.BadRequest(f"Specified Fixed IP '{fixed_ip}' cannot be used with port '{port}': "
                                        "the two cannot be specified together.")
            seen_ports.add(port)
            raise errors.BadRequest(f"Port {port} could not be found.")
        if not item.get("uuid"):
            raise errors.BadRequest("Bad network format: missing 'uuid'")
        chosen.append((_network(store, ctx, item["uuid"]), fixed_ip, item.get("tag")))
    return chosen


def _address(store: Store, subnet: Mapping[str, Any], fixed_ip: Optional[str]) -> str:
    """The next free-looking address in the subnet; wraps around a small pool rather than failing."""
    if fixed_ip:
        return fixed_ip
    network = ipaddress.ip_network(subnet["cidr"])
    gateway = ipaddress.ip_address(subnet["gateway_ip"])
    pool = max(1, network.num_addresses - 3)  # network, gateway and broadcast addresses are taken
    offset = (store.next_counter("ip:" + subnet["id"]) - 1) % pool
    address = network.network_address + 1 + offset
    if int(address) >= int(gateway):
        address += 1
    return str(address)


def allocate_nics(store: Store, ids: Any,
                  chosen: Sequence[Tuple[Mapping[str, Any], Optional[str], Optional[str]]]) -> Tuple[Nic, ...]:
    """One port per requested network, with a MAC and a fixed address from its first subnet."""
    nics = []
    for network, fixed_ip, tag in chosen:
        subnets = [subnet for subnet in (store.get("subnet", sid) for sid in network["subnets"]) if subnet]
        ips = tuple((subnet["ip_version"], _address(store, subnet, fixed_ip)) for subnet in subnets[:1])
        nics.append(Nic(port_id=ids.uuid(), network_id=network["id"], network_name=network["name"],
                        subnet_id=subnets[0]["id"] if subnets else "", mac=ids.mac(), ips=ips, tag=tag))
    return tuple(nics)
