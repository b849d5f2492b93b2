"""Neutron bodies: networks, subnets, the ports derived from servers' NICs, and floating IPs."""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..domain.floating_ips import FloatingIp
from ..domain.models import Nic, Server
from .common import isotime

Record = Mapping[str, Any]


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


#: The port attributes a floating IP repeats as ``port_details``.
PORT_DETAILS = ("name", "network_id", "mac_address", "admin_state_up", "status", "device_id", "device_owner")


def floatingip_body(fip: FloatingIp, bound: Optional[Tuple[Server, Nic]]) -> Dict[str, Any]:
    """A floating IP as ``GET /v2.0/floatingips/{id}`` shows it; association fields come from the live port.

    :param bound: the server and NIC behind its port now (``floating_ips.binding``), or None.
    """
    details = None
    if bound is not None:
        port = port_body(bound[0], bound[1], is_admin=False)
        details = {key: port[key] for key in PORT_DETAILS}
    return {
        "id": fip.id, "tenant_id": fip.project_id, "project_id": fip.project_id,
        "floating_ip_address": fip.floating_ip_address, "floating_network_id": fip.floating_network_id,
        "router_id": fip.router_id if bound else None,
        "port_id": fip.port_id if bound else None,
        "fixed_ip_address": fip.fixed_ip_address if bound else None,
        "status": "ACTIVE" if bound else "DOWN", "description": fip.description,
        "dns_domain": "", "dns_name": "", "port_details": details, "qos_policy_id": None, "tags": [],
        "created_at": isotime(fip.created_at), "updated_at": isotime(fip.updated_at),
        "revision_number": fip.revision_number,
    }
