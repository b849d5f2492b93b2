"""``os-interface``: list, show, attach and detach a server's ports (each port is one :class:`Nic`).

Each NIC is a Neutron port record (``domain/network.py``): attaching by network makes a port (Nova's),
attaching by port binds the user's port; detaching deletes Nova's port and unbinds the user's, as Nova does.
A floating IP bound to a removed port reads as unbound (``domain/floating_ips.py``).
Errors are worded as Nova's ``attach_interfaces`` controller and ``nova/exception.py`` word them.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple

from . import compute, errors, history, network
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .lifecycle.table import Action
from .models import Nic, Server, evolve
from .ports import Runtime, Store


class PortNotFound(errors.NotFound):
    msg_fmt = "Port id {port_id} could not be found."


def list_interfaces(runtime: Runtime, ctx: RequestContext, server_id: str) -> Tuple[Server, Tuple[Nic, ...]]:
    """``GET /servers/{id}/os-interface``: the server and its ports, in attach order."""
    server = compute.observe(runtime, ctx, server_id, observed=False)
    return server, server.nics


def _port_owner(store: Store, port_id: str) -> Optional[Tuple[Server, Nic]]:
    for server in store.list("server"):
        if not server.deleted:
            for nic in server.nics:
                if nic.port_id == port_id:
                    return server, nic
    return None


def show_interface(runtime: Runtime, ctx: RequestContext, server_id: str, port_id: str) -> Tuple[Server, Nic]:
    """``GET /servers/{id}/os-interface/{port_id}``: Neutron's lookup first, then the owner check."""
    server = compute.observe(runtime, ctx, server_id, observed=False)
    owner = _port_owner(runtime.store, port_id)
    if owner is None or not compute.visible(owner[0], ctx):
        raise PortNotFound(port_id=port_id)
    if owner[0].id != server_id:
        raise errors.NotFound(f"Instance {server_id} does not have a port with id {port_id}")
    return server, owner[1]


def _network(store: Store, ctx: RequestContext, net_id: Optional[str]) -> Mapping[str, Any]:
    if net_id is None:
        try:
            candidates = network.default_networks(store, ctx)
        except errors.Conflict:  # Nova answers an ambiguous choice with 400 on attach
            raise errors.BadRequest("More than one possible network found. Specify network ID(s) to select "
                                    "which one(s) to connect to.") from None
        if not candidates:
            raise errors.BadRequest(f"No specific network was requested and none are available for project "
                                    f"'{ctx.project_id}'.")
        return candidates[0]
    found = network.network_record(store, net_id)
    if found is None or not network.NETWORK_PLUGIN.visible(ctx, store, found):
        raise errors.NotFound(f"Network {net_id} could not be found.")
    if found["external"] and not ctx.is_admin:
        raise errors.Forbidden(f"It is not allowed to create an interface on external network {net_id}")
    return found


def _check_fixed_ip(store: Store, net: Mapping[str, Any], fixed_ip: Optional[str]) -> None:
    if fixed_ip is None:
        return
    for server in store.list("server"):
        if not server.deleted and any(nic.network_id == net["id"] and fixed_ip in [a for _, a in nic.ips]
                                      for nic in server.nics):
            raise errors.Conflict(f"Fixed IP address {fixed_ip} is already in use on instance {server.id}.")


def attach(runtime: Runtime, ctx: RequestContext, server_id: str, request: Mapping[str, Any]) -> Nic:
    """``POST /servers/{id}/os-interface``: a new port on a network (or the default one); returns it.

    :param request: the validated ``interfaceAttachment`` object (``{}`` when the body had none).
    """
    net_id, port_id, tag = request.get("net_id"), request.get("port_id"), request.get("tag")
    fixed_ips: List[Mapping[str, str]] = request.get("fixed_ips") or []
    fixed_ip = fixed_ips[0]["ip_address"] if fixed_ips else None
    if net_id and port_id:
        raise errors.BadRequest("Must not input both network_id and port_id")
    if fixed_ip and not net_id:
        raise errors.BadRequest("Must input network_id when request IP address")
    store = runtime.store
    added: List[Nic] = []

    def change(server: Server) -> Server:
        lifecycle.guard(server, Action.ATTACH_INTERFACE, is_admin=ctx.is_admin)
        if port_id:
            port = network.free_port(store, ctx, port_id, missing=errors.NotFound)
            net = store.get("network", port["network_id"]) or {"id": port["network_id"], "name": ""}
            wanted = network.Requested(net, None, tag, port)
        else:
            net = _network(store, ctx, net_id)
            _check_fixed_ip(store, net, fixed_ip)
            network.check_new_port(store, server.project_id)  # the port Nova makes counts in Neutron's quota
            wanted = network.Requested(net, fixed_ip, tag)
        added.extend(network.allocate_nics(store, runtime.ids, ctx, [wanted], server.id,
                                           server.availability_zone or ""))
        return evolve(server, nics=(*server.nics, *added), updated_at=ctx.now)

    with store.atomically():
        server = compute.edit(runtime, ctx, server_id, change, touches=network.PORT_WRITES)
    history.record(store, ctx, server_id, "attach_interface", host=server.host,
                    events=["compute_attach_interface"])
    return added[0]


def detach(runtime: Runtime, ctx: RequestContext, server_id: str, port_id: str) -> None:
    """``DELETE /servers/{id}/os-interface/{port_id}``: 202 even for a port the server lacks.

    Nova casts the detach to the compute host, which then fails on an unknown port: the API still
    answers 202 and only the instance action's event records the error.
    """
    found = []

    def change(server: Server) -> Server:
        lifecycle.guard(server, Action.DETACH_INTERFACE, is_admin=ctx.is_admin)
        kept = tuple(nic for nic in server.nics if nic.port_id != port_id)
        found.append(len(kept) != len(server.nics))
        if found[-1]:
            network.release_nic(runtime.store, ctx, port_id)
        return evolve(server, nics=kept, updated_at=ctx.now) if found[-1] else server

    server = compute.edit(runtime, ctx, server_id, change, touches=network.PORT_WRITES)
    history.record(runtime.store, ctx, server_id, "detach_interface", host=server.host,
                    events=["compute_detach_interface"], result="Success" if found[-1] else "Error")
