"""Server use cases besides create: show, list, update and delete, each one atomic against the store.

Reading a server is a named step that may advance it (``lifecycle.advance`` with ``observed=True``), applied
through ``store.compute`` so concurrent readers and writers never lose an update.
"""
from __future__ import annotations

from typing import Any, Callable, Collection, Mapping, Optional

from . import errors, history, placement, server_groups
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .lifecycle import finishing
from .models import Fault, Server, evolve
from .ports import CHOOSER_WRITES, Runtime
from .states import VmState
from .strings import normal_ipv6

#: PUT /servers/{id} body key -> Server attribute (schema validation already limits keys per version)
UPDATE_FIELDS: Mapping[str, str] = {
    "name": "name", "description": "description", "accessIPv4": "access_ipv4",
    "accessIPv6": "access_ipv6", "OS-DCF:diskConfig": "disk_config", "hostname": "hostname",
}

#: what a compute function calling :func:`settle` may write besides its server, and one calling
#: :func:`begin_action` (the chooser counts scenario hits); see ``Store.compute``'s ``touches``
SETTLE_WRITES = finishing.WRITES
ACTION_WRITES = finishing.WRITES + CHOOSER_WRITES


def visible(server: Optional[Server], ctx: RequestContext) -> bool:
    """Whether the caller may see ``server``: it exists, is not deleted, and is theirs (or they are admin)."""
    return (server is not None and not server.deleted
            and (ctx.is_admin or server.project_id == ctx.project_id))


def callers_server(server: Optional[Server], ctx: RequestContext, server_id: str, *, deleted_ok: bool = False,
                   unmapped: bool = False) -> Server:
    """``server`` when the caller may act on it, else Nova's 404 (another project's is as missing as none).

    :param deleted_ok: a deleted server is found (instance actions from 2.21, read with ``read_deleted``).
    :param unmapped: a missing server is ``has no mapping to a cell`` (controllers that look the cell up).
    """
    if server is None and unmapped:
        raise errors.InstanceMappingNotFound(uuid=server_id)
    if server is None or (server.deleted and not deleted_ok) or not (
            ctx.is_admin or server.project_id == ctx.project_id):
        raise errors.InstanceNotFound(uuid=server_id)
    return server


def edit(runtime: Runtime, ctx: RequestContext, server_id: str, change: Callable[[Server], Server], *,
         touches: Collection[str] = ()) -> Server:
    """Atomically settle the caller's server and apply ``change`` to it; 404 when it is not theirs.

    :param change: a function of the settled server; it raises to refuse (guards, quotas).
    :param touches: the kinds ``change`` writes besides the server (``Store.compute``'s declaration).
    """
    def apply(current: Optional[Server]) -> Server:
        return change(settle(runtime, callers_server(current, ctx, server_id), ctx.now, observed=False))

    return runtime.store.compute("server", server_id, apply, touches=(*SETTLE_WRITES, *touches))


def settle(runtime: Runtime, server: Server, now: float, *, observed: bool) -> Server:
    """Advance a server's action at its pace, then reclaim it if it has been soft-deleted long enough."""
    before = server.transition
    server = lifecycle.advance(server, now, observed=observed)
    if before is not None and server.transition is None:
        finishing.finished(runtime, server, before.action, now)
    if server.transition is None and _offload_due(server, now, runtime.settings.shelved_offload_time):
        server = lifecycle.advance(lifecycle.begin(server, lifecycle.Action.SHELVE_OFFLOAD, now,
                                                   pace=lifecycle.Immediate(), is_admin=True),
                                   now, observed=False)
    interval = runtime.settings.reclaim_instance_interval
    if (server.vm_state is VmState.SOFT_DELETED and server.transition is None and not server.deleted
            and interval > 0 and server.deleted_at is not None and now - server.deleted_at >= interval):
        server = lifecycle.advance(lifecycle.begin(server, lifecycle.Action.DELETE, now,
                                                   pace=lifecycle.Immediate(), is_admin=True),
                                   now, observed=False)
        finishing.finished(runtime, server, lifecycle.Action.DELETE, now)  # the reclaim releases its volumes
    return server


def _offload_due(server: Server, now: float, offload_time: float) -> bool:
    """Whether a SHELVED server has kept its host ``shelved_offload_time`` (Nova's periodic offload)."""
    return (server.vm_state is VmState.SHELVED and offload_time >= 0 and server.shelved_at is not None
            and now - server.shelved_at >= offload_time)


def observe(runtime: Runtime, ctx: RequestContext, server_id: str, *, observed: bool = True) -> Server:
    """The server as the caller sees it now, advanced; 404 when missing, deleted or not theirs."""
    def look(current: Optional[Server]) -> Optional[Server]:
        if not visible(current, ctx):
            return current
        return settle(runtime, current, ctx.now, observed=observed)  # type: ignore[arg-type]

    return callers_server(runtime.store.compute("server", server_id, look, touches=SETTLE_WRITES), ctx, server_id)


def get_server(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``GET /servers/{id}``: one read, which counts as a poll."""
    return observe(runtime, ctx, server_id)


def update_server(runtime: Runtime, ctx: RequestContext, server_id: str, changes: Mapping[str, Any]) -> Server:
    """``PUT /servers/{id}``: no lock or state check, as in Nova; 2.104 may (un)pin the zone."""
    def apply(current: Optional[Server]) -> Optional[Server]:
        server = settle(runtime, callers_server(current, ctx, server_id), ctx.now, observed=False)
        fields = {UPDATE_FIELDS[key]: value for key, value in changes.items() if key in UPDATE_FIELDS}
        if "access_ipv6" in fields:
            fields["access_ipv6"] = normal_ipv6(fields["access_ipv6"])
        if "pinned_availability_zone" in changes:
            fields["pinned_availability_zone"] = _pin(server, changes["pinned_availability_zone"])
        return evolve(server, updated_at=ctx.now, **fields)

    return runtime.store.compute("server", server_id, apply, touches=SETTLE_WRITES)


def _pin(server: Server, requested: Optional[str]) -> Optional[str]:
    if requested is None:
        return None
    if server.pinned_availability_zone is not None and requested != server.pinned_availability_zone:
        raise errors.Conflict("Cannot change pinned availability zone directly. Unpin first by setting "
                              "pinned_availability_zone to null.")
    if requested != server.availability_zone:
        raise errors.Conflict(f"Server can only be pinned to its current availability zone "
                              f"'{server.availability_zone}', but '{requested}' was requested.")
    return requested


def _goes_on_host(server: Server, action: lifecycle.Action) -> bool:
    return not server.host and any(step.on_host for step in lifecycle.LIFECYCLE[action].path)


def _placement_request(server: Server, action: lifecycle.Action, host: Optional[str],
                       node: Optional[str]) -> Optional[placement.Request]:
    """What to ask placement for a server without a host whose action goes on one (None: nothing)."""
    if not _goes_on_host(server, action):
        return None
    # a build's group policy is planned for the whole request (``create.py``); an unshelve meets it here
    groups = () if action is lifecycle.Action.CREATE else server.server_groups
    return placement.Request(server_id=server.id, project_id=server.project_id, flavor=server.flavor,
                             zone=server.requested_zone, host=host, node=node, hints=server.scheduler_hints,
                             groups=groups)


def begin_action(runtime: Runtime, ctx: RequestContext, server: Server, action: lifecycle.Action, *,
                 host: Optional[str] = None, node: Optional[str] = None,
                 move: Optional[placement.Request] = None) -> Server:
    """Start ``action`` on ``server`` with the pace and outcome the runtime chooses (settings or scenario).

    A server without a host whose action goes on one is placed first, as is one that ``move`` moves. When
    no host is valid the action ends in ERROR at once with Nova's "No valid host was found" fault (create's
    ``error`` outcome), or, for a row that ``unplaced_keeps_state``, does not start: the server is returned
    without a transition.

    :param host: the host an admin asked for (create 2.74, ``zone:host``); ``node`` likewise.
    :param move: the placement request of a move (resize, migrations, evacuation).
    """
    choice = runtime.choose(action, server, ctx)
    destination = zone = None
    request = move if move is not None else _placement_request(server, action, host, node)
    if request is not None:
        try:
            chosen = placement.place(runtime, request)
            destination, zone = chosen.host, chosen.zone
        except placement.NoValidHost as refused:
            row = lifecycle.LIFECYCLE[action]
            if row.unplaced_keeps_state:
                return evolve(server, updated_at=ctx.now)
            if lifecycle.Outcome.ERROR in row.outcomes:
                choice = lifecycle.Choice(pace=lifecycle.Immediate(), outcome=lifecycle.Outcome.ERROR,
                                          fault=Fault(code=500, message=refused.message, created=ctx.now))
    return lifecycle.begin(server, action, ctx.now, pace=choice.pace, is_admin=ctx.is_admin,
                           outcome=choice.outcome, fault=choice.fault, destination=destination, zone=zone)


def _delete_action(runtime: Runtime, server: Server) -> lifecycle.Action:
    soft = runtime.settings.reclaim_instance_interval > 0 and server.launched_at is not None
    return lifecycle.Action.SOFT_DELETE if soft else lifecycle.Action.DELETE


def delete_action(runtime: Runtime, ctx: RequestContext, server_id: str) -> lifecycle.Action:
    """What ``DELETE /servers/{id}`` would run now (soft delete when reclaim is on and the server launched),
    read without changing anything: the server is advanced as :func:`settle` would, but not stored."""
    current = runtime.store.get("server", server_id)
    if current is None:
        return lifecycle.Action.DELETE
    return _delete_action(runtime, lifecycle.advance(current, ctx.now, observed=False))


#: the states in which a server has a shelve snapshot (``shelved_image_id``)
_SHELVED = (VmState.SHELVED, VmState.SHELVED_OFFLOADED)


def delete_server(runtime: Runtime, ctx: RequestContext, server_id: str) -> None:
    """``DELETE /servers/{id}``: lock-checked; soft delete when reclaim is on and the server launched.

    A shelved server's snapshot goes with it: Nova's API deletes the ``shelved_image_id`` image as it accepts
    the delete of a SHELVED or SHELVED_OFFLOADED server (``compute/api.py`` ``_delete``).
    """
    snapshot: dict = {}

    def start(current: Optional[Server]) -> Server:
        server = settle(runtime, callers_server(current, ctx, server_id), ctx.now, observed=False)
        snapshot["id"] = server.shelved_image_id if server.vm_state in _SHELVED else None
        server = begin_action(runtime, ctx, server, _delete_action(runtime, server))
        finishing.started(runtime, server, ctx.now)  # at the immediate pace the volumes are released now
        return server

    server = runtime.store.compute("server", server_id, start, touches=ACTION_WRITES)
    if snapshot.get("id"):
        runtime.store.delete("image", snapshot["id"])
    assert server.transition is not None  # just begun: delete or soft delete
    history.record_row(runtime.store, ctx, server_id, server.transition.action, host=server.host)
    if server.transition.action is lifecycle.Action.DELETE:
        # Nova stops counting a member once its delete is accepted; a soft-deleted one stays (restore)
        server_groups.remove_member(runtime.store, server.server_groups, server_id)
