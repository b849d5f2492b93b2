"""Nova's deprecated network proxies, ``os-networks`` and ``os-tenant-networks`` (2.1 to 2.35): Neutron's
network records (read through :func:`.network.visible_networks`) shown in nova-network's shapes.

Since nova-network is gone, Nova fills only ``id`` and ``label`` (the network's name) and leaves the other
nova-network fields null: ``os-networks`` shows twelve of them to anyone and thirty-one to admins, and
``os-tenant-networks`` shows three, its ``cidr`` the string ``"None"``. Everything else they once did
(create, delete, associate) answers 410.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from . import errors, policy
from .context import RequestContext
from .network import visible_networks
from .ports import Store

#: the fields every caller sees, then those only admins see (Nova's ``network_dict``)
FIELDS: Tuple[str, ...] = ("id", "cidr", "netmask", "gateway", "broadcast", "dns1", "dns2", "cidr_v6",
                           "gateway_v6", "label", "netmask_v6")
ADMIN_FIELDS: Tuple[str, ...] = (
    "created_at", "updated_at", "deleted_at", "deleted", "injected", "bridge", "vlan", "vpn_public_address",
    "vpn_public_port", "vpn_private_address", "dhcp_start", "project_id", "host", "bridge_interface",
    "multi_host", "priority", "rxtx_base", "mtu", "dhcp_server", "enable_dhcp", "share_address")
#: proxy -> Nova's rule prefix (both default to project reader or admin)
RULES: Mapping[str, str] = {"os-networks": "os_compute_api:os-networks:{}",
                            "os-tenant-networks": "os_compute_api:os-tenant-networks:{}"}

Network = Mapping[str, Any]


def _authorize(ctx: RequestContext, proxy: str, action: str) -> None:
    policy.authorize(ctx, RULES[proxy].format(action))


def listed(store: Store, ctx: RequestContext, proxy: str) -> List[Network]:
    """The networks Neutron shows the caller (all of them to an admin)."""
    _authorize(ctx, proxy, "list")
    return visible_networks(store, ctx)


def shown(store: Store, ctx: RequestContext, proxy: str, network_id: str) -> Network:
    """One network the caller sees; 404 ``Network not found`` otherwise."""
    _authorize(ctx, proxy, "show")
    found = next((net for net in visible_networks(store, ctx) if net["id"] == network_id), None)
    if found is None:
        raise errors.NotFound("Network not found")
    return found


def network_view(network: Network, ctx: RequestContext) -> Dict[str, Any]:
    """``os-networks``' shape: ``id`` and ``label`` filled, every other nova-network field null."""
    names = FIELDS + ADMIN_FIELDS if ctx.is_admin else FIELDS
    filled = {"id": network["id"], "label": network["name"]}
    return {name: filled.get(name) for name in names}


def tenant_network_view(network: Network) -> Dict[str, Any]:
    """``os-tenant-networks``' shape (its ``cidr`` is the string ``"None"``, as Nova has always shown it)."""
    return {"id": network["id"], "cidr": "None", "label": network["name"]}
