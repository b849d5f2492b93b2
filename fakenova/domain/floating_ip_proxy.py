"""Nova's deprecated ``os-floating-ips`` and ``os-floating-ip-pools`` (2.1 to 2.35): Neutron's floating IP
records (:mod:`.floating_ips`) seen and changed through Nova, with Nova's messages.

A pool is an external network, named by name or id; without one Nova allocates from its configured default
pool, ``public`` (devstack's, and fakenova's seeded external network).
"""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional

from . import errors, floating_ip_pool, floating_ips, network_quotas
from .context import RequestContext
from .network import visible_networks
from .ports import Runtime, Store

#: Nova's ``[neutron] default_floating_pool``
DEFAULT_POOL = "public"


def pools(store: Store, ctx: RequestContext) -> List[str]:
    """The names of the external networks the caller sees."""
    return [net["name"] or net["id"] for net in visible_networks(store, ctx) if net["external"]]


def _pool(store: Store, ctx: RequestContext, name_or_id: str) -> Mapping[str, Any]:
    external = [net for net in visible_networks(store, ctx) if net["external"]]
    found = next((net for net in external if net["id"] == name_or_id), None) or next(
        (net for net in external if net["name"] == name_or_id), None)
    if found is None:
        raise errors.NotFound("Floating IP pool not found.")
    return found


def _fip(store: Store, ctx: RequestContext, fip_id: str) -> floating_ips.FloatingIp:
    try:
        uuid.UUID(fip_id)
    except ValueError:
        raise errors.BadRequest(f"Invalid ID received {fip_id}.") from None
    try:
        return floating_ips.get(store, ctx, fip_id)
    except errors.NotFound:
        raise errors.NotFound(f"Floating IP not found for ID {fip_id}") from None


def view(store: Store, fip: floating_ips.FloatingIp) -> Dict[str, Any]:
    """Nova's floating IP body: the pool is the network's name, the instance the server behind the port."""
    network: Mapping[str, Any] = next(
        (net for net in store.list("network") if net["id"] == fip.floating_network_id), {})
    return {"fixed_ip": fip.fixed_ip_address, "id": fip.id, "instance_id": fip.device_id,
            "ip": fip.floating_ip_address, "pool": network.get("name") or fip.floating_network_id}


def listed(store: Store, ctx: RequestContext) -> List[floating_ips.FloatingIp]:
    """The project's floating IPs (Nova asks Neutron for the caller's project only, admin or not)."""
    return [fip for fip in floating_ips.visible(store, ctx) if fip.project_id == ctx.project_id]


def show(store: Store, ctx: RequestContext, fip_id: str) -> floating_ips.FloatingIp:
    return _fip(store, ctx, fip_id)


def allocate(runtime: Runtime, ctx: RequestContext, pool: Optional[str]) -> floating_ips.FloatingIp:
    """A new floating IP from ``pool`` (the default pool when None); 404 when the pool is full."""
    network = _pool(runtime.store, ctx, pool or DEFAULT_POOL)
    try:
        return floating_ips.create(runtime.store, ctx, runtime.ids.uuid(), {"floating_network_id": network["id"]})
    except floating_ip_pool.IpAddressGenerationFailure:
        raise errors.NotFound(f"No more floating IPs in pool {pool}." if pool
                              else "No more floating IPs available.") from None
    except network_quotas.OverQuota:  # Nova's FloatingIpLimitExceeded
        raise errors.Forbidden(f"IP allocation over quota in pool {pool}." if pool
                               else "IP allocation over quota.") from None


def release(runtime: Runtime, ctx: RequestContext, fip_id: str) -> None:
    """Disassociate (if need be) and release a floating IP."""
    _fip(runtime.store, ctx, fip_id)
    floating_ips.delete(runtime.store, ctx, fip_id)
