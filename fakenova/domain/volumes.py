"""Volumes and ``os-volume_attachments``: a tiny Cinder stand-in and Nova's attach, detach and update rules.

Which volumes a server has is stored once, on the server (``volumes_attached``), so server bodies and this
API cannot disagree. A volume record (kind ``volume``: id, name, size, project) exists for seeded volumes;
a volume a server booted from needs none, it exists while some server refers to it. Per-attachment
details Nova keeps in its block device mapping (device, tag, attachment and bdm ids) live on the volume
record under ``attachments``, or are derived (stable uuid5 ids, devices in order) when there is none.
A volume whose last holder was deleted with ``delete_on_termination`` is gone, as Nova deletes it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import compute, errors, history
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .lifecycle.table import Action
from .models import Server, evolve
from .ports import Runtime, Store
from .states import VmState

KIND = "volume"
_IDS = uuid.UUID("1f0b8c3e-6a5d-4e2f-9b71-c0d4e5f6a7b8")  # namespace of derived attachment ids
_SHELVED = frozenset({VmState.SHELVED, VmState.SHELVED_OFFLOADED})
_SWAP_POLICY = "os_compute_api:os-volumes-attachments:swap"
_MUTABLE_CHECKS = (("id", "id"), ("serverId", "server_id"), ("device", "device"), ("tag", "tag"))


class VolumeNotFound(errors.NotFound):
    msg_fmt = "Volume {volume_id} could not be found."


@dataclass(frozen=True)
class Attachment:
    """One volume on one server, as Nova's block device mapping describes it."""

    volume_id: str
    server_id: str
    device: Optional[str]
    tag: Optional[str]
    delete_on_termination: bool
    attachment_id: str
    bdm_uuid: str
    root: bool = False

    @property
    def id(self) -> str:
        return self.volume_id  # Nova uses the volume id as the attachment's id


def _derived_id(server_id: str, volume_id: str, what: str) -> str:
    return str(uuid.uuid5(_IDS, f"{server_id}/{volume_id}/{what}"))


def _letters_from(server: Server) -> str:
    # an image-backed server's root disk is the local /dev/vda; a volume-backed one boots from its first volume
    return "abcdefghijklmnopqrstuvwxyz" if not server.image_id else "bcdefghijklmnopqrstuvwxyz"


def attachments_of(store: Store, server: Server) -> List[Attachment]:
    """The server's volume attachments in attach order, with stored details or derived defaults."""
    found = []
    for index, (volume_id, delete) in enumerate(server.volumes_attached):
        record = store.get(KIND, volume_id) or {}
        detail = record.get("attachments", {}).get(server.id)
        root = index == 0 and not server.image_id
        if detail is None:
            letters = _letters_from(server)
            detail = {"device": f"/dev/vd{letters[min(index, len(letters) - 1)]}", "tag": None,
                      "attachment_id": _derived_id(server.id, volume_id, "attachment"),
                      "bdm_uuid": _derived_id(server.id, volume_id, "bdm")}
        found.append(Attachment(volume_id=volume_id, server_id=server.id, device=detail["device"],
                                tag=detail["tag"], delete_on_termination=delete,
                                attachment_id=detail["attachment_id"], bdm_uuid=detail["bdm_uuid"], root=root))
    return found


def _holders(runtime: Runtime, now: float, volume_id: str) -> List[Tuple[Server, bool]]:
    """The servers referring to the volume, each settled first: a finished delete has let go of it."""
    found: List[Tuple[Server, bool]] = []
    for server in runtime.store.list("server"):
        if any(held == volume_id for held, _ in server.volumes_attached):
            server = runtime.store.compute("server", server.id,
                                           lambda s: compute.settle(runtime, s, now, observed=False),
                                           touches=compute.SETTLE_WRITES)
            found.extend((server, delete) for held, delete in server.volumes_attached if held == volume_id)
    return found


def find_volume(runtime: Runtime, ctx: RequestContext, volume_id: str) -> Dict[str, Any]:
    """The volume as Cinder would show it to the caller (``in-use`` servers listed); 404 otherwise."""
    record = runtime.store.get(KIND, volume_id)
    holders = _holders(runtime, ctx.now, volume_id)
    live = [server for server, _ in holders if not server.deleted]
    deleted_with_server = not live and any(server.deleted and delete for server, delete in holders)
    if deleted_with_server or (record is None and not holders):
        raise VolumeNotFound(volume_id=volume_id)
    volume = dict(record or {"id": volume_id, "name": "", "size": 1, "project_id": holders[0][0].project_id,
                             "multiattach": False})
    if not ctx.is_admin and volume["project_id"] != ctx.project_id:
        raise VolumeNotFound(volume_id=volume_id)
    return {**volume, "servers": [server.id for server in live]}


def _attachment(store: Store, server: Server, volume_id: str) -> Optional[Attachment]:
    return next((att for att in attachments_of(store, server) if att.volume_id == volume_id), None)


def list_attachments(runtime: Runtime, ctx: RequestContext, server_id: str) -> List[Attachment]:
    """``GET /servers/{id}/os-volume_attachments``."""
    return attachments_of(runtime.store, compute.observe(runtime, ctx, server_id, observed=False))


def show_attachment(runtime: Runtime, ctx: RequestContext, server_id: str, volume_id: str) -> Attachment:
    """``GET /servers/{id}/os-volume_attachments/{volume_id}``."""
    server = compute.observe(runtime, ctx, server_id, observed=False)
    found = _attachment(runtime.store, server, volume_id)
    if found is None:
        raise errors.NotFound(f"Instance {server_id} is not attached to volume {volume_id}")
    return found


def _check_shelved(server: Server, method: str, shelved_allowed: bool) -> None:
    if server.vm_state in _SHELVED and not shelved_allowed:
        raise errors.InstanceInvalidState(action=method, uuid=server.id, attr="vm_state",
                                          state=server.vm_state.value)


def _next_device(store: Store, server: Server) -> str:
    # libvirt ignores a requested device name and picks the next free one, so fakenova does too.
    taken = {att.device for att in attachments_of(store, server)}
    for letter in _letters_from(server):
        if f"/dev/vd{letter}" not in taken:
            return f"/dev/vd{letter}"
    raise errors.Forbidden("The maximum allowed number of disk devices (26) to attach to a single instance "
                           "has been exceeded.")


def _save_detail(store: Store, volume: Mapping[str, Any], server_id: str, detail: Optional[Dict[str, Any]]) -> None:
    def apply(record: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        base = record or {k: v for k, v in volume.items() if k != "servers"}
        attachments = {k: v for k, v in base.get("attachments", {}).items() if k != server_id}
        if detail is not None:
            attachments[server_id] = detail
        return {**base, "attachments": attachments}

    store.compute(KIND, volume["id"], apply, project=volume["project_id"])


def attach(runtime: Runtime, ctx: RequestContext, server_id: str, request: Mapping[str, Any], *,
           shelved_allowed: bool, delete_on_termination: bool) -> Attachment:
    """``POST /servers/{id}/os-volume_attachments``: checks in Nova's order, then a new attachment.

    :param request: the validated ``volumeAttachment`` object.
    :param shelved_allowed: whether the microversion allows shelved servers (2.20).
    """
    store, volume_id, tag = runtime.store, request["volumeId"], request.get("tag")
    made: List[Attachment] = []

    def change(server: Server) -> Server:
        _check_shelved(server, "attach_volume", shelved_allowed)
        lifecycle.guard(server, Action.ATTACH_VOLUME, is_admin=ctx.is_admin)
        volume = find_volume(runtime, ctx, volume_id)
        if volume["servers"]:
            raise errors.BadRequest(f"Invalid volume: volume {volume_id} is already attached to instances: "
                                    f"{' '.join(volume['servers'])}")
        offloaded = server.vm_state is VmState.SHELVED_OFFLOADED
        if offloaded and tag:
            raise errors.BadRequest("Tagged volume attachment is not supported for shelved-offloaded "
                                    "instances.")
        # an offloaded server has no host to pick a device: Nova keeps the requested one (maybe none)
        device = request.get("device") if offloaded else _next_device(store, server)
        attachment_id, bdm_uuid = runtime.ids.uuid(), runtime.ids.uuid()
        detail = {"device": device, "tag": tag, "attachment_id": attachment_id, "bdm_uuid": bdm_uuid}
        _save_detail(store, volume, server.id, detail)
        made.append(Attachment(volume_id, server.id, device, tag, delete_on_termination, attachment_id, bdm_uuid))
        return evolve(server, volumes_attached=(*server.volumes_attached, (volume_id, delete_on_termination)),
                       updated_at=ctx.now)

    with store.atomically():
        server = compute.edit(runtime, ctx, server_id, change, touches=(KIND,))
    offloaded = server.vm_state is VmState.SHELVED_OFFLOADED
    history.record(store, ctx, server_id, "attach_volume", host=server.host,
                    events=["api_attach_volume" if offloaded else "compute_attach_volume"])
    return made[0]


def detach(runtime: Runtime, ctx: RequestContext, server_id: str, volume_id: str, *, shelved_allowed: bool) -> None:
    """``DELETE /servers/{id}/os-volume_attachments/{volume_id}`` (202; done at once)."""
    store = runtime.store

    def change(server: Server) -> Server:
        _check_shelved(server, "detach_volume", shelved_allowed)
        volume = find_volume(runtime, ctx, volume_id)
        found = _attachment(store, server, volume_id)
        if found is None:
            raise errors.NotFound(f"Instance {server_id} is not attached to volume {volume_id}")
        if found.root:
            raise errors.BadRequest("Cannot detach a root device volume")
        lifecycle.guard(server, Action.DETACH_VOLUME, is_admin=ctx.is_admin)
        _save_detail(store, volume, server.id, None)
        kept = tuple(pair for pair in server.volumes_attached if pair[0] != volume_id)
        return evolve(server, volumes_attached=kept, updated_at=ctx.now)

    with store.atomically():
        server = compute.edit(runtime, ctx, server_id, change, touches=(KIND,))
    event = "api_detach_volume" if server.vm_state is VmState.SHELVED_OFFLOADED else "compute_detach_volume"
    history.record(store, ctx, server_id, "detach_volume", host=server.host, events=[event])


def update(runtime: Runtime, ctx: RequestContext, server_id: str, volume_id: str, request: Mapping[str, Any], *,
           swap_only: bool, delete_on_termination: Optional[bool]) -> None:
    """``PUT /servers/{id}/os-volume_attachments/{volume_id}``: update (2.85) and/or swap.

    A swap is Cinder's call during a volume migration; fakenova's volumes never migrate, so a swap that
    passes the policy and lookups ends in Nova's 409, as it would on a cloud for a volume at rest.

    :param swap_only: before 2.85 every PUT is a swap.
    :param delete_on_termination: the parsed new value, or None when not given.
    """
    server = compute.observe(runtime, ctx, server_id, observed=False)
    swapping = swap_only or request["volumeId"] != volume_id
    if swapping and not ctx.is_admin:  # the swap policy is service-or-admin
        raise errors.Forbidden(rule=_SWAP_POLICY)
    if not swap_only:
        _update_regular(runtime, ctx, server, volume_id, request, delete_on_termination)
    if swapping:
        find_volume(runtime, ctx, volume_id)
        raise errors.Conflict(f"volume {volume_id} is not migrating; this API should only be called by Cinder")


def _update_regular(runtime: Runtime, ctx: RequestContext, server: Server, volume_id: str,
                    request: Mapping[str, Any], delete_on_termination: Optional[bool]) -> None:
    found = _attachment(runtime.store, server, volume_id)
    if found is None:
        raise errors.NotFound(f"No volume Block Device Mapping with id {volume_id}.")
    for key, attribute in _MUTABLE_CHECKS:
        if key in request and request[key] != getattr(found, attribute):
            raise errors.BadRequest(f"The {key} property is not mutable")
    if delete_on_termination is None:
        return

    def change(current: Server) -> Server:
        pairs = tuple((vid, delete_on_termination if vid == volume_id else delete)
                      for vid, delete in current.volumes_attached)
        return evolve(current, volumes_attached=pairs, updated_at=ctx.now)

    compute.edit(runtime, ctx, server.id, change)
