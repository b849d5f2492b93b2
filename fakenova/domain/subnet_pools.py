"""Neutron subnet pools, sans-IO: prefixes read and bounded as ``SubnetPoolReader`` does, and subnets carved out
of them as ``SubnetAllocator`` does (``neutron/ipam/subnet_alloc.py``), with neutron-lib's errors.

A pool record (kind ``subnetpool``) keeps its compacted ``prefixes`` and prefix length bounds. A subnet created
with ``subnetpool_id`` gets its CIDR from :func:`allocate`: the first free block of the requested (or default)
size, or the requested CIDR when it lies in free pool space. What is allocated is read from the subnets that
name the pool, so deleting a subnet frees its block with no bookkeeping.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import errors
from .ports import Store

KIND = "subnetpool"
Network = Any  # ipaddress.IPv4Network | IPv6Network
#: ip version -> (default min prefixlen, max prefixlen, wildcard address)
VERSIONS: Mapping[int, Any] = {4: (8, 32, "0.0.0.0"), 6: (64, 128, "::")}


class SubnetPoolNotFound(errors.NotFound):
    msg_fmt = "Subnet pool {subnetpool_id} could not be found."


class EmptySubnetPoolPrefixList(errors.BadRequest):
    msg_fmt = "Empty subnet pool prefix list."


class PrefixVersionMismatch(errors.BadRequest):
    msg_fmt = "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."


class IllegalSubnetPoolPrefixBounds(errors.BadRequest):
    msg_fmt = "Illegal prefix bounds: {prefix_type}={prefixlen}, {base_prefix_type}={base_prefixlen}."


class IllegalSubnetPoolPrefixUpdate(errors.BadRequest):
    msg_fmt = "Illegal update to prefixes: {msg}."


class SubnetAllocationError(errors.FakeNovaError):
    """A ``NeutronException`` with no HTTP mapping: Neutron answers it as a 500."""

    code = 500
    msg_fmt = "Failed to allocate subnet: {reason}."


class MinPrefixSubnetAllocationError(errors.BadRequest):
    msg_fmt = "Unable to allocate subnet with prefix length {prefixlen}, minimum allowed prefix is {min_prefixlen}."


class MaxPrefixSubnetAllocationError(errors.BadRequest):
    msg_fmt = "Unable to allocate subnet with prefix length {prefixlen}, maximum allowed prefix is {max_prefixlen}."


class SubnetPoolDeleteError(errors.BadRequest):
    msg_fmt = "Unable to delete subnet pool: {reason}."


def compact(prefixes: Sequence[str]) -> List[str]:
    """The prefixes with overlaps and neighbours merged (netaddr's ``IPSet.compact``)."""
    networks: List[Any] = [ipaddress.ip_network(prefix, strict=False) for prefix in prefixes]  # one version
    return [str(net) for net in ipaddress.collapse_addresses(networks)]


def read(item: Mapping[str, Any], current: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The pool's prefixes, version and bounds from a create body (or an update over ``current``)."""
    merged = {**(current or {}), **{key: value for key, value in item.items() if value is not None}}
    prefixes = merged.get("prefixes") or []
    if not prefixes:
        raise EmptySubnetPoolPrefixList()
    versions = {ipaddress.ip_network(prefix, strict=False).version for prefix in prefixes}
    if len(versions) > 1:
        raise PrefixVersionMismatch()
    version = versions.pop()
    default_min, highest, _ = VERSIONS[version]
    low = int(merged.get("min_prefixlen") or default_min)
    high = int(merged.get("max_prefixlen") or highest)
    default = int(merged.get("default_prefixlen") or low)
    if low > high:
        raise IllegalSubnetPoolPrefixBounds(prefix_type="min_prefixlen", prefixlen=low,
                                            base_prefix_type="max_prefixlen", base_prefixlen=high)
    if high > highest:
        raise IllegalSubnetPoolPrefixBounds(prefix_type="max_prefixlen", prefixlen=high,
                                            base_prefix_type="ip_version_max", base_prefixlen=highest)
    for bound, name in ((low, "min_prefixlen"), (high, "max_prefixlen")):
        if (default < low and name == "min_prefixlen") or (default > high and name == "max_prefixlen"):
            raise IllegalSubnetPoolPrefixBounds(prefix_type="default_prefixlen", prefixlen=default,
                                                base_prefix_type=name, base_prefixlen=bound)
    compacted = compact(prefixes)
    if current is not None:
        old = [ipaddress.ip_network(p) for p in current.get("prefixes") or ()]
        new = [ipaddress.ip_network(p) for p in compacted]
        if not all(any(o.subnet_of(n) for n in new) for o in old):  # type: ignore[arg-type]
            raise IllegalSubnetPoolPrefixUpdate(msg="Existing prefixes must be a subset of the new prefixes")
    return {"prefixes": compacted, "ip_version": version, "min_prefixlen": low, "max_prefixlen": high,
            "default_prefixlen": default}


def _allocated(store: Store, pool_id: str) -> List[Network]:
    return [ipaddress.ip_network(subnet["cidr"]) for subnet in store.list("subnet")
            if subnet.get("subnetpool_id") == pool_id]


def _free(pool: Mapping[str, Any], used: Sequence[Network]) -> List[Network]:
    """The pool's space minus what its subnets hold, as the largest blocks (``_get_available_prefix_list``)."""
    free: List[Network] = [ipaddress.ip_network(prefix) for prefix in pool["prefixes"]]
    for taken in used:
        rest: List[Network] = []
        for block in free:
            if taken.subnet_of(block):
                rest.extend(block.address_exclude(taken))
            elif not block.subnet_of(taken):
                rest.append(block)
        free = rest
    return sorted(free, key=lambda net: (-net.prefixlen, int(net.network_address)))


def allocate(store: Store, pool: Mapping[str, Any], cidr: Optional[str], prefixlen: Optional[int]) -> str:
    """The CIDR of a new subnet of ``pool``: ``cidr`` when free in the pool, else a free ``/prefixlen`` block
    (the pool's default size when neither is given)."""
    wanted = ipaddress.ip_network(cidr, strict=False) if cidr else None
    size = wanted.prefixlen if wanted is not None else int(prefixlen or pool["default_prefixlen"])
    if size > pool["max_prefixlen"]:
        raise MaxPrefixSubnetAllocationError(prefixlen=size, max_prefixlen=pool["max_prefixlen"])
    if size < pool["min_prefixlen"]:
        raise MinPrefixSubnetAllocationError(prefixlen=size, min_prefixlen=pool["min_prefixlen"])
    free = _free(pool, _allocated(store, pool["id"]))
    if wanted is not None:
        if any(wanted.version == block.version and wanted.subnet_of(block) for block in free):
            return str(wanted)
        raise SubnetAllocationError(reason="Cannot allocate requested subnet from the available set of prefixes")
    for block in free:  # smallest blocks first, as Neutron fills them
        if size >= block.prefixlen:
            return str(next(block.subnets(new_prefix=size)))
    raise SubnetAllocationError(reason=f"Insufficient prefix space to allocate subnet size /{size}")


def in_use(store: Store, pool_id: str) -> bool:
    return bool(_allocated(store, pool_id))
