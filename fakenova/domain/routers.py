"""Neutron routers, sans-IO: the external gateway and the interfaces, with ``l3_db.py``'s checks and words.

A router record (kind ``router``) keeps what Neutron keeps in its gateway port and router ports: the gateway's
network, SNAT flag and external addresses (``external_gateway_info``), and its interfaces as
``_interfaces`` (port id, network, subnet, address). Each gateway and interface also exists as a port record
(kind ``port``, device owner ``network:router_gateway`` / ``network:router_interface``), so ``GET /ports``
shows them; :mod:`.router_ports` makes and removes those. Floating IPs ask :func:`router_for` which router
joins a port's subnet to their external network (Neutron's ``_get_router_for_floatingip``).
"""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import errors
from . import router_ports as ports
from .context import Identity, RequestContext
from .ports import Store

KIND = "router"
Record = Dict[str, Any]


class RouterNotFound(errors.NotFound):
    msg_fmt = "Router {router_id} could not be found"


class RouterInUse(errors.Conflict):
    msg_fmt = "Router {router_id} {reason}"


class RouterInterfaceNotFound(errors.NotFound):
    msg_fmt = "Router {router_id} does not have an interface with id {port_id}"


class RouterInterfaceNotFoundForSubnet(errors.NotFound):
    msg_fmt = "Router {router_id} has no interface on subnet {subnet_id}"


class RouterInterfaceInUseByFloatingIP(errors.Conflict):
    msg_fmt = ("Router interface for subnet {subnet_id} on router {router_id} cannot be deleted, as it is "
               "required by one or more floating IPs.")


class RouterExternalGatewayInUseByFloatingIp(errors.Conflict):
    msg_fmt = ("Gateway cannot be updated for router {router_id}, since a gateway to external network {net_id} "
               "is required by one or more floating IPs.")


class BadRequest(errors.BadRequest):
    msg_fmt = "Bad router request: {msg}."


class IpAddressAlreadyAllocated(errors.Conflict):
    msg_fmt = "IP address {ip} already allocated in subnet {subnet_id}"


class SubnetMismatchForPort(errors.BadRequest):
    msg_fmt = "Subnet on port {port_id} does not match the requested subnet {subnet_id}."


class NetworkNotFound(errors.NotFound):
    msg_fmt = "Network {net_id} could not be found."


class SubnetNotFound(errors.NotFound):
    msg_fmt = "Subnet {subnet_id} could not be found."


# --- reads ------------------------------------------------------------------------------------------------


def is_external(network: Mapping[str, Any]) -> bool:
    return bool(network.get("router:external", network.get("external")))


def interfaces(router: Mapping[str, Any]) -> List[Record]:
    return list(router.get("_interfaces") or ())


def router_for(store: Store, subnet_id: str, external_network_id: str) -> Optional[str]:
    """The router with an interface on ``subnet_id`` and its gateway on ``external_network_id``, if any."""
    for router in store.list(KIND):
        gateway = router.get("external_gateway_info") or {}
        if gateway.get("network_id") == external_network_id and any(
                item["subnet_id"] == subnet_id for item in interfaces(router)):
            return str(router["id"])
    return None


def _floating_ips(store: Store, router_id: str) -> List[Any]:
    """The floating IPs associated through the router (an association whose port is gone does not count:
    Neutron disassociates a floating IP when its port is deleted)."""
    return [fip for fip in store.list("floatingip") if getattr(fip, "router_id", None) == router_id
            and fip.port_id is not None and store.get(ports.KIND, fip.port_id) is not None]


# --- the gateway ------------------------------------------------------------------------------------------


def _network(store: Store, network_id: str) -> Mapping[str, Any]:
    network = store.get("network", network_id)
    if network is None:
        raise NetworkNotFound(net_id=network_id)
    return network


def _gateway_ips(store: Store, network: Mapping[str, Any], wanted: Sequence[Mapping[str, Any]],
                 router_id: str) -> List[Record]:
    subnets = [store.get("subnet", sid) for sid in network.get("subnets", ())]
    for ip in wanted:
        if any(subnet and ip.get("ip_address") == subnet.get("gateway_ip") for subnet in subnets):
            raise BadRequest(msg=f"External IP {ip['ip_address']} is the same as the gateway IP")
    return ports.external_ips(store, network, list(wanted) or None, router_id)


def set_gateway(store: Store, ctx: RequestContext, router: Record, info: Optional[Mapping[str, Any]]) -> Record:
    """The router with its gateway set, moved or cleared (``info`` None or ``{}``), gateway port included."""
    current = router.get("external_gateway_info") or None
    network_id = (info or {}).get("network_id")
    if current and current["network_id"] != network_id and _floating_ips(store, router["id"]):
        raise RouterExternalGatewayInUseByFloatingIp(router_id=router["id"], net_id=current["network_id"])
    if not network_id:
        ports.remove(store, router.get("_gw_port_id"))
        return {**router, "external_gateway_info": None, "_gw_port_id": None}
    network = _network(store, network_id)
    if not is_external(network):
        raise BadRequest(msg=f"Network {network_id} is not an external network")
    wanted = info.get("external_fixed_ips") or [] if info else []
    snat = info.get("enable_snat", True) if info else True
    if current and current["network_id"] == network_id and not wanted:
        fixed = current["external_fixed_ips"]
    else:
        ports.remove(store, router.get("_gw_port_id"))
        fixed = _gateway_ips(store, network, wanted, router["id"])
    gw_port = router.get("_gw_port_id") if current and current["network_id"] == network_id and not wanted \
        else None
    gw_port = gw_port or ports.make(store, ctx, router, network_id, fixed, ports.GATEWAY)
    gateway = {"network_id": network_id, "enable_snat": bool(snat), "external_fixed_ips": fixed}
    return {**router, "external_gateway_info": gateway, "_gw_port_id": gw_port}


# --- interfaces -----------------------------------------------------------------------------------------


def _check_info(info: Any, *, removing: bool) -> None:
    if not isinstance(info, dict) or not ("port_id" in info or "subnet_id" in info):
        raise BadRequest(msg="Either subnet_id or port_id must be specified")
    for key in ("port_id", "subnet_id"):
        if key in info:
            try:
                uuid.UUID(str(info[key]))
            except ValueError:
                raise BadRequest(msg=f"'{info[key]}' is not a valid UUID") from None
    if not removing and "port_id" in info and "subnet_id" in info:
        raise BadRequest(msg="Cannot specify both subnet-id and port-id")


def _subnet(store: Store, subnet_id: str) -> Mapping[str, Any]:
    subnet = store.get("subnet", subnet_id)
    if subnet is None:
        raise SubnetNotFound(subnet_id=subnet_id)
    return subnet


def _check_new_subnet(store: Store, router: Mapping[str, Any], subnet: Mapping[str, Any]) -> None:
    import ipaddress
    new = ipaddress.ip_network(subnet["cidr"])
    for item in interfaces(router):
        if item["subnet_id"] == subnet["id"]:
            raise BadRequest(msg=f"Router already has a port on subnet {subnet['id']}")
        old = store.get("subnet", item["subnet_id"])
        if old and ipaddress.ip_network(old["cidr"]).overlaps(new):
            raise BadRequest(msg=f"Cidr {subnet['cidr']} of subnet {subnet['id']} overlaps with cidr "
                                 f"{old['cidr']} of subnet {old['id']}")


def info_body(router: Mapping[str, Any], item: Mapping[str, Any]) -> Record:
    """The answer to add/remove_router_interface (``_make_router_interface_info``)."""
    return {"id": router["id"], "tenant_id": router["project_id"], "project_id": router["project_id"],
            "port_id": item["port_id"], "network_id": item["network_id"], "subnet_id": item["subnet_id"],
            "subnet_ids": [item["subnet_id"]]}


def add_interface(store: Store, ctx: RequestContext, router: Record, info: Any) -> Record:
    """Attach a subnet (a new port on its gateway address) or an existing port; returns the interface."""
    _check_info(info, removing=False)
    if "subnet_id" in info:
        subnet = _subnet(store, info["subnet_id"])
        if not subnet.get("gateway_ip"):
            raise BadRequest(msg="Subnet for router interface must have a gateway IP")
        network = _network(store, subnet["network_id"])
        if subnet.get("project_id", network.get("project_id")) != ctx.project_id and not ctx.is_admin \
                and not network.get("shared"):
            raise BadRequest(msg=f"Cannot add interface to router because subnet {subnet['id']} is not owned "
                                 "by project making the request")
        _check_new_subnet(store, router, subnet)
        if any(item["subnet_id"] == subnet["id"] and item["ip_address"] == subnet["gateway_ip"]
               for other in store.list(KIND) for item in interfaces(other)):
            raise IpAddressAlreadyAllocated(ip=subnet["gateway_ip"], subnet_id=subnet["id"])
        fixed = [{"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]}]
        port_id = ports.make(store, ctx, router, subnet["network_id"], fixed, ports.INTERFACE)
    else:
        port_id, fixed = ports.adopt(store, router, info["port_id"])
        subnet = _subnet(store, fixed[0]["subnet_id"])
        _check_new_subnet(store, router, subnet)
    item = {"port_id": port_id, "network_id": subnet["network_id"], "subnet_id": subnet["id"],
            "ip_address": fixed[0]["ip_address"]}
    return item


def _in_use_by_fips(store: Store, router: Mapping[str, Any], subnet_id: str) -> None:
    for fip in _floating_ips(store, router["id"]):
        port = store.get(ports.KIND, fip.port_id)
        if port and any(ip["subnet_id"] == subnet_id for ip in port.get("fixed_ips") or ()):
            raise RouterInterfaceInUseByFloatingIP(router_id=router["id"], subnet_id=subnet_id)


def remove_interface(store: Store, router: Record, info: Any) -> Record:
    """Detach by port or subnet (the port must be on the subnet when both are given); returns the interface."""
    _check_info(info, removing=True)
    if "port_id" in info:
        item = next((i for i in interfaces(router) if i["port_id"] == info["port_id"]), None)
        if item is None:
            raise RouterInterfaceNotFound(router_id=router["id"], port_id=info["port_id"])
        if "subnet_id" in info and info["subnet_id"] != item["subnet_id"]:
            raise SubnetMismatchForPort(port_id=info["port_id"], subnet_id=info["subnet_id"])
    else:
        _subnet(store, info["subnet_id"])
        item = next((i for i in interfaces(router) if i["subnet_id"] == info["subnet_id"]), None)
        if item is None:
            raise RouterInterfaceNotFoundForSubnet(router_id=router["id"], subnet_id=info["subnet_id"])
    _in_use_by_fips(store, router, item["subnet_id"])
    ports.remove(store, item["port_id"])
    return item


def check_delete(router: Mapping[str, Any]) -> None:
    """A router with interfaces is in use (Neutron's ``_ensure_router_not_in_use``)."""
    attached = [item["port_id"] for item in interfaces(router)]
    if attached:
        raise RouterInUse(router_id=router["id"], reason="has ports still attached: " + ", ".join(attached))


def seed(store: Store, spec: Mapping[str, Any], project_id: str, now: float) -> None:
    """Store a router given in the fixtures' shape (``routers.yaml``): gateway and interfaces included."""
    from .neutron_resource import new_record
    from .router_resources import ROUTER
    ctx = RequestContext(Identity("seed", "seed", project_id, project_id, ("admin",)), now=now)
    record = new_record(ROUTER, spec["id"], {"name": spec.get("name", ""), "project_id": project_id,
                                             "tenant_id": project_id}, now)
    record.update(status="ACTIVE", availability_zones=["nova"], _interfaces=[], _gw_port_id=None,
                  external_gateway_info=None)
    record = set_gateway(store, ctx, record, spec.get("external_gateway_info"))
    for info in spec.get("interfaces", ()):
        record = {**record, "_interfaces": [*interfaces(record), add_interface(store, ctx, record, dict(info))]}
    store.put(KIND, record["id"], record, project=project_id)
