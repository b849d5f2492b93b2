"""The ports a router owns: its gateway port on an external network and its interface ports.

They are port records (kind ``port``) in the shape of Neutron's port attribute map, so the ports API lists
them; their ids and MACs are derived from the router and address, so making one needs no id source. External
addresses come from the floating IP pool logic (:func:`fakenova.domain.floating_ips.allocate_address`), so a
gateway and a floating IP never share an address.
"""
from __future__ import annotations

import hashlib
import uuid
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import errors, neutron_ports
from .context import RequestContext
from .ports import Store

KIND = "port"
GATEWAY = "network:router_gateway"
INTERFACE = "network:router_interface"
_PORTS = uuid.UUID("3f1d2c4b-5a69-4e7d-8c0b-1a2b3c4d5e6f")


class PortNotFound(errors.NotFound):
    msg_fmt = "Port {port_id} could not be found."


class PortInUse(errors.Conflict):
    msg_fmt = ("Unable to complete operation on port {port_id} for network {net_id}. Port already has an "
               "attached device {device_id}.")


class BadRequest(errors.BadRequest):
    msg_fmt = "Bad router request: {msg}."


def _mac(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "fa:16:3e:" + ":".join(f"{byte:02x}" for byte in digest[:3])


def make(store: Store, ctx: RequestContext, router: Mapping[str, Any], network_id: str,
         fixed_ips: List[Dict[str, str]], owner: str) -> str:
    """Store the router's port on ``network_id`` with ``fixed_ips`` (taken through IPAM); returns its id."""
    seed = f"{router['id']}/{owner}/{network_id}/{fixed_ips[0]['ip_address'] if fixed_ips else ''}"
    port_id = str(uuid.uuid5(_PORTS, seed))
    project = "" if owner == GATEWAY else router["project_id"]
    item = {"network_id": network_id, "project_id": project, "tenant_id": project, "fixed_ips": fixed_ips,
            "device_id": router["id"], "device_owner": owner, "port_security_enabled": False,
            "security_groups": []}
    neutron_ports.new_port(store, ctx, port_id, _mac(seed), item)
    return port_id


def remove(store: Store, port_id: Optional[str]) -> None:
    """Delete a router's port, releasing its addresses."""
    record = store.get(KIND, port_id) if port_id else None
    if record is not None:
        neutron_ports.release(store, record)
        store.delete(KIND, record["id"])


def adopt(store: Store, router: Mapping[str, Any], port_id: str) -> Tuple[str, List[Dict[str, str]]]:
    """Make an existing, unattached port one of the router's interfaces (``_add_interface_by_port``)."""
    port = store.get(KIND, port_id)
    if not isinstance(port, dict):
        raise PortNotFound(port_id=port_id)
    if port.get("device_id"):
        raise PortInUse(net_id=port["network_id"], port_id=port_id, device_id=port["device_id"])
    if not port.get("fixed_ips"):
        raise BadRequest(msg="Router port must have at least one fixed IP")
    store.put(KIND, port_id, {**port, "device_id": router["id"], "device_owner": INTERFACE},
              project=port.get("project_id"))
    return port_id, list(port["fixed_ips"])


def external_ips(store: Store, network: Mapping[str, Any], wanted: Optional[List[Mapping[str, Any]]],
                 router_id: str) -> List[Dict[str, str]]:
    """The gateway's addresses on the external network: the wanted ones, else the first free one."""
    from .floating_ips import allocate_address
    if not wanted:
        subnet_id, address = allocate_address(store, network, None, None)
        return [{"subnet_id": subnet_id, "ip_address": address}]
    found = []
    for ip in wanted:
        subnet_id, address = allocate_address(store, network, ip.get("subnet_id"), ip.get("ip_address"))
        found.append({"subnet_id": subnet_id, "ip_address": address})
    return found


def gateway_addresses(store: Store, network_id: str) -> List[str]:
    """Addresses routers' gateways hold on an external network (the floating IP pool skips them)."""
    return [ip["ip_address"] for router in store.list("router")
            for ip in ((router.get("external_gateway_info") or {}).get("external_fixed_ips") or ())
            if (router.get("external_gateway_info") or {}).get("network_id") == network_id]
