"""Actions that involve images: createImage, createBackup, rebuild, rescue, and shelving.

Snapshots are Glance records (store kind ``image``, owned by the server's project) that stay ``saving``
until the snapshot path ends (``finishing.py``). Checks follow Nova's compute API after the row's guards.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from ..version_history import at
from . import errors, placement, policy, quotas, services
from . import hosts as fleet
from .context import RequestContext
from .lifecycle.table import Action
from .models import Server, evolve
from .ports import Runtime, Store
from .server_actions import perform
from .states import VmState
from .strings import normal_ipv6

_REBUILD_VOLUME_BACKED = at("rebuild-volume-backed")
_RESCUE_VOLUME_BACKED = at("rescue-volume-backed")


def _check_image_metadata(store: Store, project_id: str, metadata: Mapping[str, Any]) -> None:
    limit = quotas.quotas_for(store, project_id)["metadata_items"]
    if 0 <= limit < len(metadata):
        raise errors.Forbidden("Image metadata limit exceeded")


def _snapshot_record(runtime: Runtime, ctx: RequestContext, server: Server, name: str, image_type: str,
                     metadata: Mapping[str, Any], extra: Mapping[str, Any]) -> Dict[str, Any]:
    base = runtime.store.get("image", server.image_id) or {}
    # Nova's ``_create_image``: the caller's metadata is applied last, so it may replace ``image_type`` or
    # ``instance_uuid``; a backup's ``backup_type`` is part of that metadata (``extra`` here)
    properties = {**(base.get("properties") or {}), "instance_uuid": server.id,
                  "base_image_ref": server.image_id, "user_id": ctx.user_id, "owner_project_name": "",
                  "image_location": "snapshot", "image_type": image_type, **dict(metadata), **dict(extra)}
    return {"id": runtime.ids.uuid(), "name": name, "status": "saving", "visibility": "private",
            "protected": False, "tags": [], "disk_format": base.get("disk_format", "qcow2"),
            "container_format": base.get("container_format", "bare"), "size": 0,
            "min_disk": server.flavor.get("disk", 0), "min_ram": base.get("min_ram", 0), "properties": properties,
            "created_at": ctx.now, "updated_at": ctx.now, "owner": server.project_id}


def create_image(runtime: Runtime, ctx: RequestContext, server_id: str, name: str,
                 metadata: Mapping[str, Any]) -> str:
    """``createImage``: a private snapshot in Glance; returns its id. Not lock-checked, as in Nova."""
    made: Dict[str, Any] = {}

    def apply(server: Server) -> Server:
        _check_image_metadata(runtime.store, server.project_id, metadata)
        made.update(_snapshot_record(runtime, ctx, server, name, "snapshot", metadata, {}))
        runtime.store.put("image", made["id"], made)
        return server

    perform(runtime, ctx, Action.CREATE_IMAGE, server_id, apply)
    return made["id"]


def create_backup(runtime: Runtime, ctx: RequestContext, server_id: str, name: str, backup_type: str,
                  rotation: int, metadata: Mapping[str, Any]) -> str:
    """``createBackup``: a snapshot of type ``backup``; only the newest ``rotation`` backups of this type are
    kept (0 removes them all, the new one included, as Nova's rotation does)."""
    made: Dict[str, Any] = {}

    def apply(server: Server) -> Server:
        _check_image_metadata(runtime.store, server.project_id, metadata)
        made.update(_snapshot_record(runtime, ctx, server, name, "backup", metadata, {"backup_type": backup_type}))
        runtime.store.put("image", made["id"], made)
        _rotate(runtime.store, server.id, backup_type, rotation)
        return server

    perform(runtime, ctx, Action.CREATE_BACKUP, server_id, apply)
    return made["id"]


def _rotate(store: Store, server_id: str, backup_type: str, rotation: int) -> None:
    backups = [image for image in store.list("image")
               if (image.get("properties") or {}).get("instance_uuid") == server_id
               and (image.get("properties") or {}).get("backup_type") == backup_type]
    backups.sort(key=lambda image: image["created_at"])  # stable: the store lists in insertion order
    for image in backups[:max(0, len(backups) - rotation)]:
        store.delete("image", image["id"])


#: rebuild body key -> Server attribute, for the keys copied as given
_REBUILD_FIELDS: Mapping[str, str] = {
    "name": "name", "accessIPv4": "access_ipv4", "accessIPv6": "access_ipv6", "OS-DCF:diskConfig": "disk_config",
    "description": "description", "user_data": "user_data", "hostname": "hostname",
}


def _rebuild_image(runtime: Runtime, ctx: RequestContext, server: Server, image_ref: str) -> str:
    image = runtime.store.get("image", image_ref)
    if image is None or image.get("status") != "active":
        raise errors.BadRequest("Cannot find image for rebuild")
    if not server.image_id and ctx.version < _REBUILD_VOLUME_BACKED:
        # Nova reimages a boot volume (reimage_boot_volume) only from the version that allows it.
        raise errors.BadRequest(f"Image {image_ref} is unacceptable: Unable to rebuild with a different image "
                                f"for a volume-backed server.")
    return server.image_id if not server.image_id else image["id"]


def _rebuild_changes(runtime: Runtime, ctx: RequestContext, server: Server,
                     body: Mapping[str, Any]) -> Dict[str, Any]:
    changes: Dict[str, Any] = {attr: body[key] for key, attr in _REBUILD_FIELDS.items() if key in body}
    if "access_ipv6" in changes:
        changes["access_ipv6"] = normal_ipv6(changes["access_ipv6"])
    if "metadata" in body:
        if len(body["metadata"]) > quotas.quotas_for(runtime.store, server.project_id)["metadata_items"] >= 0:
            raise errors.Forbidden("Quota exceeded, too many metadata items.")
        changes["metadata"] = dict(body["metadata"])
    if "key_name" in body:
        name = body["key_name"]
        if name is not None and runtime.store.get("keypair", f"{ctx.user_id}/{name}") is None:
            raise errors.BadRequest("Invalid key_name provided.")
        changes["key_name"] = name
    if "trusted_image_certificates" in body:
        certificates = body["trusted_image_certificates"]
        changes["trusted_image_certificates"] = tuple(certificates) if certificates is not None else None
    return changes


def rebuild(runtime: Runtime, ctx: RequestContext, server_id: str,
            body: Mapping[str, Any]) -> Tuple[Server, Optional[str]]:
    """``rebuild``: REBUILD with the new image and attributes; returns the server and the admin password."""
    def apply(server: Server) -> Server:
        image_id = _rebuild_image(runtime, ctx, server, body["imageRef"])
        changes = _rebuild_changes(runtime, ctx, server, body)
        return evolve(server, image_id=image_id, updated_at=ctx.now, **changes)

    server = perform(runtime, ctx, Action.REBUILD, server_id, apply)
    return server, _password(runtime, body.get("adminPass"))


def _password(runtime: Runtime, given: Optional[str]) -> Optional[str]:
    if not runtime.settings.enable_instance_password:
        return None
    return given or runtime.ids.password()


def rescue(runtime: Runtime, ctx: RequestContext, server_id: str, body: Optional[Mapping[str, Any]]) -> Optional[str]:
    """``rescue``: RESCUE; returns the rescue password (None when passwords are disabled)."""
    body = body or {}

    def apply(server: Server) -> Server:
        if not server.image_id and ctx.version < _RESCUE_VOLUME_BACKED:
            raise errors.BadRequest(f"Instance {server.id} cannot be rescued: Cannot rescue a volume-backed "
                                    f"instance")
        image_ref = body.get("rescue_image_ref")
        if image_ref is not None and runtime.store.get("image", image_ref) is None:
            raise errors.BadRequest(f"Image {image_ref} could not be found.")
        return server

    perform(runtime, ctx, Action.RESCUE, server_id, apply)
    return _password(runtime, body.get("adminPass"))


def shelve(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """``shelve``: a ``<name>-shelved`` snapshot to unshelve from, then offloaded at once or, with another
    ``shelved_offload_time``, left SHELVED on its host (``compute.settle`` offloads it when that time is up)."""
    action = Action.SHELVE if runtime.settings.shelved_offload_time == 0 else Action.SHELVE_KEEP_HOST

    def apply(server: Server) -> Server:
        if not server.image_id:  # a volume-backed server keeps its volume; Nova takes no snapshot
            return evolve(server, shelved_at=ctx.now, shelved_image_id=None)
        image = _snapshot_record(runtime, ctx, server, f"{server.name}-shelved", "snapshot", {}, {})
        runtime.store.put("image", image["id"], image)
        return evolve(server, shelved_at=ctx.now, shelved_image_id=image["id"])

    return perform(runtime, ctx, action, server_id, apply)


def _unshelve_zone(runtime: Runtime, server: Server, body: Mapping[str, Any]) -> Optional[str]:
    """The zone the server must be in once unshelved (2.77 may change it, 2.91 unpin it with null)."""
    if "availability_zone" not in body:
        return server.requested_zone
    zone = body["availability_zone"]
    if zone is not None and zone not in services.available_zones(runtime.store):
        raise errors.BadRequest("The requested availability zone is not available")
    return zone


def _check_unshelve_host(runtime: Runtime, ctx: RequestContext, host: str, zone: Optional[str]) -> None:
    policy.authorize(ctx, "os_compute_api:os-shelve:unshelve_to_host")
    if runtime.store.get(fleet.HOST, host) is None or fleet.compute_service(runtime.store, host) is None:
        raise errors.BadRequest(f"Compute host {host} could not be found.")
    if zone is not None and fleet.zone_of(runtime.store, host) != zone:
        raise errors.Conflict(f'Host "{host}" is not in the availability zone "{zone}".')


def unshelve(runtime: Runtime, ctx: RequestContext, server_id: str, body: Optional[Mapping[str, Any]]) -> Server:
    """``unshelve``: an offloaded server is placed again, in a zone (2.77) or on a host (2.91, admin); a
    null zone unpins it (2.91). When no host is valid it stays SHELVED_OFFLOADED, as Nova's conductor
    leaves it.

    :param body: the keys of the request body Nova reads at the request's version.
    """
    body = body or {}

    def apply(server: Server) -> Server:
        if body and server.vm_state is not VmState.SHELVED_OFFLOADED:
            raise errors.Conflict(f'Specifying an availability zone or a host when unshelving server '
                                  f'"{server.id}" with status "{server.vm_state.value}" is not supported. '
                                  f'The server status must be SHELVED_OFFLOADED.')
        zone = _unshelve_zone(runtime, server, body)
        if "host" in body:
            _check_unshelve_host(runtime, ctx, body["host"], zone)
        if "availability_zone" not in body:
            return server
        return evolve(server, requested_zone=zone, pinned_availability_zone=zone)

    def place(server: Server) -> Optional[placement.Request]:
        if server.host:  # still SHELVED on its host: it starts there again
            return None
        return placement.Request(server_id=server.id, project_id=server.project_id, flavor=server.flavor,
                                 zone=server.requested_zone, host=body.get("host"),
                                 hints=server.scheduler_hints, groups=server.server_groups)

    return perform(runtime, ctx, Action.UNSHELVE, server_id, apply, place)
