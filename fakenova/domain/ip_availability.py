"""Neutron's network IP availability (admin), sans-IO: per network and subnet, the addresses of the allocation
pools (``total_ips``) and those held by live ports (``used_ips``), as ``network_ip_availability_db`` counts."""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, List, Mapping, Sequence

from . import ipam
from .neutron_errors import HTTPBadRequest, NetworkNotFound
from .neutron_ports import alive
from .ports import Store

FILTERS = ("network_id", "network_name", "project_id", "tenant_id", "ip_version")


def _subnet_body(store: Store, subnet: Mapping[str, Any], check: Any) -> Dict[str, Any]:
    used = sum(1 for row in store.list(ipam.KIND) if row["subnet_id"] == subnet["id"] and check(row["port_id"]))
    total = sum(int(ipaddress.ip_address(p["end"])) - int(ipaddress.ip_address(p["start"])) + 1
                for p in subnet.get("allocation_pools") or ipam.default_pools(subnet["cidr"], subnet.get("gateway_ip")))
    return {"subnet_id": subnet["id"], "ip_version": subnet["ip_version"], "cidr": subnet["cidr"],
            "subnet_name": subnet.get("name", ""), "used_ips": used, "total_ips": total}


def network_body(store: Store, network: Mapping[str, Any]) -> Dict[str, Any]:
    check = alive(store)
    subnets = [_subnet_body(store, subnet, check) for subnet in store.list("subnet")
               if subnet["network_id"] == network["id"]]
    return {"network_id": network["id"], "network_name": network.get("name", ""),
            "project_id": network.get("project_id", ""), "tenant_id": network.get("project_id", ""),
            "subnet_ip_availability": subnets, "used_ips": sum(s["used_ips"] for s in subnets),
            "total_ips": sum(s["total_ips"] for s in subnets)}


def listed(store: Store, args: Mapping[str, Sequence[str]]) -> List[Dict[str, Any]]:
    """Every network's availability, filtered (400 for an unknown filter, as filter-validation answers)."""
    bodies = [network_body(store, network) for network in store.list("network")]
    for name, values in args.items():
        if name == "fields":
            continue
        if name not in FILTERS:
            raise HTTPBadRequest(f"[{name}] is invalid attribute for filtering")
        if name == "ip_version":
            bodies = [b for b in bodies if any(str(s["ip_version"]) in values for s in b["subnet_ip_availability"])]
        else:
            bodies = [b for b in bodies if str(b[name]) in values]
    return bodies


def shown(store: Store, network_id: str) -> Dict[str, Any]:
    network = store.get("network", network_id)
    if network is None:
        raise NetworkNotFound(net_id=network_id)
    return network_body(store, network)
