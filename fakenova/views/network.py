"""Neutron bodies for floating IPs and the port details they repeat (networks, subnets and ports render from
their attribute tables: ``fakenova.domain.neutron_resource.view``)."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ..domain.floating_ips import FloatingIp
from ..domain.models import Nic, Server
from .common import isotime

Record = Mapping[str, Any]


def _times(created: float) -> Dict[str, Any]:
    stamp = isotime(created)
    return {"created_at": stamp, "updated_at": stamp, "revision_number": 1}


def _owner(project_id: str) -> Dict[str, str]:
    return {"project_id": project_id, "tenant_id": project_id}


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


def floatingip_body(fip: FloatingIp, bound: Optional[Record]) -> Dict[str, Any]:
    """A floating IP as ``GET /v2.0/floatingips/{id}`` shows it; association fields come from the live port.

    :param bound: the port record behind it now (``floating_ips.binding``), or None.
    """
    details = {key: bound.get(key) for key in PORT_DETAILS} if bound is not None else None
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
