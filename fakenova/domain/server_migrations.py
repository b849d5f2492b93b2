"""A server's live migrations in progress: ``/servers/{id}/migrations`` list and show (2.23), force complete
(2.22) and abort (2.24; from 2.65 also queued or preparing ones).

Migration records (kind ``migration``, dicts keyed by uuid) are written by the actions that move a server
(``lifecycle/finishing.py``); this module only lists, shows, force-completes and aborts them, with Nova's
policies (``os_compute_api:servers:migrations:*``) and messages.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from . import compute, errors, history, policy
from .context import RequestContext
from .migrations import HOST_FIELDS
from .migrations import KIND as MIGRATION_KIND
from .migrations import LIVE_IN_PROGRESS as IN_PROGRESS
from .models import Server
from .ports import Runtime, Store
from .states import TaskState, VmState

_MIGRATION_RULE = "os_compute_api:servers:migrations:{}"


def _migration(store: Store, server_id: str, migration_id: str) -> Dict[str, Any]:
    for record in store.list(MIGRATION_KIND):
        if str(record["id"]) == migration_id and record["instance_uuid"] == server_id:
            return dict(record)
    raise errors.NotFound(f"Migration {migration_id} not found for instance {server_id}")


def _without_hosts(record: Mapping[str, Any], ctx: RequestContext) -> Dict[str, Any]:
    # the host fields stay in the body but only admins (``index:host``) see their values
    return {**record, **({} if ctx.is_admin else {key: None for key in HOST_FIELDS})}


def list_migrations(runtime: Runtime, ctx: RequestContext, server_id: str) -> List[Dict[str, Any]]:
    """``GET /servers/{id}/migrations``: the server's live migrations in progress."""
    compute.observe(runtime, ctx, server_id, observed=False)
    policy.authorize(ctx, _MIGRATION_RULE.format("index"))
    return [_without_hosts(record, ctx) for record in runtime.store.list(MIGRATION_KIND)
            if record["instance_uuid"] == server_id and record["status"] in IN_PROGRESS
            and record.get("migration_type") == "live-migration"]


def show_migration(runtime: Runtime, ctx: RequestContext, server_id: str, migration_id: str) -> Dict[str, Any]:
    """``GET /servers/{id}/migrations/{migration_id}`` (admin only)."""
    compute.observe(runtime, ctx, server_id, observed=False)
    policy.authorize(ctx, _MIGRATION_RULE.format("show"))
    try:
        record = _migration(runtime.store, server_id, migration_id)
    except errors.NotFound:
        raise errors.NotFound(f"In-progress live migration {migration_id} is not found for server "
                              f"{server_id}.") from None
    if record.get("migration_type") != "live-migration":
        raise errors.NotFound(f"Migration {migration_id} for server {server_id} is not live-migration.")
    if record["status"] not in IN_PROGRESS:
        raise errors.NotFound(f"Live migration {migration_id} for server {server_id} is not in progress.")
    return record


def _check_migrating(server: Server, ctx: RequestContext, action: str, active_only: bool) -> None:
    if server.locked_by is not None and not ctx.is_admin:
        raise errors.InstanceIsLocked(uuid=server.id)
    if active_only and server.vm_state is not VmState.ACTIVE:
        raise errors.InstanceInvalidState(action=action, uuid=server.id, attr="vm_state",
                                          state=server.vm_state.value)
    if server.task_state is not TaskState.MIGRATING:
        state = server.task_state.value if server.task_state else "None"
        raise errors.InstanceInvalidState(action=action, uuid=server.id, attr="task_state", state=state)


def _refuse_state(record: Mapping[str, Any], server_id: str, method: str) -> errors.FakeNovaError:
    return errors.BadRequest(f"Migration {record['id']} state of instance {server_id} is {record['status']}. "
                             f"Cannot {method} while the migration is in this state.")


def force_complete(runtime: Runtime, ctx: RequestContext, server_id: str, migration_id: str) -> None:
    """``POST /servers/{id}/migrations/{migration_id}/action`` ``force_complete`` (2.22): 202."""
    server = compute.observe(runtime, ctx, server_id, observed=False)
    policy.authorize(ctx, _MIGRATION_RULE.format("force_complete"))
    _check_migrating(server, ctx, "force_complete", active_only=True)
    try:
        record = _migration(runtime.store, server_id, migration_id)
    except errors.NotFound as missing:
        raise errors.BadRequest(missing.message) from None
    if record["status"] != "running":
        raise _refuse_state(record, server_id, "force complete")
    history.record(runtime.store, ctx, server_id, "live_migration_force_complete", host=server.host,
                    events=["compute_live_migration_force_complete"])


def abort(runtime: Runtime, ctx: RequestContext, server_id: str, migration_id: str, *, queued_too: bool) -> None:
    """``DELETE /servers/{id}/migrations/{migration_id}`` (2.24): the migration is marked ``cancelled``.

    :param queued_too: 2.65 also aborts ``queued`` and ``preparing`` migrations.
    """
    server = compute.observe(runtime, ctx, server_id, observed=False)
    policy.authorize(ctx, _MIGRATION_RULE.format("delete"))
    _check_migrating(server, ctx, "abort live migration", active_only=False)
    record = _migration(runtime.store, server_id, migration_id)
    allowed = ("running", "queued", "preparing") if queued_too else ("running",)
    if record["status"] not in allowed:
        raise _refuse_state(record, server_id, "abort live migration")
    runtime.store.compute(MIGRATION_KIND, record["uuid"],
                          lambda current: {**current, "status": "cancelled", "updated_at": ctx.now})
    history.record(runtime.store, ctx, server_id, "live_migration_cancel", host=server.host,
                    events=["compute_live_migration_abort"])
