"""Neutron's IPAM: a subnet's pools and gateway, and fixed addresses allocated from them.

Checks follow ``neutron/db/ipam_backend_mixin.py`` (pools inside the cidr, not overlapping, not holding the
gateway; a new cidr not overlapping the network's other subnets) and ``neutron/ipam`` (an address taken
is ``IpAddressAlreadyAllocated``; none left is ``IpAddressGenerationFailure``). Allocations are records of
kind ``ip_allocation`` keyed ``<subnet_id>/<address>`` naming their holder (a port, a router's gateway port,
or a floating IP: every holder goes through these records), so "is it free" is one lookup; an allocation
whose holder is gone (its server deleted) is free again.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .neutron_errors import (
    GatewayConflictWithAllocationPools,
    InvalidAllocationPool,
    InvalidInput,
    IpAddressAlreadyAllocated,
    OutOfBoundsAllocationPool,
    OverlappingAllocationPools,
)
from .ports import Store

KIND = "ip_allocation"
#: per subnet, where the next search for a free address starts
CURSOR = "ip_cursor"
Pool = Dict[str, str]
#: answers whether a port still exists (an allocation of a vanished port is free)
Alive = Callable[[str], bool]


def _bounds(cidr: str) -> Tuple[Any, Any]:
    net = ipaddress.ip_network(cidr, strict=False)
    if net.version == 4 and net.prefixlen > 30:
        return net.network_address, net.broadcast_address
    last = net.broadcast_address - 1 if net.version == 4 else net.broadcast_address
    return net.network_address + 1, last


def default_gateway(cidr: str) -> str:
    return str(_bounds(cidr)[0])


def default_pools(cidr: str, gateway: Optional[str]) -> List[Pool]:
    """The usable range of a subnet around its gateway, as Neutron computes the default pools."""
    first, last = _bounds(cidr)
    gw: Any = ipaddress.ip_address(gateway) if gateway else None
    if gw is None or not first <= gw <= last:
        ranges = [(first, last)]
    else:
        ranges = [(low, high) for low, high in ((first, gw - 1), (gw + 1, last)) if low <= high]
    return [{"start": str(low), "end": str(high)} for low, high in ranges]


def _range(pool: Pool) -> str:
    return f"{pool['start']}-{pool['end']}"


def check_pools(pools: Sequence[Pool], cidr: str, gateway: Optional[str]) -> None:
    """Neutron's ``validate_allocation_pools`` and the gateway check."""
    net = ipaddress.ip_network(cidr, strict=False)
    first, last = (int(bound) for bound in _bounds(cidr))
    spans = []
    for pool in pools:
        low, high = ipaddress.ip_address(pool["start"]), ipaddress.ip_address(pool["end"])
        start, end = int(low), int(high)
        if low.version != net.version or high.version != net.version or start > end:
            raise InvalidAllocationPool(pool=_range(pool))
        if start < first or end > last:
            raise OutOfBoundsAllocationPool(pool=_range(pool), subnet_cidr=cidr)
        spans.append((start, end, pool))
    spans.sort(key=lambda span: span[0])
    for one, two in zip(spans, spans[1:]):
        if two[0] <= one[1]:
            raise OverlappingAllocationPools(pool_1=_range(one[2]), pool_2=_range(two[2]), subnet_cidr=cidr)
    if gateway:
        gw = int(ipaddress.ip_address(gateway))
        for start, end, pool in spans:
            if start <= gw <= end:
                raise GatewayConflictWithAllocationPools(ip_address=gateway, pool=_range(pool))


def check_cidr(cidr: str, network_id: str, others: Sequence[str]) -> None:
    new = ipaddress.ip_network(cidr, strict=False)
    if new.prefixlen == 0:
        raise InvalidInput(error_message="0 is not allowed as CIDR prefix length")
    for other in others:
        existing = ipaddress.ip_network(other, strict=False)
        if existing.version == new.version and existing.overlaps(new):
            raise InvalidInput(error_message=f"Requested subnet with cidr: {cidr} for network: {network_id} "
                                             "overlaps with another subnet")


#: IPv6 address modes in which hosts make their own addresses from their MAC (Neutron's auto-address subnets)
AUTO_ADDRESS_MODES = ("slaac", "dhcpv6-stateless")


def auto_address(subnet: Mapping[str, Any]) -> bool:
    return subnet.get("ipv6_address_mode") in AUTO_ADDRESS_MODES


def eui64(cidr: str, mac: str) -> str:
    """The SLAAC address of ``mac`` in an IPv6 /64: the prefix, then the MAC with ff:fe inserted and the
    universal/local bit flipped."""
    octets = [int(part, 16) for part in mac.replace("-", ":").split(":")]
    octets[0] ^= 0x02
    interface = bytes(octets[:3] + [0xFF, 0xFE] + octets[3:])
    network = ipaddress.ip_network(cidr, strict=False)
    return str(ipaddress.ip_address(int(network.network_address) | int.from_bytes(interface, "big")))


def in_subnet(address: str, subnet: Mapping[str, Any]) -> bool:
    ip = ipaddress.ip_address(address)
    net = ipaddress.ip_network(subnet["cidr"], strict=False)
    return ip.version == net.version and ip in net


def _key(subnet_id: str, address: str) -> str:
    return f"{subnet_id}/{address}"


def holder(store: Store, subnet_id: str, address: str, alive: Alive) -> Optional[str]:
    """The port holding ``address`` on the subnet, if it still exists."""
    found = store.get(KIND, _key(subnet_id, address))
    return found["port_id"] if found is not None and alive(found["port_id"]) else None


def _pool_size(subnet: Mapping[str, Any]) -> int:
    return sum(int(ipaddress.ip_address(pool["end"])) - int(ipaddress.ip_address(pool["start"])) + 1
               for pool in subnet["allocation_pools"])


def _nth(subnet: Mapping[str, Any], index: int) -> str:
    for pool in subnet["allocation_pools"]:
        start, end = ipaddress.ip_address(pool["start"]), ipaddress.ip_address(pool["end"])
        size = int(end) - int(start) + 1
        if index < size:
            return str(start + index)
        index -= size
    raise IndexError(index)


def take(store: Store, subnet: Mapping[str, Any], address: str, port_id: str, alive: Alive) -> str:
    """Allocate a given address to the port (409 when another live port holds it)."""
    owner = holder(store, subnet["id"], address, alive)
    if owner is not None and owner != port_id:
        raise IpAddressAlreadyAllocated(ip=address, subnet_id=subnet["id"])
    store.put(KIND, _key(subnet["id"], address), {"port_id": port_id, "subnet_id": subnet["id"]})
    return address


def next_free(store: Store, subnet: Mapping[str, Any], port_id: str, alive: Alive) -> Optional[str]:
    """Allocate the next free address of the subnet's pools to the port, or None when none is left.

    The search starts after the last address handed out (a cursor per subnet), so filling a large subnet
    stays one lookup per port; it wraps round to reuse released addresses.
    """
    size = _pool_size(subnet)
    cursor = store.get(CURSOR, subnet["id"]) or 0
    for step in range(min(size, 1 << 20)):
        index = (cursor + step) % size
        address = _nth(subnet, index)
        if holder(store, subnet["id"], address, alive) is None:
            store.put(CURSOR, subnet["id"], index + 1)
            return take(store, subnet, address, port_id, alive)
    return None


def release(store: Store, subnet_id: str, address: str, port_id: str) -> None:
    found = store.get(KIND, _key(subnet_id, address))
    if found is not None and found["port_id"] == port_id:
        store.delete(KIND, _key(subnet_id, address))


def in_use(store: Store, subnet_id: str, alive: Alive) -> List[str]:
    """Ports with an address on the subnet."""
    return sorted({row["port_id"] for row in store.list(KIND) if row["subnet_id"] == subnet_id
                   and alive(row["port_id"])})
