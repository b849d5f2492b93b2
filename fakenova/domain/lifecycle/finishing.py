"""What an action leaves behind outside the server record: snapshot images, migration records, and the volumes
a deleted server releases.

``started`` runs when an action begins and ``finished`` when its transition ends (``compute.settle``). An
action at the ``Immediate`` pace is finished as far as anyone can tell as soon as it starts, so its records
are completed at once: a client polling Glance for a snapshot never has to read the server first.
Migration records (store kind ``migration``, keyed by uuid) follow Nova's ``migrations`` table.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from ...domain.ports import Runtime
from ..hosts import HOST
from ..models import Server
from ..pace import Immediate
from ..states import VmState
from .table import LIFECYCLE, Action, Finish

#: the status a migration has while running and once finished, per Nova migration_type (the row names it)
_RUNNING = {"resize": "migrating", "migration": "migrating", "live-migration": "running",
            "evacuation": "accepted"}
_DONE = {"resize": "finished", "migration": "finished", "live-migration": "completed", "evacuation": "done"}


def flavor_db_id(flavor: Optional[Mapping[str, Any]]) -> Optional[int]:
    """Nova's ``instance_type_id``: the flavor's integer database id (its numeric flavor id here), or None.

    Nova's migration bodies show the internal integer id, not the flavor id; fakenova keeps no second id,
    so a numeric flavor id stands for it and any other flavor id has none to show.
    """
    flavor_id = str((flavor or {}).get("id", ""))
    return int(flavor_id) if flavor_id.isdigit() else None


def new_migration(runtime: Runtime, ctx: Any, server: Server, action: Action) -> Dict[str, Any]:
    """Store the migration record of ``action``, which has just begun on ``server``, and return it.

    The source is the server's host, the destination the host its transition is going to; an action that
    did not start (placement found no host) leaves a record in Nova's ``error`` status without one.
    """
    kind = LIFECYCLE[action].migration_type
    assert kind is not None, f"{action.value} writes no migration record"
    source = server.host
    dest = server.transition.destination if server.transition is not None else None
    dest_record = runtime.store.get(HOST, dest) if dest else None
    record = {
        "id": runtime.store.next_counter("migration"), "uuid": runtime.ids.uuid(), "instance_uuid": server.id,
        "source_compute": source, "dest_compute": dest, "source_node": source, "dest_node": dest,
        "dest_host": dest_record["host_ip"] if dest_record else None,
        "status": _RUNNING[kind] if server.transition is not None else "error",
        "migration_type": kind, "created_at": ctx.now, "updated_at": ctx.now,
        "project_id": server.project_id, "user_id": ctx.user_id,
        "old_instance_type_id": flavor_db_id(server.flavor),
        "new_instance_type_id": flavor_db_id(server.new_flavor or server.flavor), "hidden": False,
    }
    runtime.store.put("migration", record["uuid"], record, project=server.project_id)
    return record


def set_migration_status(runtime: Runtime, server_id: str, status: str, now: float, *,
                         only: Optional[str] = None) -> None:
    """Move the server's latest migration (optionally only one in status ``only``) to ``status``."""
    found = [m for m in runtime.store.list("migration") if m["instance_uuid"] == server_id
             and (only is None or m["status"] == only)]
    if found:
        latest = max(found, key=lambda m: m["id"])
        runtime.store.compute("migration", latest["uuid"],
                              lambda m: {**m, "status": status, "updated_at": now})


def _finish_migration(runtime: Runtime, server: Server, now: float) -> None:
    # a move told to fail, or an evacuation with nowhere to go (ended, or about to end at once)
    transition = server.transition
    failed = server.vm_state is VmState.ERROR or (transition is not None and transition.outcome == "error")
    for kind, status in _DONE.items():
        set_migration_status(runtime, server.id, "error" if failed else status, now, only=_RUNNING[kind])


def _activate_snapshots(runtime: Runtime, server: Server, now: float) -> None:
    for image in runtime.store.list("image"):
        properties = image.get("properties") or {}
        if properties.get("instance_uuid") == server.id and image.get("status") == "saving":
            runtime.store.compute("image", image["id"], lambda i: {**i, "status": "active", "updated_at": now})


def _delete_shelved_image(runtime: Runtime, server: Server, now: float) -> None:
    # Nova deletes the snapshot once the unshelved guest runs again (``_delete_snapshot_of_shelved_instance``)
    if server.shelved_image_id is not None:
        runtime.store.delete("image", server.shelved_image_id)


def _release_volumes(runtime: Runtime, server: Server, now: float) -> None:
    # Nova's _shutdown_instance detaches every volume, then _cleanup_volumes deletes those it was told to
    from ..cinder import release_server_volumes  # Cinder's records; the lifecycle table need not load them

    release_server_volumes(runtime, server, now)


#: one function per :class:`Finish` a row declares
FINISH: Mapping[Finish, Callable[[Any, Server, float], None]] = {
    Finish.ACTIVATES_SNAPSHOTS: _activate_snapshots,
    Finish.ENDS_MIGRATION: _finish_migration,
    Finish.DELETES_SHELVED_IMAGE: _delete_shelved_image,
    Finish.RELEASES_VOLUMES: _release_volumes,
}
if set(FINISH) != set(Finish):
    raise AssertionError("FINISH needs a function for every Finish")


#: the kinds the FINISH hooks (and ``new_migration``) write: a ``store.compute`` whose function may start or
#: finish an action (``compute.settle``, ``started``) declares them in ``touches``
WRITES: Tuple[str, ...] = ("migration", "image", "volume")


def started(runtime: Runtime, server: Server, now: float) -> None:
    """Complete the records of an action that has just begun at the Immediate pace."""
    transition = server.transition
    if transition is not None and isinstance(transition.pace, Immediate):
        finished(runtime, server, transition.action, now)


def finished(runtime: Runtime, server: Server, action: Action, now: float) -> None:
    """Complete the records of ``action``, which has just ended on ``server``."""
    finish = LIFECYCLE[action].finishes
    if finish is not None:
        FINISH[finish](runtime, server, now)
