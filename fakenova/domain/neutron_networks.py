"""Neutron networks and subnets: their attribute tables and what creating, changing and deleting them does.

Network records keep ``external`` alongside ``router:external`` (Nova's side and floating IPs read it) and
``subnets`` lists the network's subnet ids. Seeded and older records lack most attributes: ``effective``
fills them with Neutron's defaults, so every record reads complete. Subnets get their gateway and pools
from :mod:`fakenova.domain.ipam`; a subnetpool_id is the seam for subnet pools (``SUBNET_POOL_ALLOCATOR``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional

from . import ipam, security_groups
from . import neutron_validators as v
from .context import RequestContext
from .neutron_errors import BadRequest, InvalidInput, NetworkInUse, NetworkNotFound, SubnetInUse, SubnetNotFound
from .neutron_plugin import StoredPlugin
from .neutron_resource import REQUIRED, UNSET, Attr, Record, bumped, definition
from .ports import Runtime, Store

NETWORK = definition("network", "networks", not_found=lambda i: NetworkNotFound(net_id=i), attrs=(
    Attr("admin_state_up", post=True, put=True, default=True, convert=v.to_boolean),
    Attr("status"),
    Attr("subnets", is_sort_key=False),
    Attr("shared", post=True, put=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("router:external", post=True, put=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("is_default", put=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("mtu", post=True, put=True, default=1450, convert=v.to_int, validate=v.integer_range(68, 9216)),
    Attr("port_security_enabled", post=True, put=True, default=True, convert=v.to_boolean, enforce_policy=True),
    Attr("dns_domain", post=True, put=True, default="", validate=v.string(255)),
    Attr("availability_zone_hints", post=True, default=[], validate=v.list_of(v.string(255)),
         is_sort_key=False),
    Attr("availability_zones", is_sort_key=False),
    Attr("ipv4_address_scope"), Attr("ipv6_address_scope"), Attr("l2_adjacency"), Attr("qos_policy_id"),
    Attr("provider:network_type", post=True, put=True, default=UNSET, validate=v.string(255),
         enforce_policy=True),
    Attr("provider:physical_network", post=True, put=True, default=UNSET, validate=v.or_none(v.string(64)),
         enforce_policy=True),
    Attr("provider:segmentation_id", post=True, put=True, default=UNSET, convert=v.to_int,
         enforce_policy=True),
))

SUBNET = definition("subnet", "subnets", not_found=lambda i: SubnetNotFound(subnet_id=i), attrs=(
    Attr("network_id", post=True, default=REQUIRED, validate=v.is_uuid),
    Attr("ip_version", post=True, default=REQUIRED, convert=v.to_int, validate=v.values(4, 6)),
    Attr("cidr", post=True, default=UNSET, convert=v.to_cidr, validate=v.or_none(v.subnet_cidr)),
    Attr("subnetpool_id", post=True, default=UNSET, validate=v.or_none(v.string(36))),
    Attr("prefixlen", post=True, default=UNSET, convert=v.to_int, visible=False, is_filter=False,
         is_sort_key=False),
    Attr("gateway_ip", post=True, put=True, default=UNSET, convert=v.to_ip, validate=v.or_none(v.ip_address)),
    Attr("allocation_pools", post=True, put=True, default=UNSET, validate=v.ip_pools, is_sort_key=False),
    Attr("dns_nameservers", post=True, put=True, default=[], convert=v.none_to_empty_list,
         validate=v.nameservers, is_sort_key=False),
    Attr("host_routes", post=True, put=True, default=[], convert=v.none_to_empty_list,
         validate=v.hostroutes, is_sort_key=False),
    Attr("enable_dhcp", post=True, put=True, default=True, convert=v.to_boolean),
    Attr("ipv6_ra_mode", post=True, default=None,
         validate=v.or_none(v.values("dhcpv6-stateful", "dhcpv6-stateless", "slaac"))),
    Attr("ipv6_address_mode", post=True, default=None,
         validate=v.or_none(v.values("dhcpv6-stateful", "dhcpv6-stateless", "slaac"))),
    Attr("segment_id"), Attr("service_types", is_sort_key=False), Attr("dns_publish_fixed_ip"),
    # the ``subnet-external-network`` extension: read-only, the network's own flag
    Attr("router:external", default=False, convert=v.to_boolean),
))

PROVIDER = ("provider:network_type", "provider:physical_network", "provider:segmentation_id")

#: Subnet pools plug in here: (store, request with ``subnetpool_id``) -> the cidr to use (neutron-l3's
#: ``subnet_pool_resources.cidr_for``, which knows every pool in the store).
SUBNET_POOL_ALLOCATOR: List[Callable[[Store, Mapping[str, Any]], str]] = []


def seeded_at(store: Store) -> float:
    """When seeded records were made: they carry no timestamp, so the seeded images' time."""
    times = [image["created_at"] for image in store.list("image")]
    return min(times) if times else 0.0


def _complete(defn: Any, store: Store, record: Mapping[str, Any], derived: Mapping[str, Any]) -> Record:
    full: Record = {name: (attr.default if attr.default not in (REQUIRED, UNSET) else None)
                    for name, attr in defn.attrs.items()}
    full.update(tags=[], revision_number=1, description="")
    full.update(derived)
    full.update(record)
    if full.get("created_at") is None:
        full["created_at"] = full["updated_at"] = seeded_at(store)
    full["tenant_id"] = full["project_id"]
    return full


class NetworkPlugin(StoredPlugin):
    touches = ("subnet", ipam.KIND)
    quota = "network"

    def effective(self, store: Store, record: Record) -> Optional[Record]:
        external = bool(record.get("router:external", record.get("external", False)))
        flat = external
        derived = {"router:external": external, "availability_zones": ["nova"], "l2_adjacency": True,
                   "provider:network_type": "flat" if flat else "vxlan",
                   "provider:physical_network": record.get("name") if flat else None,
                   "provider:segmentation_id": None if flat else 100 + sum(map(ord, record["id"])) % 900}
        full = _complete(NETWORK, store, record, derived)
        for key in PROVIDER:  # not given on create: the segment Neutron would have chosen
            if full.get(key) is None:
                full[key] = derived[key]
        full["external"] = full["router:external"]
        return full

    def body(self, store: Store, ctx: RequestContext, record: Record) -> Dict[str, Any]:
        shown = super().body(store, ctx, record)
        if not record["router:external"]:  # only external networks say whether they are the default one
            shown.pop("is_default", None)
        return shown

    def check_create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        security_groups.ensure_default_for(runtime.store, ctx, item.get("project_id"))  # Neutron's BEFORE_CREATE
        item = {key: value for key, value in item.items() if value is not None or not key.startswith("provider")}
        return {**item, "status": "ACTIVE", "subnets": [], "external": item["router:external"]}

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        if "router:external" in changes:
            changes = {**changes, "external": changes["router:external"]}
        return changes

    def _write(self, runtime: Runtime, ctx: RequestContext, rid: str, changes: Mapping[str, Any]) -> Record:
        return self.edit(runtime, ctx, rid, lambda current: changes)

    def edit(self, runtime: Runtime, ctx: RequestContext, rid: str,
             changes: Callable[[Record], Mapping[str, Any]]) -> Record:
        """Bump the network with ``changes(current)``; a seeded record is completed as it is first written."""
        store = runtime.store

        def change(current: Optional[Record]) -> Record:
            if current is None:
                raise NETWORK.not_found(rid)
            full = self.effective(store, current) or current
            return bumped(full, changes(full), ctx.now)
        return store.compute(NETWORK.kind, rid, change)

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        from .floating_ips import release_network  # both build on this module
        from .neutron_ports import ports_on_network
        # A floating IP stands for its port here (fakenova keeps no port record behind one): an associated
        # one keeps the network in use as its network:floatingip port does in Neutron.
        held = release_network(runtime.store, record["id"]) if record.get("router:external") else []
        busy = [port["id"] for port in ports_on_network(runtime.store, record["id"])
                if port["device_owner"] not in AUTO_DELETED_OWNERS] + held
        if busy:
            raise NetworkInUse(net_id=record["id"], reason="There are one or more ports still in use on the "
                                                           f"network, id for these ports is: {','.join(busy)}")

    def after_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        for subnet_id in record["subnets"]:
            runtime.store.delete(SUBNET.kind, subnet_id)


#: device owners whose ports go with their network (Neutron's ``AUTO_DELETE_PORT_OWNERS``)
AUTO_DELETED_OWNERS = ("network:dhcp", "network:router_ha_interface", "network:distributed")


def network_record(store: Store, net_id: str) -> Optional[Record]:
    found = store.get(NETWORK.kind, net_id)
    return NETWORK_PLUGIN.effective(store, found) if found is not None else None


class SubnetPlugin(StoredPlugin):
    touches = ("network", ipam.KIND)
    quota = "subnet"

    def target(self, store: Store, record: Mapping[str, Any]) -> Dict[str, Any]:
        return network_target(store, record)

    def effective(self, store: Store, record: Record) -> Optional[Record]:
        network = store.get(NETWORK.kind, record["network_id"]) or {}
        derived = {"allocation_pools": ipam.default_pools(record["cidr"], record.get("gateway_ip")),
                   "service_types": [], "dns_publish_fixed_ip": False, "description": "",
                   "router:external": bool(network.get("router:external", network.get("external", False)))}
        return _complete(SUBNET, store, record, derived)

    def check_create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        store = runtime.store
        network = network_record(store, item["network_id"])
        if network is None:
            raise NetworkNotFound(net_id=item["network_id"])
        others = [s for s in (store.get(SUBNET.kind, sid) for sid in network["subnets"]) if s]
        item = {**item, "cidr": self._cidr(store, item)}
        ipam.check_cidr(item["cidr"], network["id"], [s["cidr"] for s in others])
        _check_ipv6(item)
        gateway = item["gateway_ip"] if "gateway_ip" in item else ipam.default_gateway(item["cidr"])
        if gateway is not None and not ipam.in_subnet(gateway, item):
            raise InvalidInput(error_message="Gateway is not valid on subnet")
        pools = item.get("allocation_pools")
        pools = ipam.default_pools(item["cidr"], gateway) if pools is None else pools
        ipam.check_pools(pools, item["cidr"], gateway)
        return {**item, "gateway_ip": gateway, "allocation_pools": pools, "subnetpool_id": item.get("subnetpool_id"),
                "service_types": [], "segment_id": None, "dns_publish_fixed_ip": False}

    @staticmethod
    def _cidr(store: Store, item: Record) -> str:
        pool_id = item.get("subnetpool_id")
        if item.get("cidr") and item.get("prefixlen") is not None:
            raise BadRequest(resource="subnets", msg="cidr and prefixlen must not be supplied together")
        if pool_id and SUBNET_POOL_ALLOCATOR:
            return SUBNET_POOL_ALLOCATOR[0](store, item)
        if not item.get("cidr"):
            raise BadRequest(resource="subnets", msg="A cidr must be specified in the absence of a subnet pool")
        return str(item["cidr"])

    def store_new(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        record.pop("prefixlen", None)
        super().store_new(runtime, ctx, record)
        NETWORK_PLUGIN.edit(runtime, ctx, record["network_id"],
                            lambda net: {"subnets": [*net["subnets"], record["id"]]})

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        gateway = changes.get("gateway_ip", record["gateway_ip"])
        if "allocation_pools" in changes or "gateway_ip" in changes:
            if gateway is not None and not ipam.in_subnet(gateway, record):
                raise InvalidInput(error_message="Gateway is not valid on subnet")
            pools = changes.get("allocation_pools") or record["allocation_pools"]
            ipam.check_pools(pools, record["cidr"], gateway)
        return changes

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        from .neutron_ports import alive  # the ports module builds on this one
        if not ipam.auto_address(record) and ipam.in_use(runtime.store, record["id"], alive(runtime.store)):
            raise SubnetInUse(subnet_id=record["id"])

    def after_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        from .neutron_ports import drop_subnet  # the ports module builds on this one
        store = runtime.store
        drop_subnet(store, record["id"], ctx.now)  # an auto-address subnet's addresses leave its ports
        if store.get(NETWORK.kind, record["network_id"]) is not None:
            NETWORK_PLUGIN.edit(runtime, ctx, record["network_id"],
                                lambda net: {"subnets": [s for s in net["subnets"] if s != record["id"]]})




def _check_ipv6(item: Mapping[str, Any]) -> None:
    ra, address = item.get("ipv6_ra_mode"), item.get("ipv6_address_mode")
    if item["ip_version"] == 4:
        for name, value in (("ipv6_ra_mode", ra), ("ipv6_address_mode", address)):
            if value is not None:
                raise InvalidInput(error_message=f"{name} is not valid when ip_version is 4")
    if ra and address and ra != address:
        raise InvalidInput(error_message=f"ipv6_ra_mode set to '{ra}' with ipv6_address_mode set to '{address}' "
                                         "is not valid. If both attributes are set, they must be the same value")


def network_target(store: Store, record: Mapping[str, Any]) -> Dict[str, Any]:
    """A subnet's or port's policy target: itself plus its network's owner, ``shared`` and external flag."""
    network = network_record(store, record.get("network_id") or "")
    target = dict(record)
    if network is not None:
        target.update({"network:project_id": network["project_id"], "shared": network["shared"],
                       "router:external": network["router:external"]})
    return target


NETWORK_PLUGIN = NetworkPlugin(NETWORK)
SUBNET_PLUGIN = SubnetPlugin(SUBNET)
