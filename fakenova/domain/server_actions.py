"""Server actions: :func:`perform` runs any LIFECYCLE row in Nova's order, and the small use cases built on it.

Order (nova-facts §f): lookup (404) → policy (403) → the row's guards (lock, host, vm_state, task_state,
launched: 409) → the action's own semantic checks (400/403, in ``prepare``) → begin the row's path → record
the instance action with this request's id. Bigger use cases live in ``resize.py`` and ``snapshots.py``.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Sequence, Tuple

from . import compute, errors, floating_ips, history, placement, policy, quotas, security_groups
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .lifecycle import finishing
from .lifecycle.table import LIFECYCLE, Action
from .models import Server, evolve
from .ports import Runtime
from .states import VmState

Prepare = Callable[[Server], Server]
Move = Callable[[Server], Optional[placement.Request]]
#: checks run before the guards; they raise or return nothing
Screen = Callable[[Server], None]

#: ``os-resetState`` body ``state`` -> vm_state
RESET_STATES: Mapping[str, VmState] = {"active": VmState.ACTIVE, "error": VmState.ERROR}


def lookup(current: Optional[Server], ctx: RequestContext, server_id: str, action: Action) -> Server:
    """The caller's server, or Nova's 404 (another project's server is as missing as a missing one)."""
    return compute.callers_server(current, ctx, server_id, unmapped=LIFECYCLE[action].cell_lookup)


def perform(runtime: Runtime, ctx: RequestContext, action: Action, server_id: str,
            prepare: Optional[Prepare] = None, move: Optional[Move] = None,
            rule: Optional[str] = None, screen: Optional[Screen] = None) -> Server:
    """Run ``action`` on the server atomically and record it; return the server as stored afterwards.

    A row with a ``migration_type`` also writes its migration record as it begins (``finishing.py``).

    :param prepare: the action's semantic checks and changes, run after the guards and before the path
        begins; it returns the server to begin from (or to store, for rows without a path).
    :param move: for an action that moves the server, the placement request for where it goes (a function
        of the prepared server).
    :param rule: the policy to enforce instead of the row's (Nova checks ``migrate:host`` *instead of*
        ``migrate`` when a host is named).
    :param screen: the checks Nova's API handler makes itself, after the policy and before the compute API's
        state checks (the guards' 409s); it raises or returns nothing.
    """
    row = LIFECYCLE[action]

    def start(current: Optional[Server]) -> Server:
        server = compute.settle(runtime, lookup(current, ctx, server_id, action), ctx.now, observed=False)
        policy.authorize(ctx, rule or row.rule, policy.server_target(server))
        if screen is not None:
            screen(server)
        lifecycle.check_guards(server, row, is_admin=ctx.is_admin)
        server = prepare(server) if prepare is not None else server
        if not row.path:
            return server
        server = compute.begin_action(runtime, ctx, server, action, move=move(server) if move else None)
        if row.migration_type is not None:
            finishing.new_migration(runtime, ctx, server, action)
        finishing.started(runtime, server, ctx.now)
        return server

    with runtime.store.atomically():
        server = runtime.store.compute("server", server_id, start, touches=compute.ACTION_WRITES)
    history.record_row(runtime.store, ctx, server_id, action, host=server.host)
    return server


def lock(runtime: Runtime, ctx: RequestContext, server_id: str, reason: Optional[str]) -> Server:
    """``lock``: ``owner`` when the caller is of the server's project, else ``admin``; an owner's re-lock is
    a no-op (the first reason stays)."""
    def apply(server: Server) -> Server:
        owner = ctx.project_id == server.project_id
        if server.locked_by is not None and owner:
            return server
        return evolve(server, locked_by="owner" if owner else "admin", locked_reason=reason,
                       updated_at=ctx.now)

    return perform(runtime, ctx, Action.LOCK, server_id, apply)


def unlock(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``unlock``: only an admin may lift a lock the other party set (``unlock_override``)."""
    def apply(server: Server) -> Server:
        owner = ctx.project_id == server.project_id
        if server.locked_by == "admin" and owner:
            policy.authorize(ctx, "os_compute_api:os-lock-server:unlock:unlock_override", policy.server_target(server))
        return evolve(server, locked_by=None, locked_reason=None, updated_at=ctx.now)

    return perform(runtime, ctx, Action.UNLOCK, server_id, apply)


def reset_state(runtime: Runtime, ctx: RequestContext, server_id: str, state: str) -> Server:
    """``os-resetState``: set the vm_state, clear the task_state and abandon any action under way."""
    def apply(server: Server) -> Server:
        return evolve(server, vm_state=RESET_STATES[state], task_state=None, transition=None,
                       updated_at=ctx.now)

    return perform(runtime, ctx, Action.RESET_STATE, server_id, apply)


def change_password(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``changePassword``: PASSWORD while it runs; a lock reads as Nova's generic invalid-state 409."""
    try:
        return perform(runtime, ctx, Action.CHANGE_PASSWORD, server_id)
    except errors.InstanceIsLocked:
        # Nova's API catches InstanceInvalidState (of which InstanceIsLocked is a subclass) for this action.
        raise errors.InstanceInvalidStateFor(uuid=server_id, action="changePassword") from None


def restore(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``restore``: a soft-deleted server comes back if the project's quota has room for it again (403)."""
    def apply(server: Server) -> Server:
        # Nova does not count soft-deleted servers, so restoring one is a new claim on the quota.
        quotas.check_delta(runtime.store, server.project_id, user_id=server.user_id, instances=1,
                           cores=server.flavor["vcpus"], ram=server.flavor["ram"])
        return server

    return perform(runtime, ctx, Action.RESTORE, server_id, apply)


def guarded(runtime: Runtime, ctx: RequestContext, action: Action, server_id: str) -> Server:
    """Check a guards-only row (consoles, crash dump, network info) and return the server unchanged."""
    return perform(runtime, ctx, action, server_id)


_CONSOLE_LINES = (
    "[    0.000000] Linux version 5.15.0-71-generic (fakenova) #78-Ubuntu SMP",
    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=LABEL=cirros-rootfs ro console=tty1 console=ttyS0",
    "[    1.234567] EXT4-fs (vda1): mounted filesystem with ordered data mode.",
    "Starting network...",
    "udhcpc: lease obtained, lease time 86400",
    "checking http://169.254.169.254/2009-04-04/instance-id",
    "successful after 1/20 tries: up 3.21. iid=i-00000001",
    "=== system information ===",
    "Platform: OpenStack Foundation OpenStack Nova",
    "=== cirros: current=0.6.2 uptime=4.12 ===",
    "login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root.",
    "{hostname} login: ",
)


def console_output(runtime: Runtime, ctx: RequestContext, server_id: str, length: Any) -> str:
    """``os-getConsoleOutput``: the last ``length`` lines of a cirros-like boot log (all for None or -1)."""
    server = guarded(runtime, ctx, Action.CONSOLE_OUTPUT, server_id)
    lines = [line.format(hostname=server.hostname or server.name) for line in _CONSOLE_LINES]
    count = -1 if length is None else int(length)
    shown = lines if count < 0 else lines[len(lines) - count:] if count else []
    return "\n".join(shown)


def _resolve(runtime: Runtime, ctx: RequestContext, server: Server, name_or_id: str) -> str:
    """The name of the group ``name_or_id`` names (neutronclient's ``find_resourceid_by_name_or_id`` over the
    project's records), or Nova's 404 worded as ``security_group_api`` words it."""
    found = security_groups.find(runtime.store, server.project_id, name_or_id)
    if found is not None:
        return str(found["name"])
    if name_or_id in server.security_groups:  # a group the server kept after it was deleted
        return name_or_id
    raise errors.NotFound(f"Security group {name_or_id} is not found for project {ctx.project_id}")


def add_security_group(runtime: Runtime, ctx: RequestContext, server_id: str, name: str) -> Server:
    """``addSecurityGroup``: 404 for a group that does not exist, 400 if the server already has it."""
    def apply(server: Server) -> Server:
        group = _resolve(runtime, ctx, server, name)
        if group in server.security_groups:
            raise errors.BadRequest(f"Security group {name} is already associated with the instance "
                                    f"{server.id}")
        return evolve(server, security_groups=(*server.security_groups, group), updated_at=ctx.now)

    return perform(runtime, ctx, Action.ADD_SECURITY_GROUP, server_id, apply)


def remove_security_group(runtime: Runtime, ctx: RequestContext, server_id: str, name: str) -> Server:
    """``removeSecurityGroup``: 404 for a group that does not exist or that the server is not in."""
    def apply(server: Server) -> Server:
        group = _resolve(runtime, ctx, server, name)
        if group not in server.security_groups:
            raise errors.NotFound(f"Security group {name} not associated with the instance {server.id}")
        kept = tuple(known for known in server.security_groups if known != group)
        return evolve(server, security_groups=kept, updated_at=ctx.now)

    return perform(runtime, ctx, Action.REMOVE_SECURITY_GROUP, server_id, apply)


def _floating_ip(runtime: Runtime, ctx: RequestContext, address: str, missing: str = "") -> Any:
    for fip in floating_ips.visible(runtime.store, ctx):
        if fip.floating_ip_address == address:
            return fip
    raise errors.NotFound(missing or f"Floating IP not found for address {address}.")


#: how neutronclient words a Neutron error it raises (its ``NeutronClientException``), which Nova passes on
NEUTRONCLIENT_ERROR = "{message}\nNeutron server returns request_ids: ['{request_id}']"


def _fixed_address(server_id: str, nics: Sequence[Any], address: str, fixed_address: Optional[str]) -> Tuple[Any, str]:
    """The NIC and fixed address ``addFloatingIp`` uses, with the checks of Nova's ``_add_floating_ip``."""
    if not nics:
        raise errors.BadRequest("Instance network is not ready yet")
    fixed = [(nic, ip) for nic in nics for version, ip in nic.ips]
    if not fixed:
        raise errors.BadRequest("No fixed IPs associated to instance")
    if fixed_address is not None:
        chosen = next((pair for pair in fixed if pair[1] == fixed_address), None)
        if chosen is None:
            raise errors.BadRequest("Specified fixed address not assigned to instance")
        return chosen
    chosen = next(((nic, ip) for nic in nics for version, ip in nic.ips if version == 4), None)
    if chosen is None:
        raise errors.BadRequest(f"Unable to associate floating IP {address} to any fixed IPs for instance "
                                f"{server_id}. Instance has no fixed IPv4 addresses to associate.")
    return chosen


def add_floating_ip(runtime: Runtime, ctx: RequestContext, server_id: str, address: str,
                    fixed_address: Optional[str]) -> None:
    """``addFloatingIp`` (≤2.43): associate the project's floating IP with the server's port of the fixed
    address. Neutron's refusal (409: another floating IP of that network on that fixed address) reaches the
    caller as Nova's 400 ``FloatingIpAssociateFailed``, worded by neutronclient; a floating IP on another
    server moves (Neutron allows it)."""
    server = perform(runtime, ctx, Action.ADD_FLOATING_IP, server_id)
    nic, fixed = _fixed_address(server_id, server.nics, address, fixed_address)
    fip = _floating_ip(runtime, ctx, address, missing="floating IP not found")
    try:
        floating_ips.update(runtime.store, ctx, fip.id, {"port_id": nic.port_id, "fixed_ip_address": fixed})
    except errors.Conflict as refused:
        raise errors.BadRequest(NEUTRONCLIENT_ERROR.format(message=refused.message,
                                                           request_id=runtime.ids.request_id())) from None


def remove_floating_ip(runtime: Runtime, ctx: RequestContext, server_id: str, address: str) -> None:
    """``removeFloatingIp`` (≤2.43): disassociate; 409 if the address is not on this server."""
    server = perform(runtime, ctx, Action.REMOVE_FLOATING_IP, server_id)
    fip = _floating_ip(runtime, ctx, address)
    if not any(address in nic.floating_ips for nic in server.nics):
        raise errors.Conflict(f"Floating IP {address} is not associated with instance {server_id}.")
    floating_ips.update(runtime.store, ctx, fip.id, {"port_id": None})
