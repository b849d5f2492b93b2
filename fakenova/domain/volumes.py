"""``os-volume_attachments``: Nova's attach, detach and update rules over the Cinder volume records.

Which volumes a server has is stored on the server (``volumes_attached``, with delete_on_termination), and
each volume's Cinder record (:mod:`fakenova.domain.cinder`) holds the attachment under ``attachments``
with the details Nova keeps in its block device mapping (device, tag, attachment and bdm ids). Attaching
moves the volume ``attaching`` -> ``in-use`` and detaching ``detaching`` -> ``available``, at the pace of
servers. A volume whose server was deleted is released, or deleted with ``delete_on_termination``, when it
is next read (:func:`fakenova.domain.cinder.settle`).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from . import cinder, compute, errors, history
from .boot_volumes import reserve_refusal
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


VolumeNotFound = cinder.VolumeNotFound


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


def derived_detail(server_id: str, volume_id: str, index: int, has_image: bool) -> Dict[str, Any]:
    """The block device mapping details of the ``index``-th volume of a server: stable ids, devices in order."""
    letters = "abcdefghijklmnopqrstuvwxyz" if not has_image else "bcdefghijklmnopqrstuvwxyz"
    return {"device": f"/dev/vd{letters[min(index, len(letters) - 1)]}", "tag": None,
            "attachment_id": _derived_id(server_id, volume_id, "attachment"),
            "bdm_uuid": _derived_id(server_id, volume_id, "bdm")}


def attachments_of(store: Store, server: Server) -> List[Attachment]:
    """The server's volume attachments in attach order, with stored details or derived defaults."""
    found = []
    for index, (volume_id, delete) in enumerate(server.volumes_attached):
        record = store.get(KIND, volume_id) or {}
        detail = record.get("attachments", {}).get(server.id)
        root = index == 0 and not server.image_id
        if detail is None:
            detail = derived_detail(server.id, volume_id, index, bool(server.image_id))
        device = detail["device"]
        if device is None and server.vm_state is not VmState.SHELVED_OFFLOADED:
            # attached while offloaded without a device: the unshelved guest's driver named one, in order
            device = derived_detail(server.id, volume_id, index, bool(server.image_id))["device"]
        found.append(Attachment(volume_id=volume_id, server_id=server.id, device=device,
                                tag=detail["tag"], delete_on_termination=delete,
                                attachment_id=detail["attachment_id"], bdm_uuid=detail["bdm_uuid"], root=root))
    return found


def find_volume(runtime: Runtime, ctx: RequestContext, volume_id: str) -> Dict[str, Any]:
    """The Cinder volume as the caller may see it, with ``servers``: those it is attached to.

    Reads the record as stored, so it can run inside a server's compute; callers settle it first
    (:func:`settle_volume`).
    """
    volume = cinder.lookup(runtime, ctx, volume_id)
    return {**volume, "servers": list(volume["attachments"])}


def settle_volume(runtime: Runtime, ctx: RequestContext, volume_id: str) -> None:
    """Let the volume's transition and its servers' deletions run before Nova's checks read it."""
    cinder.settle(runtime, volume_id, ctx.now, observed=False)


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


def _save_detail(runtime: Runtime, ctx: RequestContext, volume: Mapping[str, Any], server_id: str,
                 detail: Optional[Dict[str, Any]]) -> None:
    """Record the attachment (``attaching`` -> ``in-use``) or its removal (``detaching`` -> ``available``)."""
    def apply(record: Dict[str, Any]) -> Dict[str, Any]:
        attachments = {k: v for k, v in record["attachments"].items() if k != server_id}
        if detail is not None:
            attachments[server_id] = detail
        status, then = ("attaching", "in-use") if detail is not None else (
            "detaching", "in-use" if attachments else "available")
        return cinder.begin(record, status, then, cinder.pace(runtime), ctx.now, attachments=attachments)

    runtime.store.compute(KIND, volume["id"], apply)


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
        if volume["status"] != "available":  # Cinder will not reserve it; Nova passes its 400 on
            raise cinder.InvalidInput(reason=reserve_refusal(runtime, volume).split(": ", 1)[1])
        offloaded = server.vm_state is VmState.SHELVED_OFFLOADED
        if offloaded and tag:
            raise errors.BadRequest("Tagged volume attachment is not supported for shelved-offloaded "
                                    "instances.")
        # an offloaded server has no host to pick a device: Nova keeps the requested one (maybe none)
        device = request.get("device") if offloaded else _next_device(store, server)
        attachment_id, bdm_uuid = runtime.ids.uuid(), runtime.ids.uuid()
        detail = {"device": device, "tag": tag, "attachment_id": attachment_id, "bdm_uuid": bdm_uuid,
                  "attached_at": ctx.now, "delete_on_termination": delete_on_termination}
        _save_detail(runtime, ctx, volume, server.id, detail)
        made.append(Attachment(volume_id, server.id, device, tag, delete_on_termination, attachment_id, bdm_uuid))
        return evolve(server, volumes_attached=(*server.volumes_attached, (volume_id, delete_on_termination)),
                       updated_at=ctx.now)

    with store.atomically():
        settle_volume(runtime, ctx, volume_id)
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
        _save_detail(runtime, ctx, volume, server.id, None)
        kept = tuple(pair for pair in server.volumes_attached if pair[0] != volume_id)
        return evolve(server, volumes_attached=kept, updated_at=ctx.now)

    with store.atomically():
        settle_volume(runtime, ctx, volume_id)
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
        settle_volume(runtime, ctx, volume_id)
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
    runtime.store.compute(KIND, volume_id, lambda record: record and {**record, "attachments": {
        sid: {**d, "delete_on_termination": delete_on_termination} if sid == server.id else d
        for sid, d in record["attachments"].items()}})
