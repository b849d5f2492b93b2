"""Neutron floating IPs: allocate one on an external network, (dis)associate it with a server's port, release it.

Sans-IO. A floating IP is a :class:`FloatingIp` record (kind ``"floatingip"``, keyed by id, filed under its
project). Its association is stored once on the record (port, fixed address and the server behind the port)
and mirrored on that server's :attr:`~fakenova.domain.models.Nic.floating_ips`, so Nova's ``addresses`` shows
it; both are written together inside ``store.atomically()`` so they never disagree.

Ports are derived from servers (see ``api/neutron.py``), so when a server is deleted its ports vanish with
no bookkeeping. An association whose port is gone therefore reads as none: :func:`binding` is the only judge,
and :func:`effective` applies it at read time rather than rewriting records when servers go.

Which address a new floating IP gets is :mod:`.floating_ip_pool`'s. Errors carry Neutron's class names and
wording (``neutron_lib.exceptions`` and ``neutron/db/l3_db.py``), since the Neutron error body's ``type`` is the
class name.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Set, Tuple

from . import errors, ipam, network_quotas, neutron_ports, routers
from . import floating_ip_pool as pool
from . import neutron_policy as policy
from .context import RequestContext
from .floating_ip_pool import BadRequest
from .models import Server, evolve
from .network import visible_networks
from .ports import Store

KIND = "floatingip"
#: the quota resource a create counts against (:mod:`.network_quotas`)
QUOTA = "floatingip"
Record = Any

#: Devstack's ``router1`` (seeded from ``fixtures/catalogue/routers.yaml``): its gateway on ``public``, an
#: interface on ``private-subnet``.
ROUTER_ID = "5c3f1a0e-7d2b-4e8f-9a61-0b2c4d6e8f10"


# --- Neutron's errors ---------------------------------------------------------------------------------


class FloatingIPNotFound(errors.NotFound):
    msg_fmt = "Floating IP {floatingip_id} could not be found"


class NetworkNotFound(errors.NotFound):
    msg_fmt = "Network {id} could not be found."


class PortNotFound(errors.NotFound):
    msg_fmt = "Port {id} could not be found."


class FloatingIPPortAlreadyAssociated(errors.Conflict):
    msg_fmt = ("Cannot associate floating IP {floating_ip_address} ({fip_id}) with port {port_id} using fixed "
               "IP {fixed_ip}, as that fixed IP already has a floating IP on external network {net_id}.")


class ExternalGatewayForFloatingIPNotFound(errors.NotFound):
    msg_fmt = ("External network {external_network_id} is not reachable from subnet {subnet_id}.  Therefore, "
               "cannot associate Port {port_id} with a Floating IP.")


# --- the record -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FloatingIp:
    """A floating IP as stored. ``device_id`` is the server behind ``port_id``, kept so that checking whether
    the port still exists is one lookup, not a scan of every server."""

    id: str
    project_id: str
    floating_ip_address: str
    floating_network_id: str
    floating_subnet_id: str
    created_at: float
    updated_at: float
    description: str = ""
    port_id: Optional[str] = None
    fixed_ip_address: Optional[str] = None
    device_id: Optional[str] = None
    revision_number: int = 0
    #: the router joining the port's subnet to the floating network (set on association)
    router_id: Optional[str] = None


@dataclass(frozen=True)
class Target:
    """Where a floating IP is (to be) associated: a live port record, its fixed address, and the router
    that joins the port's subnet to the floating network."""

    port: Mapping[str, Any]
    fixed_ip: str
    router_id: Optional[str] = None


def _live_port(store: Store, port_id: Optional[str]) -> Optional[Record]:
    record = store.get(neutron_ports.PORT.kind, port_id) if port_id else None
    return neutron_ports.current(store, record) if isinstance(record, dict) else None


def binding(store: Store, fip: FloatingIp) -> Optional[Record]:
    """The port behind the floating IP as it reads now, or None when unassociated or the port is gone."""
    return _live_port(store, fip.port_id) if fip.port_id is not None else None


def effective(store: Store, fip: FloatingIp) -> FloatingIp:
    """The record as it reads now: disassociated if its port has vanished (with its server, say)."""
    if fip.port_id is not None and binding(store, fip) is None:
        return evolve(fip, port_id=None, fixed_ip_address=None, device_id=None, router_id=None)
    return fip


# --- reads ----------------------------------------------------------------------------------------------


def visible(store: Store, ctx: RequestContext) -> List[FloatingIp]:
    """Neutron's default policy: admins see every floating IP, others their project's."""
    records = store.list(KIND) if ctx.is_admin else store.list(KIND, ctx.project_id)
    return [effective(store, fip) for fip in records]


def get(store: Store, ctx: RequestContext, fip_id: str) -> FloatingIp:
    """One floating IP; another project's is 404 exactly like a missing one."""
    fip = store.get(KIND, fip_id)
    if fip is None or not (ctx.is_admin or fip.project_id == ctx.project_id):
        raise FloatingIPNotFound(floatingip_id=fip_id)
    return effective(store, fip)


# --- use cases ------------------------------------------------------------------------------------------


def create(store: Store, ctx: RequestContext, fip_id: str, request: Mapping[str, Any]) -> FloatingIp:
    """``POST /v2.0/floatingips``: allocate an address, and associate it at once when ``port_id`` is given.

    :param request: the validated ``floatingip`` object (``floating_network_id`` required; optional
        ``floating_ip_address``, ``subnet_id``, ``port_id``, ``fixed_ip_address``, ``description``,
        ``project_id``).
    """
    # Neutron's controller checks the rule, and the rule of each attribute the body sets (a chosen address is
    # the manager's), before the plugin looks at the network
    asked = {**request, "project_id": request.get("project_id") or ctx.project_id}
    policy.enforce(ctx, "create_floatingip", asked, attributes=list(request))
    with store.atomically():  # counted and made as one, the quota first as Neutron's API layer reserves
        network_quotas.check(store, asked["project_id"], QUOTA)
        network = _external_network(store, ctx, request["floating_network_id"])
        subnet_id, address = pool.allocate(store, network, request.get("subnet_id"),
                                           request.get("floating_ip_address"), _floating(store, network["id"]))
        fip = FloatingIp(id=fip_id, project_id=request.get("project_id") or ctx.project_id,
                         floating_ip_address=address, floating_network_id=network["id"],
                         floating_subnet_id=subnet_id, created_at=ctx.now, updated_at=ctx.now,
                         description=request.get("description") or "")
        ipam.take(store, {"id": subnet_id}, address, fip_id, neutron_ports.alive(store))
        target = _target(store, ctx, fip, request.get("port_id"), request.get("fixed_ip_address"))
        return _save(store, fip, target)


def update(store: Store, ctx: RequestContext, fip_id: str, changes: Mapping[str, Any]) -> FloatingIp:
    """``PUT /v2.0/floatingips/{id}``: ``port_id`` null disassociates; without ``port_id`` the current
    association is kept (and checked again), as Neutron does since bug 1610045."""
    with store.atomically():
        current = get(store, ctx, fip_id)  # another project's is missing before any rule is checked
        policy.enforce(ctx, "update_floatingip", {**changes, "project_id": current.project_id},
                       attributes=list(changes))
        port_id = changes["port_id"] if "port_id" in changes else current.port_id
        if changes.get("fixed_ip_address") and not changes.get("port_id"):
            raise BadRequest(msg="fixed_ip_address cannot be specified without a port_id")
        target = _target(store, ctx, current, port_id, changes.get("fixed_ip_address"))
        description = changes.get("description")
        updated = evolve(current, updated_at=ctx.now, revision_number=current.revision_number + 1,
                          description=current.description if description is None else description)
        return _save(store, updated, target)


def delete(store: Store, ctx: RequestContext, fip_id: str) -> None:
    """``DELETE /v2.0/floatingips/{id}``: release the address, disassociating it first if need be."""
    with store.atomically():
        fip = get(store, ctx, fip_id)
        policy.enforce(ctx, "delete_floatingip", {"project_id": fip.project_id})
        _remove(store, fip)


def _remove(store: Store, fip: FloatingIp) -> None:
    _mirror(store, fip, None)
    ipam.release(store, fip.floating_subnet_id, fip.floating_ip_address, fip.id)
    store.delete(KIND, fip.id)


def release_network(store: Store, network_id: str) -> List[str]:
    """An external network is being deleted: its floating IPs that are associated with nothing go first
    (``delete_disassociated_floatingips``, on the network's BEFORE_DELETE, whatever the delete's outcome);
    the ids of the associated ones, which keep the network in use, are returned."""
    held = []
    with store.atomically():
        for fip in [effective(store, fip) for fip in store.list(KIND) if fip.floating_network_id == network_id]:
            if fip.port_id is None:
                _remove(store, fip)
            else:
                held.append(fip.id)
    return held


# --- allocation -----------------------------------------------------------------------------------------


def _external_network(store: Store, ctx: RequestContext, network_id: str) -> Mapping[str, Any]:
    network = next((net for net in visible_networks(store, ctx) if net["id"] == network_id), None)
    if network is None:
        raise NetworkNotFound(id=network_id)
    if not network["external"]:
        raise BadRequest(msg=f"Network {network_id} is not a valid external network")
    return network


def _floating(store: Store, network_id: str) -> Set[str]:
    """The addresses the network's floating IPs hold."""
    return {fip.floating_ip_address for fip in store.list(KIND) if fip.floating_network_id == network_id}


def allocate_address(store: Store, network: Mapping[str, Any], subnet_id: Optional[str],
                     wanted: Optional[str]) -> Tuple[str, str]:
    """(subnet id, address) free on an external network for a router's gateway: unlike a floating IP it may be
    asked for on an IPv6 subnet; unasked, it gets an IPv4 address as before."""
    return pool.allocate(store, network, subnet_id, wanted, _floating(store, network["id"]),
                         (4, 6) if subnet_id or wanted else (4,))


# --- association ----------------------------------------------------------------------------------------


def _port(store: Store, ctx: RequestContext, port_id: str) -> Record:
    # The same visibility as GET /ports: a member finds only their project's ports.
    port = _live_port(store, port_id)
    if port is None or not (ctx.is_admin or port.get("project_id") == ctx.project_id):
        raise PortNotFound(id=port_id)
    return port


def _fixed_address(port: Mapping[str, Any], wanted: Optional[str]) -> Tuple[str, str]:
    """(subnet id, the port's fixed address) to translate to, checked as ``_internal_fip_assoc_data`` does."""
    fixed = {ip["ip_address"]: ip["subnet_id"] for ip in port.get("fixed_ips") or ()}
    if wanted:
        if ipaddress.ip_address(wanted).version != 4:
            raise BadRequest(msg=f"Cannot process floating IP association with {wanted}, since that is not "
                                 "an IPv4 address")
        if wanted not in fixed:
            raise BadRequest(msg=f"Port {port['id']} does not have fixed ip {wanted}")
        return fixed[wanted], wanted
    ipv4 = [address for address in fixed if ipaddress.ip_address(address).version == 4]
    if not ipv4:
        raise BadRequest(msg=f"Cannot add floating IP to port {port['id']} that has no fixed IPv4 addresses")
    if len(ipv4) > 1:
        raise BadRequest(msg=f"Port {port['id']} has multiple fixed IPv4 addresses.  Must provide a specific "
                             "IPv4 address when assigning a floating IP")
    return fixed[ipv4[0]], ipv4[0]


def _target(store: Store, ctx: RequestContext, fip: FloatingIp, port_id: Optional[str],
            fixed_ip: Optional[str]) -> Optional[Target]:
    """Where ``fip`` should be associated (None: nowhere), after Neutron's checks in Neutron's order."""
    if fixed_ip and not port_id:
        raise BadRequest(msg="fixed_ip_address cannot be specified without a port_id")
    if not port_id:
        return None
    port = _port(store, ctx, port_id)
    if port.get("project_id") != fip.project_id and not ctx.is_admin:
        raise BadRequest(msg=f"Cannot process floating IP association with Port {port_id}, since that port "
                             "is owned by a different tenant")
    subnet_id, fixed = _fixed_address(port, fixed_ip)
    router_id = routers.router_for(store, subnet_id, fip.floating_network_id)
    if router_id is None:
        raise ExternalGatewayForFloatingIPNotFound(external_network_id=fip.floating_network_id,
                                                   subnet_id=subnet_id, port_id=port_id)
    if port_id != fip.port_id:  # Neutron skips the duplicate check when the association is unchanged
        _check_unclaimed(store, fip, port_id, fixed)
    return Target(port, fixed, router_id)


def _check_unclaimed(store: Store, fip: FloatingIp, port_id: str, fixed: str) -> None:
    for other in store.list(KIND):
        if (other.id != fip.id and other.port_id == port_id and other.fixed_ip_address == fixed
                and other.floating_network_id == fip.floating_network_id and binding(store, other)):
            raise FloatingIPPortAlreadyAssociated(floating_ip_address=fip.floating_ip_address, fip_id=fip.id,
                                                  port_id=port_id, fixed_ip=fixed,
                                                  net_id=fip.floating_network_id)


def _save(store: Store, fip: FloatingIp, target: Optional[Target]) -> FloatingIp:
    """Store ``fip`` associated with ``target`` (or with nothing), moving the server-side mirror with it."""
    _mirror(store, fip, target)
    if target is None:
        fip = evolve(fip, port_id=None, fixed_ip_address=None, device_id=None, router_id=None)
    else:
        fip = evolve(fip, port_id=target.port["id"], fixed_ip_address=target.fixed_ip,
                      device_id=target.port.get("device_id") or None, router_id=target.router_id)
    store.put(KIND, fip.id, fip, project=fip.project_id)
    return fip


def _server_of(port: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The server a port is a NIC of (whose ``addresses`` show the floating IP), if any."""
    if port and str(port.get("device_owner") or "").startswith("compute:") and port.get("device_id"):
        return str(port["device_id"])
    return None


def _mirror(store: Store, fip: FloatingIp, target: Optional[Target]) -> None:
    """Take the address off the NIC it was on (if that still exists) and put it on the target's NIC."""
    old = _server_of(binding(store, fip))
    if old is not None and fip.port_id:
        _set_on_nic(store, old, fip.port_id, fip.floating_ip_address, present=False)
    new = _server_of(target.port) if target is not None else None
    if new is not None and target is not None:
        _set_on_nic(store, new, target.port["id"], fip.floating_ip_address, present=True)


def _set_on_nic(store: Store, server_id: str, port_id: str, address: str, *, present: bool) -> None:
    def apply(server: Optional[Server]) -> Optional[Server]:
        if server is None:
            return None
        nics = tuple(evolve(nic, floating_ips=tuple(a for a in nic.floating_ips if a != address)
                             + ((address,) if present else ()))
                     if nic.port_id == port_id else nic for nic in server.nics)
        return evolve(server, nics=nics)

    store.compute("server", server_id, apply)
