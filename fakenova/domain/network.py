"""Addresses for servers: choose networks and ports as Nova does with Neutron, and bind ports to servers.

Every NIC of a server is a Neutron port record (``domain/neutron_ports.py``): Nova creates one per
requested network (marked as Nova's, so it goes with the server) or binds a port the user made
(``networks: [{"port": ...}]``), which outlives the server unbound. ``Nic`` keeps Nova's copy of the port's
addresses for the server views, kept in step when the port changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from . import errors, ipam, network_quotas, security_groups
from .context import RequestContext
from .models import Nic
from .neutron_networks import NETWORK_PLUGIN, network_record
from .neutron_ports import NOVA, PORT, PORT_PLUGIN, UNBOUND, address_holder, current, new_port, release
from .ports import Store

#: the kinds binding, making or releasing a server's ports writes (``Store.compute`` touches): the project's
#: default security group too, which Neutron makes before the project's first port
PORT_WRITES = (PORT.kind, ipam.KIND, ipam.CURSOR, security_groups.KIND, security_groups.RULE_KIND)


class PortLimitExceeded(errors.Forbidden):
    """Nova's ``PortLimitExceeded``, an OverQuota the servers API answers 403 with."""

    msg_fmt = "Maximum number of ports exceeded"


@dataclass(frozen=True)
class Requested:
    """One NIC a server asks for: a network (with an optional fixed address) or an existing port."""

    network: Mapping[str, Any]
    fixed_ip: Optional[str] = None
    tag: Optional[str] = None
    port: Optional[Mapping[str, Any]] = None


def visible_networks(store: Store, ctx: RequestContext) -> List[Mapping[str, Any]]:
    """Networks the caller may see (Neutron's ``get_network`` rule: own, shared, external, or admin)."""
    return list(NETWORK_PLUGIN.records(store, ctx))


def _network(store: Store, ctx: RequestContext, network_id: str) -> Mapping[str, Any]:
    network = network_record(store, network_id)
    if network is None or not NETWORK_PLUGIN.visible(ctx, store, network):
        raise errors.BadRequest(f"Network {network_id} could not be found.")
    if network["router:external"] and not ctx.is_admin:
        raise errors.Forbidden(rule="network:attach_external_network")
    return network


def default_networks(store: Store, ctx: RequestContext) -> List[Mapping[str, Any]]:
    """What Nova picks with no network requested (or ``auto``): the one usable internal network."""
    candidates = [net for net in visible_networks(store, ctx) if not net["router:external"]]
    if len(candidates) > 1:
        own = [net for net in candidates if net["project_id"] == ctx.project_id]
        candidates = own or candidates
    if len(candidates) > 1:
        raise errors.Conflict("Multiple possible networks found, use a Network ID to be more specific.")
    return candidates


def free_port(store: Store, ctx: RequestContext, port_id: str, missing: type = errors.BadRequest
              ) -> Mapping[str, Any]:
    """A port the caller may bind to a server: it exists for them and no device holds it."""
    found = store.get(PORT.kind, port_id)
    port = current(store, found) if found is not None else None
    if port is None or not PORT_PLUGIN.visible(ctx, store, port):
        raise missing(f"Port id {port_id} could not be found.")
    if port["device_id"]:
        raise errors.Conflict(f"Port {port_id} is still in use.")
    return port


def requested_networks(store: Store, ctx: RequestContext, requested: Any,
                       auto_network: Optional[Callable[[], Mapping[str, Any]]] = None) -> List[Requested]:
    """Resolve a create request's ``networks`` into the NICs to make.

    :param requested: None (omitted), ``"auto"``, ``"none"`` or the validated list of items.
    :param auto_network: for ``"auto"`` when the project has no network to use, the one to boot on (Neutron's
        auto-allocated topology: :func:`fakenova.domain.auto_allocation.network_for`).
    """
    if requested == "none":
        return []
    if requested is None or requested == "auto":
        found = default_networks(store, ctx)
        if not found and requested == "auto" and auto_network is not None:
            # Nova checks the port quota before the topology is allocated: a refused boot builds none
            _within_port_quota(store, ctx.project_id, 1, 1, 1)
            return [Requested(auto_network())]
        return [Requested(net) for net in found]
    chosen = []
    seen_ports = set()
    for item in requested:
        port_id, fixed_ip = item.get("port"), item.get("fixed_ip")
        if port_id:
            if port_id in seen_ports:
                raise errors.BadRequest(f"Port ID '{port_id}' was specified twice: you cannot attach a port "
                                        "multiple times.")
            if fixed_ip:
                raise errors.BadRequest(f"Specified Fixed IP '{fixed_ip}' cannot be used with port "
                                        f"'{port_id}': the two cannot be specified together.")
            seen_ports.add(port_id)
            port = free_port(store, ctx, port_id)
            if not port["fixed_ips"]:
                raise errors.BadRequest(f"Port {port_id} requires a FixedIP in order to be used.")
            owner: Mapping[str, Any] = (network_record(store, port["network_id"])
                                        or {"id": port["network_id"], "name": ""})
            chosen.append(Requested(owner, None, item.get("tag"), port))
            continue
        if not item.get("uuid"):
            raise errors.BadRequest("Bad network format: missing 'uuid'")
        network = _network(store, ctx, item["uuid"])
        if fixed_ip:
            _check_fixed_ip(store, network, fixed_ip)
        chosen.append(Requested(network, fixed_ip, item.get("tag")))
    for want in chosen:
        if want.port is None and not want.network["subnets"]:
            raise errors.BadRequest(f"Network {want.network['id']} requires a subnet in order to boot instances on.")
    return chosen


def port_quota_count(store: Store, project_id: str, chosen: Sequence[Requested], min_count: int,
                     max_count: int) -> int:
    """How many of ``max_count`` servers the project's Neutron port quota lets Nova build, each making a new
    port per requested network (Nova's ``validate_networks``, then ``_create_instance`` lowering max_count);
    403 when not even ``min_count`` fit, or when the project is already over its limit."""
    return _within_port_quota(store, project_id, sum(1 for want in chosen if want.port is None), min_count,
                              max_count)


def _within_port_quota(store: Store, project_id: str, needed: int, min_count: int, max_count: int) -> int:
    if not needed:  # "none", or ports the user made: Nova asks Neutron nothing
        return max_count
    limit = network_quotas.limits(store, project_id)["port"]
    if limit == network_quotas.UNLIMITED:
        return max_count
    used = network_quotas.COUNTERS["port"](store, project_id)
    if used > limit:
        raise PortLimitExceeded(f"The number of defined ports: {used} is over the limit: {limit}")
    allowed = min(max_count, (limit - used) // needed)
    if allowed < min_count:
        raise PortLimitExceeded()
    return allowed


def check_new_port(store: Store, project_id: str) -> None:
    """One more port Nova makes (an interface attach): Neutron's OverQuota is Nova's PortLimitExceeded."""
    try:
        network_quotas.check(store, project_id, "port")
    except network_quotas.OverQuota:
        raise PortLimitExceeded() from None


def _check_fixed_ip(store: Store, network: Mapping[str, Any], address: str) -> None:
    """Nova's ``validate_networks``: a requested fixed address another port holds is refused up front."""
    holder = address_holder(store, network, address)
    if holder is not None:
        raise errors.BadRequest(f"Fixed IP address {address} is already in use on instance {holder['device_id']}.")


def _nic(port: Mapping[str, Any], network: Mapping[str, Any], tag: Optional[str]) -> Nic:
    ips = tuple((6 if ":" in ip["ip_address"] else 4, ip["ip_address"]) for ip in port["fixed_ips"])
    subnet = port["fixed_ips"][0]["subnet_id"] if port["fixed_ips"] else ""
    return Nic(port_id=port["id"], network_id=network["id"], network_name=network.get("name") or "",
               subnet_id=subnet, mac=port["mac_address"], ips=ips, tag=tag)


def _binding(server_id: str, zone: str) -> Mapping[str, Any]:
    return {"device_id": server_id, "device_owner": f"compute:{zone or 'nova'}"}


def _bind(store: Store, ctx: RequestContext, port: Mapping[str, Any], server_id: str, zone: str) -> Mapping[str, Any]:
    def change(record: Optional[Mapping[str, Any]]) -> Mapping[str, Any]:
        now = current(store, dict(record)) if record is not None else None
        if record is None or now is None or now["device_id"] not in ("", server_id):
            raise errors.Conflict(f"Port {port['id']} is still in use.")
        return {**record, **_binding(server_id, zone), "updated_at": ctx.now,
                "revision_number": now["revision_number"] + 1}
    return store.compute(PORT.kind, port["id"], change)


class DrawnIds:
    """The port ids and MACs a server's new ports take, drawn before the transaction that makes them: the id
    sequence stays that of a create drawing them in place, and a transaction run again makes the same ports."""

    def __init__(self, ids: Any, chosen: Sequence[Requested]) -> None:
        self._drawn = tuple(value for want in chosen if want.port is None for value in (ids.uuid(), ids.mac()))

    def replay(self) -> "_Replay":
        return _Replay(self._drawn)


class _Replay:
    def __init__(self, drawn: Tuple[str, ...]) -> None:
        self._next = iter(drawn)

    def uuid(self) -> str:
        return next(self._next)

    mac = uuid


def allocate_nics(store: Store, ids: Any, ctx: RequestContext, chosen: Sequence[Requested], server_id: str,
                  zone: str = "") -> Tuple[Nic, ...]:
    """Ports for a server: a new one (Nova's) per requested network, or the requested port bound to it."""
    nics = []
    for want in chosen:
        if want.port is not None:
            port = _bind(store, ctx, want.port, server_id, zone)
        else:
            requested = [{"ip_address": want.fixed_ip}] if want.fixed_ip else None
            item = {"network_id": want.network["id"], "project_id": ctx.project_id, "tenant_id": ctx.project_id,
                    "fixed_ips": requested, "admin_state_up": True, "name": "", "description": "",
                    **_binding(server_id, zone), NOVA: True}
            if requested is None:
                item.pop("fixed_ips")
            port = new_port(store, ctx, ids.uuid(), ids.mac(), item, lenient=requested is None)
        nics.append(_nic(port, want.network, want.tag))
    return tuple(nics)


def release_nic(store: Store, ctx: RequestContext, port_id: str) -> None:
    """A NIC leaves its server: Nova deletes the port it made, and unbinds a port the user made."""
    record = store.get(PORT.kind, port_id)
    if record is None:
        return
    if record.get(NOVA):
        store.delete(PORT.kind, port_id)
        release(store, record)
        return
    def unbind(record: Mapping[str, Any]) -> Mapping[str, Any]:
        return {**record, **UNBOUND, "updated_at": ctx.now, "revision_number": record["revision_number"] + 1}
    store.compute(PORT.kind, port_id, unbind)
