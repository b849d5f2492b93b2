"""Neutron ports: one stored record per port, read by Neutron's ``/ports`` and Nova's server NICs alike.

A port's fixed addresses come from :mod:`fakenova.domain.ipam`. Its binding is derived from the server
named by ``device_id``: while that server lives the port is bound (``binding:host_id`` its host, status
ACTIVE); once the server is deleted, a port Nova made for it (``_nova`` in the record) is gone, as Nova
deletes it, and a port the user made reads unbound (``device_id`` "", binding cleared), as Nova leaves it.
So a server delete, however it completes, needs no port bookkeeping.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import ipam
from . import neutron_validators as v
from .context import RequestContext
from .models import Nic, Server, evolve
from .neutron_errors import (
    HTTPNotFound,
    InvalidInput,
    InvalidIpForNetwork,
    InvalidIpForSubnet,
    IpAddressGenerationFailure,
    MacAddressInUse,
    NetworkNotFound,
    PortNotFound,
    SecurityGroupNotFound,
    ServicePortInUse,
    SubnetNotFound,
)
from .neutron_networks import SUBNET_PLUGIN, network_record, network_target
from .neutron_plugin import StoredPlugin
from .neutron_resource import REQUIRED, UNSET, Attr, Record, definition, new_record
from .ports import Runtime, Store
from .security_groups import ensure_default_for, group_id
from .security_groups import find as find_group

VNIC_TYPES = ("normal", "direct", "macvtap", "baremetal", "direct-physical", "virtio-forwarder", "smart-nic",
              "vdpa", "accelerator-direct", "accelerator-direct-physical", "remote-managed")
#: the record key marking a port Nova created for a server (deleted with it)
NOVA = "_nova"

PORT = definition("port", "ports", not_found=lambda i: PortNotFound(port_id=i), attrs=(
    Attr("network_id", post=True, default=REQUIRED, validate=v.is_uuid),
    Attr("admin_state_up", post=True, put=True, default=True, convert=v.to_boolean),
    Attr("mac_address", post=True, put=True, default=UNSET, validate=v.mac_address, enforce_policy=True),
    Attr("fixed_ips", post=True, put=True, default=UNSET, validate=v.fixed_ips, enforce_policy=True,
         is_sort_key=False),
    Attr("device_id", post=True, put=True, default="", validate=v.string(v.DEVICE_ID_LEN), enforce_policy=True),
    Attr("device_owner", post=True, put=True, default="", validate=v.string(v.DEVICE_OWNER_LEN),
         enforce_policy=True),
    Attr("status"),
    Attr("security_groups", post=True, put=True, default=UNSET, convert=v.none_to_empty_list,
         validate=v.list_of(v.is_uuid), is_sort_key=False),
    Attr("allowed_address_pairs", post=True, put=True, default=[], convert=v.none_to_empty_list,
         validate=v.address_pairs, enforce_policy=True, is_sort_key=False),
    Attr("port_security_enabled", post=True, put=True, default=UNSET, convert=v.to_boolean, enforce_policy=True),
    Attr("dns_name", post=True, put=True, default="", validate=v.string(255)),
    Attr("dns_assignment", is_filter=False, is_sort_key=False),
    Attr("binding:host_id", post=True, put=True, default="", validate=v.string(255), enforce_policy=True),
    Attr("binding:profile", post=True, put=True, default={}, convert=v.none_to_empty_dict,
         validate=v.dict_or_empty, enforce_policy=True, is_sort_key=False),
    Attr("binding:vnic_type", post=True, put=True, default="normal", validate=v.values(*VNIC_TYPES),
         enforce_policy=True),
    Attr("binding:vif_type"), Attr("binding:vif_details", is_sort_key=False),
))


def _server(store: Store, record: Mapping[str, Any]) -> Optional[Server]:
    if not str(record.get("device_owner") or "").startswith("compute:") or not record.get("device_id"):
        return None
    return store.get("server", record["device_id"])


def _bound_to_dead_server(store: Store, record: Mapping[str, Any]) -> bool:
    if not str(record.get("device_owner") or "").startswith("compute:") or not record.get("device_id"):
        return False
    server = store.get("server", record["device_id"])
    return server is None or server.deleted


def count_existing(store: Store, project_id: str) -> int:
    """How many of the project's ports exist (its quota usage): every stored one but those Nova made for a
    server that is gone. The project's servers are read at once (two reads, not one per port); a port whose
    server is not among them (an admin's attach to another project's server) is looked up on its own."""
    records = store.list(PORT.kind, project_id)
    novas = [record for record in records if record.get(NOVA) and _server_id(record)]
    if not novas:
        return len(records)
    servers = {server.id: server for server in store.list("server", project_id)}
    gone = sum(1 for record in novas if _gone(store, servers.get(record["device_id"]), record))
    return len(records) - gone


def _server_id(record: Mapping[str, Any]) -> Optional[str]:
    owned = str(record.get("device_owner") or "").startswith("compute:")
    return record.get("device_id") or None if owned else None


def _gone(store: Store, server: Optional[Server], record: Mapping[str, Any]) -> bool:
    return _bound_to_dead_server(store, record) if server is None else server.deleted


def current(store: Store, record: Record) -> Optional[Record]:
    """The port as it reads now (None when Nova deleted it with its server)."""
    if _bound_to_dead_server(store, record):
        if record.get(NOVA):
            return None
        record = {**record, **UNBOUND}
    server = _server(store, record)
    host = (server.host or "") if server is not None else record.get("binding:host_id") or ""
    bound = bool(host)
    dns = [{"hostname": record.get("dns_name") or f"host-{ip['ip_address'].replace('.', '-').replace(':', '-')}",
            "ip_address": ip["ip_address"], "fqdn": ""} for ip in record["fixed_ips"]]
    return {**record, "binding:host_id": host, "binding:vif_type": "ovs" if bound else "unbound",
            "binding:vif_details": {"port_filter": True, "connectivity": "l2"} if bound else {},
            "status": "ACTIVE" if record.get("device_id") else "DOWN", "dns_assignment": dns}


#: what a port the user made looks like once its server is gone (Nova unbinds it)
UNBOUND: Mapping[str, Any] = {"device_id": "", "device_owner": "", "binding:host_id": "", "binding:profile": {}}


#: the kind of a floating IP, which holds its address through an allocation record as a port does
FLOATING_IP = "floatingip"
#: device owners of the ports the L3 plugin owns (``l3_db``'s ``router_device_owners``) -> the kind of the
#: device that must still exist for ``DELETE /ports/{id}`` to be refused (``prevent_l3_port_deletion``)
L3_OWNERS: Mapping[str, str] = {
    "network:ha_router_replicated_interface": "router",
    "network:router_interface": "router",
    "network:router_gateway": "router",
    "network:floatingip": FLOATING_IP,
}


def _port_alive(store: Store) -> ipam.Alive:
    def check(port_id: str) -> bool:
        record = store.get(PORT.kind, port_id)
        return record is not None and current(store, record) is not None
    return check


def alive(store: Store) -> ipam.Alive:
    """Whether an allocation's holder still exists: a port, or a floating IP (Neutron backs each with a port)."""
    port = _port_alive(store)
    return lambda holder_id: port(holder_id) or store.get(FLOATING_IP, holder_id) is not None


def ports_on_network(store: Store, net_id: str) -> List[Record]:
    found = (current(store, record) for record in store.list(PORT.kind) if record["network_id"] == net_id)
    return [record for record in found if record is not None]


def address_holder(store: Store, network: Mapping[str, Any], address: str) -> Optional[Record]:
    """The live port holding ``address`` on one of the network's subnets, if any."""
    check = alive(store)
    for subnet in _subnets(store, network):
        if ipam.in_subnet(address, subnet):
            port_id = ipam.holder(store, subnet["id"], address, check)
            if port_id is not None:
                found = store.get(PORT.kind, port_id)
                return current(store, found) if found is not None else None
    return None


def _subnets(store: Store, network: Mapping[str, Any]) -> List[Record]:
    found = (store.get("subnet", sid) for sid in network["subnets"])
    return [full for full in (SUBNET_PLUGIN.effective(store, subnet) for subnet in found if subnet) if full]


def _subnet_for(store: Store, fixed: Mapping[str, Any], subnets: Sequence[Record], net_id: str) -> Record:
    """Neutron's ``_get_subnet_for_fixed_ip``."""
    if not subnets:
        raise InvalidInput(error_message="IP allocation requires subnets for network")
    if "subnet_id" in fixed:
        subnet = next((s for s in subnets if s["id"] == fixed["subnet_id"]), None)
        if subnet is None:
            if store.get("subnet", fixed["subnet_id"]) is None:
                raise SubnetNotFound(subnet_id=fixed["subnet_id"])
            raise InvalidInput(error_message=f"Failed to create port on network {net_id}, because fixed_ips "
                                             f"included invalid subnet {fixed['subnet_id']}")
        if "ip_address" in fixed and not ipam.in_subnet(fixed["ip_address"], subnet):
            raise InvalidIpForSubnet(ip_address=fixed["ip_address"])
        return subnet
    if "ip_address" not in fixed:
        raise InvalidInput(error_message="IP allocation requires subnet_id or ip_address")
    for subnet in subnets:
        if ipam.in_subnet(fixed["ip_address"], subnet):
            return subnet
    raise InvalidIpForNetwork(ip_address=fixed["ip_address"])


def allocate(store: Store, network: Mapping[str, Any], port_id: str, requested: Optional[List[Dict[str, Any]]],
             mac: str, *, lenient: bool = False) -> List[Dict[str, str]]:
    """Fixed IPs for a port: the requested ones (by subnet and/or address), else one from the first subnet of
    each IP version and one on every IPv6 auto-address (SLAAC) subnet, whose address comes from the MAC.

    :param lenient: when a subnet is full, reuse an address rather than fail (Nova's own ports, so a fleet of
        thousands of servers fits on devstack's small private subnet).
    """
    subnets = _subnets(store, network)
    check = alive(store)
    if requested is None:
        firsts: Dict[Any, Record] = {}
        for subnet in subnets:
            firsts.setdefault(subnet["id"] if ipam.auto_address(subnet) else subnet["ip_version"], subnet)
        requested = [{"subnet_id": subnet["id"]} for subnet in firsts.values()]
    allocated = []
    for fixed in requested:
        subnet = _subnet_for(store, fixed, subnets, network["id"])
        if "ip_address" in fixed:
            address = ipam.take(store, subnet, str(fixed["ip_address"]), port_id, check)
        elif ipam.auto_address(subnet):
            address = ipam.take(store, subnet, ipam.eui64(subnet["cidr"], mac), port_id, check)
        else:
            found = ipam.next_free(store, subnet, port_id, check)
            if found is None and lenient:
                found = ipam.default_pools(subnet["cidr"], subnet.get("gateway_ip"))[0]["start"]
            if found is None:
                raise IpAddressGenerationFailure(net_id=network["id"])
            address = found
        allocated.append({"subnet_id": subnet["id"], "ip_address": address})
    return allocated


def drop_subnet(store: Store, subnet_id: str, now: float) -> None:
    """Remove a deleted subnet's addresses from the ports that held them."""
    check = _port_alive(store)
    for port_id in ipam.in_use(store, subnet_id, check):
        def change(record: Record) -> Record:
            kept = [ip for ip in record["fixed_ips"] if ip["subnet_id"] != subnet_id]
            release(store, record, keep=kept)
            return {**record, "fixed_ips": kept, "updated_at": now, "revision_number": record["revision_number"] + 1}
        store.compute(PORT.kind, port_id, change, touches=(ipam.KIND,))


def release(store: Store, record: Mapping[str, Any], keep: Sequence[Mapping[str, Any]] = ()) -> None:
    kept = {(ip["subnet_id"], ip["ip_address"]) for ip in keep}
    for ip in record.get("fixed_ips") or ():
        if (ip["subnet_id"], ip["ip_address"]) not in kept:
            ipam.release(store, ip["subnet_id"], ip["ip_address"], record["id"])


def _check_groups(store: Store, record: Mapping[str, Any]) -> None:
    for gid in record["security_groups"]:
        if gid != group_id(record["project_id"], "default") and find_group(store, record["project_id"], gid) is None:
            raise SecurityGroupNotFound(id=gid)


def new_port(store: Store, ctx: RequestContext, port_id: str, mac: str, item: Mapping[str, Any],
             *, lenient: bool = False) -> Record:
    """Allocate addresses and store a port from a prepared body (``mac_address`` filled by the caller)."""
    network = network_record(store, item["network_id"])
    if network is None:
        raise NetworkNotFound(net_id=item["network_id"])
    ensure_default_for(store, ctx, item.get("project_id"))
    given = item.get("mac_address")
    if given is not None and any(p["mac_address"] == given for p in ports_on_network(store, network["id"])):
        raise MacAddressInUse(net_id=network["id"], mac=given)
    with store.atomically():
        fixed = allocate(store, network, port_id, item.get("fixed_ips"), given or mac, lenient=lenient)
        record = new_record(PORT, port_id, item, ctx.now)
        record.update(mac_address=given or mac, fixed_ips=fixed)
        if record.get("port_security_enabled") is None:
            record["port_security_enabled"] = network["port_security_enabled"]
        if record.get("security_groups") is None:  # Neutron puts a port in its project's default group
            record["security_groups"] = [group_id(record["project_id"], "default")] \
                if record["port_security_enabled"] else []
        _check_groups(store, record)
        store.put(PORT.kind, port_id, record, project=record["project_id"])
    return record


class PortPlugin(StoredPlugin):
    touches = (ipam.KIND, ipam.CURSOR, "server")
    prefilter = frozenset({"id", "network_id", "device_id", "device_owner", "mac_address", "name", "project_id"})
    indexed = frozenset({"device_id"})  # Nova asks for a server's ports by device_id on every look
    quota = "port"

    def target(self, store: Store, record: Mapping[str, Any]) -> Dict[str, Any]:
        return network_target(store, record)

    def effective(self, store: Store, record: Record) -> Optional[Record]:
        return current(store, record)

    def authorize_create(self, store: Store, ctx: RequestContext, item: Record) -> None:
        network = network_record(store, item["network_id"])
        if network is None:
            raise NetworkNotFound(net_id=item["network_id"])
        if not ctx.is_admin and not network["shared"] and network["project_id"] != item["project_id"]:
            raise HTTPNotFound()  # Neutron hides another project's network this way
        super().authorize_create(store, ctx, item)

    def make(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        record = new_port(runtime.store, ctx, runtime.ids.uuid(), runtime.ids.mac(), item)
        return current(runtime.store, record) or record

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        store = runtime.store
        if "fixed_ips" in changes:
            network = network_record(store, record["network_id"]) or {"id": record["network_id"], "subnets": []}
            with store.atomically():
                fixed = allocate(store, network, record["id"], changes["fixed_ips"], record["mac_address"])
                release(store, record, keep=fixed)
            changes = {**changes, "fixed_ips": fixed}
        if changes.get("security_groups"):
            _check_groups(store, {**record, **changes})
        mac = changes.get("mac_address")
        if mac is not None and mac != record["mac_address"] and any(
                p["mac_address"] == mac for p in ports_on_network(store, record["network_id"])):
            raise MacAddressInUse(net_id=record["network_id"], mac=mac)
        return changes

    def update(self, runtime: Runtime, ctx: RequestContext, rid: str, changes: Record) -> Record:
        found = runtime.store.get(PORT.kind, rid)
        if found is not None:
            ensure_default_for(runtime.store, ctx, found.get("project_id"))
        record = super().update(runtime, ctx, rid, changes)
        sync_server(runtime.store, record, ctx.now)
        return self.effective(runtime.store, record) or record

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        """A router's or floating IP's port goes through their own API while they exist (409)."""
        owner = record.get("device_owner") or ""
        device = L3_OWNERS.get(owner)
        if device is not None and runtime.store.get(device, record.get("device_id") or "") is not None:
            raise ServicePortInUse(port_id=record["id"], reason=f"has device owner {owner}")

    def after_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        release(runtime.store, record)
        sync_server(runtime.store, record, ctx.now, removed=True)


def _nic_of(nic: Nic, record: Mapping[str, Any]) -> Nic:
    ips = tuple((6 if ":" in ip["ip_address"] else 4, ip["ip_address"]) for ip in record["fixed_ips"])
    subnet = record["fixed_ips"][0]["subnet_id"] if record["fixed_ips"] else ""
    return dataclasses.replace(nic, ips=ips, mac=record["mac_address"], subnet_id=subnet)


def sync_server(store: Store, record: Mapping[str, Any], now: float, *, removed: bool = False) -> None:
    """Keep the NIC of the server a port is bound to in step with the port (Nova refreshes its network info
    cache on Neutron's events); a deleted port leaves the server (``network-vif-deleted``)."""
    server = _server(store, record)
    if server is None or server.deleted or not any(nic.port_id == record["id"] for nic in server.nics):
        return

    def change(current: Server) -> Server:
        nics = tuple(_nic_of(nic, record) if nic.port_id == record["id"] else nic for nic in current.nics
                     if not (removed and nic.port_id == record["id"]))
        return evolve(current, nics=nics, updated_at=now)
    store.compute("server", server.id, change)


PORT_PLUGIN = PortPlugin(PORT)
