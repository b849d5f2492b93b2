"""The address pool of an external network: which address of its subnets a floating IP or a router's gateway
gets, and Neutron's errors when the one asked for does not fit or none is left.

Sans-IO. An address is held by a floating IP, a server booted onto the network, a router's gateway or any other
port IPAM records; the gateway of a subnet is router1's interface, so never free. Floating IPs take IPv4
addresses only; a router's gateway may ask for an IPv6 one (:func:`fakenova.domain.floating_ips.allocate_address`).
"""
from __future__ import annotations

import ipaddress
from typing import Any, Callable, Iterator, List, Mapping, Optional, Set, Tuple

from . import errors, ipam, neutron_ports, router_ports
from .ports import Store


class BadRequest(errors.BadRequest):
    msg_fmt = "Bad floatingip request: {msg}."


class InvalidInput(errors.BadRequest):
    msg_fmt = "Invalid input for operation: {error_message}."


class InvalidIpForNetwork(errors.BadRequest):
    msg_fmt = "IP address {ip_address} is not a valid IP for any of the subnets on the specified network."


class IpAddressGenerationFailure(errors.Conflict):
    msg_fmt = "No more IP addresses available on network {net_id}."


class IpAddressAlreadyAllocated(errors.Conflict):
    msg_fmt = "IP address {ip} already allocated in subnet {subnet_id}"


def _ipv4_subnets(store: Store, network: Mapping[str, Any], subnet_id: Optional[str],
                  versions: Tuple[int, ...] = (4,)) -> List[Mapping[str, Any]]:
    subnets = [subnet for subnet in (store.get("subnet", sid) for sid in network["subnets"])
               if subnet is not None and subnet["ip_version"] in versions]
    if not subnets:
        raise BadRequest(msg=f"Network {network['id']} does not contain any IPv4 subnet")
    if subnet_id is None:
        return subnets
    chosen = [subnet for subnet in subnets if subnet["id"] == subnet_id]
    if not chosen:
        raise InvalidInput(error_message=f"Failed to create port on network {network['id']}, because "
                                         f"fixed_ips included invalid subnet {subnet_id}")
    return chosen


def _taken(store: Store, network_id: str, floating: Set[str]) -> Set[str]:
    # Servers booted straight onto the external network (admins may) hold addresses in the same pool.
    held = set(floating)
    held.update(address for server in store.list("server") if not server.deleted
                for nic in server.nics if nic.network_id == network_id for _, address in nic.ips)
    held.update(router_ports.gateway_addresses(store, network_id))
    return held


def _pool(subnet: Mapping[str, Any]) -> Iterator[str]:
    """The subnet's usable addresses in order: every host address but the gateway."""
    gateway = subnet.get("gateway_ip")
    return (str(host) for host in ipaddress.ip_network(subnet["cidr"]).hosts() if str(host) != gateway)


def allocate(store: Store, network: Mapping[str, Any], subnet_id: Optional[str], wanted: Optional[str],
             floating: Set[str], versions: Tuple[int, ...] = (4,)) -> Tuple[str, str]:
    """(subnet id, address): the requested address if free, else the first free one of the pools.

    :param floating: the addresses the network's floating IPs hold.
    """
    subnets = _ipv4_subnets(store, network, subnet_id, versions)
    taken = _taken(store, network["id"], floating)
    check = neutron_ports.alive(store)

    def held(subnet: Mapping[str, Any], address: str) -> bool:
        # Ports (router gateways among them) and floating IPs hold addresses through IPAM's records.
        return address in taken or ipam.holder(store, subnet["id"], address, check) is not None
    if wanted:
        return _claim(subnets, held, wanted)
    for subnet in subnets:
        free = next((address for address in _pool(subnet) if not held(subnet, address)), None)
        if free is not None:
            return subnet["id"], free
    raise IpAddressGenerationFailure(net_id=network["id"])


def _is_host(cidr: str, address: Any) -> bool:
    network = ipaddress.ip_network(cidr)
    if address not in network:
        return False
    # As ``hosts()`` does: tiny IPv4 networks (/31, /32) have no network or broadcast address to spare.
    return network.num_addresses <= 2 or address not in (network.network_address, network.broadcast_address)


def _claim(subnets: List[Mapping[str, Any]], held: Callable[[Mapping[str, Any], str], bool],
           wanted: str) -> Tuple[str, str]:
    ip = ipaddress.ip_address(wanted)
    address = str(ip)
    for subnet in subnets:
        if _is_host(subnet["cidr"], ip):
            # The gateway belongs to router1's interface, so it counts as allocated.
            if held(subnet, address) or address == subnet.get("gateway_ip"):
                raise IpAddressAlreadyAllocated(ip=address, subnet_id=subnet["id"])
            return subnet["id"], address
    raise InvalidIpForNetwork(ip_address=address)
