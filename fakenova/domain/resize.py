"""Moving a server: resize, cold and live migration, evacuation, and confirming or reverting a resize.

Each is a LIFECYCLE row run by ``server_actions.perform``; the checks here are the ones Nova makes after
the guards (flavor, quota delta, target host), and each writes a migration record (``finishing.py``).
fakenova has one compute host, so a resize stays on it (devstack's ``allow_resize_to_same_host``) and a cold
migration without a host "moves" in place; naming that host is refused as Nova refuses a same-host move.
"""
from __future__ import annotations

from typing import Any, Optional

from . import errors, flavors, policy, quotas
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .lifecycle import finishing
from .lifecycle.table import Action
from .models import Server, evolve
from .ports import Runtime
from .server_actions import perform


def resize(runtime: Runtime, ctx: RequestContext, server_id: str, flavor_ref: Any,
           disk_config: Optional[str] = None) -> Server:
    """``resize``: a different flavor within quota; ends VERIFY_RESIZE with it applied, the old one kept."""
    def apply(server: Server) -> Server:
        flavor = flavors.for_server(runtime.store, ctx, flavor_ref)
        if str(flavor["id"]) == str(server.flavor.get("id")):
            raise errors.BadRequest("When resizing, instances must change flavor!")
        quotas.check_delta(runtime.store, server.project_id, user_id=server.user_id,
                           cores=flavor["vcpus"] - server.flavor["vcpus"], ram=flavor["ram"] - server.flavor["ram"])
        finishing.new_migration(runtime, ctx, server, Action.RESIZE, new_flavor=flavor)
        return evolve(server, new_flavor=dict(flavor), disk_config=disk_config or server.disk_config)

    return perform(runtime, ctx, Action.RESIZE, server_id, apply)


def confirm_resize(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``confirmResize`` (204): back to ACTIVE, or SHUTOFF if it was stopped; the old flavor is dropped."""
    server = perform(runtime, ctx, Action.CONFIRM_RESIZE, server_id)
    finishing.set_migration_status(runtime, server_id, "confirmed", ctx.now, only="finished")
    return server


def revert_resize(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``revertResize``: REVERT_RESIZE, then the state and flavor from before the resize."""
    server = perform(runtime, ctx, Action.REVERT_RESIZE, server_id)
    finishing.set_migration_status(runtime, server_id, "reverted", ctx.now, only="finished")
    return server


def _check_host(ctx: RequestContext, server: Server, host: Optional[str], rule: str, same_host: str) -> None:
    """A named target host: admin only (``rule``), must exist, and may not be the server's own."""
    if host is None:
        return
    policy.enforce(ctx, policy.Policy.ADMIN, rule)
    if host != lifecycle.DEFAULT_HOST:
        raise errors.BadRequest(f"Compute host {host} could not be found.")
    if host == server.host:
        raise errors.BadRequest(same_host)


def migrate(runtime: Runtime, ctx: RequestContext, server_id: str, host: Optional[str]) -> Server:
    """``migrate`` (cold): like a resize to the same flavor, ending VERIFY_RESIZE."""
    def apply(server: Server) -> Server:
        _check_host(ctx, server, host, "os_compute_api:os-migrate-server:migrate:host",
                    "Cannot migrate to the host where the server exists.")
        finishing.new_migration(runtime, ctx, server, Action.MIGRATE)
        return evolve(server, new_flavor=None)

    return perform(runtime, ctx, Action.MIGRATE, server_id, apply)


def live_migrate(runtime: Runtime, ctx: RequestContext, server_id: str, host: Optional[str]) -> Server:
    """``os-migrateLive``: MIGRATING, then back where it was."""
    def apply(server: Server) -> Server:
        _check_host(ctx, server, host, "os_compute_api:os-migrate-server:migrate_live:host",
                    f"Unable to migrate instance ({server.id}) to current host ({server.host}).")
        finishing.new_migration(runtime, ctx, server, Action.LIVE_MIGRATE)
        return server

    return perform(runtime, ctx, Action.LIVE_MIGRATE, server_id, apply)


def evacuate(runtime: Runtime, ctx: RequestContext, server_id: str, host: Optional[str], action: Action) -> Server:
    """``evacuate``: only from a host whose compute service is down, and fakenova's one host never is.

    :param action: EVACUATE or EVACUATE_STOPPED, as the request's microversion chose.
    """

    def apply(server: Server) -> Server:
        if host is not None and host != lifecycle.DEFAULT_HOST:
            raise errors.NotFound(f"Compute host {host} not found.")
        if host == server.host:
            raise errors.BadRequest("The target host can't be the same one.")
        raise errors.BadRequest(f"Compute service of {server.host} is still in use.")

    return perform(runtime, ctx, action, server_id, apply)
