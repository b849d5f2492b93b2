"""Moving a server between hosts: resize, cold and live migration, evacuation, and confirming or reverting
a resize.

Each is a LIFECYCLE row run by ``server_actions.perform``; :data:`SCREENS` are the checks Nova's API handler makes
before the state checks, the others here the ones its compute API makes
after the guards, then placement (``placement.py``) chooses the destination as Nova's conductor and
scheduler do: never the host being left (a resize may stay when ``allow_resize_to_same_host``), an admin's
host checked by the filters or, when forced, taken as given. ``perform`` writes the migration record.
When no host is valid a resize or migration does not happen (Nova's conductor puts the server back and the
record ends ``error``; a live migration before 2.34 waits for that answer: 400), and an evacuation ends the
server in ERROR.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Tuple

from . import errors, flavors, placement, quotas
from . import hosts as fleet
from .context import RequestContext
from .lifecycle import finishing
from .lifecycle.table import Action
from .models import Server, evolve
from .ports import Runtime, Store
from .server_actions import perform


class ComputeHostNotFound(errors.BadRequest):
    msg_fmt = "Compute host {host} could not be found."


class CannotMigrateToSameHost(errors.BadRequest):
    msg_fmt = "Cannot migrate to the host where the server exists."


class UnableToMigrateToSelf(errors.BadRequest):
    msg_fmt = "Unable to migrate instance ({instance_id}) to current host ({host})."


class ComputeServiceUnavailable(errors.BadRequest):
    msg_fmt = "Compute service of {host} is unavailable at this time."


class ComputeServiceInUse(errors.BadRequest):
    msg_fmt = "Compute service of {host} is still in use."


NO_FORCE_WITHOUT_HOST = "Can't force to a non-provided destination"


@dataclass(frozen=True)
class Target:
    """Where an admin asked a live migration or evacuation to go, as the request's microversion reads it.

    :param host: the requested host (None: the scheduler picks).
    :param force: the body's ``force`` (2.29/2.30 to 2.67); None before, when a given host is forced, and
        False from 2.68, when it never is.
    :param password_on_shared_storage: an evacuation before 2.14 gave ``adminPass`` with
        ``onSharedStorage`` true (Nova refuses: the disk is kept).
    """

    host: Optional[str] = None
    force: Optional[bool] = None
    password_on_shared_storage: bool = False

    @property
    def forced(self) -> bool:
        return self.host is not None and self.force is not False



def _known_host(store: Store, host: str) -> bool:
    return store.get(fleet.HOST, host) is not None and fleet.compute_service(store, host) is not None


def _forced_nowhere(store: Store, server: Server, target: Target) -> None:
    if target.force and target.host is None:
        raise errors.BadRequest(NO_FORCE_WITHOUT_HOST)


def _password_kept(store: Store, server: Server, target: Target) -> None:
    if target.password_on_shared_storage:  # evacuate before 2.14
        raise errors.BadRequest("admin password can't be changed on existing disk")


def _evacuation_host_known(store: Store, server: Server, target: Target) -> None:
    if target.host is not None and not _known_host(store, target.host):
        raise errors.NotFound(f"Compute host {target.host} not found.")


def _not_same_host(store: Store, server: Server, target: Target) -> None:
    if target.host == server.host:
        raise errors.BadRequest("The target host can't be the same one.")


Check = Callable[[Store, Server, Target], None]

#: the checks Nova's API handler makes itself, in its order, after the policy and before the compute API's
#: state checks (409s): live migration's ``force`` (migrate_server.py), evacuation's body, host lookup and
#: same-host refusal (evacuate.py). A live migration's unknown host is the compute API's, after the states.
SCREENS: Mapping[str, Tuple[Check, ...]] = {
    "live_migrate": (_forced_nowhere,),
    "evacuate": (_forced_nowhere, _password_kept, _evacuation_host_known, _not_same_host),
}


def _screen(store: Store, target: Target, name: str) -> Callable[[Server], None]:
    def screen(server: Server) -> None:
        for check in SCREENS[name]:
            check(store, server, target)
    return screen


def _request(server: Server, *, host: Optional[str] = None, leave: bool = True, forced: bool = False,
             flavor: Optional[Any] = None) -> placement.Request:
    """The placement request for moving ``server``: to ``host`` or anywhere its zone and groups allow.

    :param leave: the server's own host is not a candidate (Nova's ``ignore_hosts``).
    """
    return placement.Request(
        server_id=server.id, project_id=server.project_id, flavor=flavor or server.flavor,
        zone=server.requested_zone, host=host, hints=server.scheduler_hints, groups=server.server_groups,
        ignore_hosts=(server.host,) if leave and server.host else (), forced=forced)


def _host_rule(name: str) -> str:
    """The admin rule Nova checks instead of the action's when the request names a host."""
    return f"os_compute_api:os-migrate-server:{name}"


def resize(runtime: Runtime, ctx: RequestContext, server_id: str, flavor_ref: Any,
           disk_config: Optional[str] = None) -> Server:
    """``resize``: a different flavor within quota, on the best host (the same one only when
    ``allow_resize_to_same_host``); ends VERIFY_RESIZE with it applied, the old one kept."""
    def apply(server: Server) -> Server:
        flavor = flavors.for_server(runtime.store, ctx, flavor_ref)
        if str(flavor["id"]) == str(server.flavor.get("id")):
            raise errors.BadRequest("When resizing, instances must change flavor!")
        quotas.check_delta(runtime.store, server.project_id, user_id=server.user_id,
                           cores=flavor["vcpus"] - server.flavor["vcpus"], ram=flavor["ram"] - server.flavor["ram"])
        return evolve(server, new_flavor=dict(flavor), disk_config=disk_config or server.disk_config)

    def move(server: Server) -> placement.Request:
        return _request(server, leave=not runtime.settings.allow_resize_to_same_host, flavor=server.new_flavor)

    return perform(runtime, ctx, Action.RESIZE, server_id, apply, move)


def confirm_resize(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``confirmResize`` (204): back to ACTIVE, or SHUTOFF if it was stopped; the old flavor is dropped."""
    server = perform(runtime, ctx, Action.CONFIRM_RESIZE, server_id)
    finishing.set_migration_status(runtime, server_id, "confirmed", ctx.now, only="finished")
    return server


def _resized_from(store: Store, server: Server) -> Optional[str]:
    """The host the server's last finished resize or migration left (None when none is recorded)."""
    found = [record for record in store.list("migration") if record["instance_uuid"] == server.id
             and record["status"] == "finished"]
    return max(found, key=lambda record: record["id"])["source_compute"] if found else None


def revert_resize(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``revertResize``: REVERT_RESIZE, then the state, flavor and host from before the resize."""
    def move(server: Server) -> Optional[placement.Request]:
        source = _resized_from(runtime.store, server)
        return _request(server, host=source, leave=False, forced=True) if source else None

    server = perform(runtime, ctx, Action.REVERT_RESIZE, server_id, move=move)
    finishing.set_migration_status(runtime, server_id, "reverted", ctx.now, only="finished")
    return server


def migrate(runtime: Runtime, ctx: RequestContext, server_id: str, host: Optional[str]) -> Server:
    """``migrate`` (cold): like a resize to the same flavor on another host, ending VERIFY_RESIZE.

    :param host: 2.56's admin-chosen host, which the scheduler's filters still check.
    """
    def apply(server: Server) -> Server:
        if host is not None:
            if host == server.host:
                raise CannotMigrateToSameHost()
            if not _known_host(runtime.store, host):
                raise ComputeHostNotFound(host=host)
        return evolve(server, new_flavor=None)

    return perform(runtime, ctx, Action.MIGRATE, server_id, apply, lambda server: _request(server, host=host),
                   rule=_host_rule("migrate:host") if host is not None else None)


def _check_live_target(runtime: Runtime, server: Server, target: Target) -> None:
    """What Nova's conductor checks before a live migration starts; raised as 400 while the API waits for
    it (before 2.34)."""
    if target.forced:
        if target.host == server.host:
            raise UnableToMigrateToSelf(instance_id=server.id, host=server.host)
        service = fleet.compute_service(runtime.store, str(target.host))
        if service is None or not fleet.is_up(service):
            raise ComputeServiceUnavailable(host=target.host)
    try:
        placement.place(runtime, _request(server, host=target.host, forced=target.forced))
    except placement.NoValidHost as refused:
        raise errors.BadRequest(refused.message) from None


def live_migrate(runtime: Runtime, ctx: RequestContext, server_id: str, target: Target, *,
                 waits: bool) -> Server:
    """``os-migrateLive``: MIGRATING, then ACTIVE (or PAUSED) on the destination.

    :param waits: the API waits for the conductor's checks (before 2.34), so a failed one is a 400;
        from 2.34 the request is accepted and the migration record ends ``error`` instead.
    """
    def apply(server: Server) -> Server:
        if target.host is not None and not _known_host(runtime.store, target.host):
            raise ComputeHostNotFound(host=target.host)
        if waits:
            _check_live_target(runtime, server, target)
        return server

    return perform(runtime, ctx, Action.LIVE_MIGRATE, server_id, apply,
                   lambda server: _request(server, host=target.host, forced=target.forced),
                   rule=_host_rule("migrate_live:host") if target.host is not None else None,
                   screen=_screen(runtime.store, target, "live_migrate"))


def evacuate(runtime: Runtime, ctx: RequestContext, server_id: str, target: Target, action: Action) -> Server:
    """``evacuate``: rebuilt on another host, only when the server's host's compute service is down (forced
    down, 2.11); placement finding no host leaves the server in ERROR.

    :param action: EVACUATE or EVACUATE_STOPPED, as the request's microversion chose.
    """
    def apply(server: Server) -> Server:
        service = fleet.compute_service(runtime.store, server.host or "")
        if service is not None and fleet.is_up(service):
            raise ComputeServiceInUse(host=server.host)
        return server

    return perform(runtime, ctx, action, server_id, apply,
                   lambda server: _request(server, host=target.host, forced=target.forced),
                   screen=_screen(runtime.store, target, "evacuate"))
