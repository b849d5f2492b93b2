"""Image data: upload (``queued`` -> ``saving`` -> ``active``), staging and glance-direct import, download.

The octets live in the store (kind ``image_data``, keyed by image id) so that a reset or a delete frees them;
all images' data together stay under ``settings.image_data_limit`` (over it: Glance's 413 for a full store).
The HTTP layer spools the request body up to :func:`room` bytes and hands the octets over whole.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional

from . import errors, policy
from .context import RequestContext
from .glance_errors import TooLarge
from .images import Image, can_see
from .ports import Runtime

KIND = "image_data"
#: what ``/v2/info/import`` offers (devstack also enables web-download, which would fetch from the network)
IMPORT_METHODS = ("glance-direct",)


def used(runtime: Runtime) -> int:
    return sum(len(data) for data in runtime.store.list(KIND))


def room(runtime: Runtime) -> int:
    """Bytes still free under the image data limit."""
    return max(0, runtime.settings.image_data_limit - used(runtime))


def discard(runtime: Runtime, image_id: str) -> None:
    runtime.store.delete(KIND, image_id)


def _image(runtime: Runtime, ctx: RequestContext, image_id: str) -> Image:
    image = runtime.store.get("image", image_id)
    if image is None or not can_see(image, ctx):
        raise errors.NotFound(f"No image found with ID {image_id}")
    return image


def _move(runtime: Runtime, ctx: RequestContext, image_id: str, allowed: tuple, new_status: str,
          changes: Optional[Dict[str, Any]] = None) -> Image:
    def move(current: Optional[Image]) -> Image:
        if current is None:
            raise errors.NotFound(f"No image found with ID {image_id}")
        status = current.get("status")
        if status not in allowed:
            raise errors.Conflict(f"Image status transition from {status} to {new_status} is not allowed")
        return {**current, **(changes or {}), "status": new_status, "updated_at": ctx.now}

    return runtime.store.compute("image", image_id, move)


def _owned(image: Mapping[str, Any]) -> Dict[str, Any]:
    """Glance's policy target of an image: its owner is the ``project_id`` the rules compare."""
    return {"project_id": image.get("owner")}


def begin_upload(runtime: Runtime, ctx: RequestContext, image_id: str, *, stage: bool = False) -> None:
    """Check the caller and the status before any octet is read; the image is ``saving`` (or ``uploading``)."""
    image = _image(runtime, ctx, image_id)
    if not policy.allowed(ctx, "upload_image", _owned(image), service="image"):
        raise errors.Forbidden(f"Not allowed to upload image data for image {image_id}")
    _move(runtime, ctx, image_id, ("queued",), "uploading" if stage else "saving")


def abort_upload(runtime: Runtime, ctx: RequestContext, image_id: str) -> None:
    """The body could not be read whole: back to ``queued``, as Glance restores a failed upload."""
    try:
        _move(runtime, ctx, image_id, ("saving", "uploading"), "queued")
    except errors.FakeNovaError:
        pass  # deleted meanwhile


def _hashes(data: bytes) -> Dict[str, Any]:
    return {"size": len(data), "checksum": hashlib.md5(data, usedforsecurity=False).hexdigest(),
            "os_hash_algo": "sha512", "os_hash_value": hashlib.sha512(data).hexdigest()}


def finish_upload(runtime: Runtime, ctx: RequestContext, image_id: str, data: bytes, *, stage: bool = False) -> None:
    """Keep the octets (413 and back to ``queued`` when they do not fit), then ``active`` (staged: stays
    ``uploading`` until the import)."""
    with runtime.store.atomically():
        if len(data) > room(runtime):
            abort_upload(runtime, ctx, image_id)
            raise TooLarge()
        runtime.store.put(KIND, image_id, data)
    if stage:
        return
    try:
        _move(runtime, ctx, image_id, ("saving",), "active", _hashes(data))
    except errors.FakeNovaError:
        discard(runtime, image_id)  # deleted while the data came in
        raise


def import_image(runtime: Runtime, ctx: RequestContext, image_id: str, body: Any) -> None:
    """``POST /v2/images/{id}/import`` (glance-direct): the staged data becomes the image's (202)."""
    if not isinstance(body, dict):
        raise errors.BadRequest("Body expected in request.")
    method = body.get("method")
    if not isinstance(method, dict):
        raise errors.BadRequest("Import request requires a 'method' field.")
    if "name" not in method:
        raise errors.BadRequest("Import request requires a 'name' field.")
    if method["name"] not in IMPORT_METHODS:
        raise errors.BadRequest(f"Unknown import method name '{method['name']}'.")
    for key in ("all_stores_must_succeed", "all_stores"):
        if not isinstance(body.get(key, True), bool):
            raise errors.BadRequest(f"'{key}' must be boolean value only")
    image = _image(runtime, ctx, image_id)
    if not policy.allowed(ctx, "modify_image", _owned(image), service="image"):
        raise errors.Forbidden("You are not authorized to complete modify_image action.")
    if image.get("status") == "active":
        raise errors.Conflict("Image with status active cannot be target for import")
    if image.get("status") != "uploading":
        raise errors.Conflict("Image needs to be staged before 'glance-direct' method can be used")
    for key in ("container_format", "disk_format"):
        if not image.get(key):
            raise errors.Conflict(f"'{key}' needs to be set before import")
    data = runtime.store.get(KIND, image_id) or b""
    task = _import_task(runtime, ctx, image, body)
    _move(runtime, ctx, image_id, ("uploading",), "active",
          {**_hashes(data), "tasks": [*(image.get("tasks") or ())[-(TASKS_KEPT - 1):], task]})


#: import tasks an image keeps (Glance keeps them 48 hours; a few are all a client ever looks at)
TASKS_KEPT = 8
#: Glance's ``[task] task_time_to_live`` (hours)
TASK_TTL = 48 * 3600


def _import_task(runtime: Runtime, ctx: RequestContext, image: Image, body: Dict[str, Any]) -> Dict[str, Any]:
    """The ``api_image_import`` task Glance records for an import (already succeeded here)."""
    return {"id": runtime.ids.uuid(), "type": "api_image_import", "status": "success",
            "owner": image.get("owner"), "created_at": ctx.now, "updated_at": ctx.now,
            "expires_at": ctx.now + TASK_TTL, "deleted_at": None, "deleted": False, "image_id": image["id"],
            "request_id": ctx.request_id, "user_id": ctx.user_id,
            "input": {"image_id": image["id"], "import_req": body, "backend": [None]},
            "result": {"image_id": image["id"]}, "message": ""}


def tasks(runtime: Runtime, ctx: RequestContext, image_id: str) -> List[Dict[str, Any]]:
    """``GET /v2/images/{id}/tasks`` (2.12): the image's import tasks; a bare 404 for an unseen image."""
    image = runtime.store.get("image", image_id)
    if image is None or not can_see(image, ctx):
        raise errors.NotFound()
    return [task for task in image.get("tasks") or () if task["expires_at"] >= ctx.now]


@dataclass(frozen=True)
class Octets:
    """An image's data as a download serves it: the stored octets, or, for an image seeded ``active`` with a
    ``size`` but no data and no checksum (the fixtures' cirros), that many zero bytes made as they are sent, so
    a client copying the image (tempest's SCSI test re-uploads it) gets what the record promises."""

    stored: Optional[bytes]
    size: int

    def chunks(self, first: int, last: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
        """Bytes ``first`` to ``last`` inclusive, in pieces of at most ``chunk``."""
        if self.stored is not None:
            yield self.stored[first:last + 1]
            return
        for start in range(first, last + 1, chunk):
            yield bytes(min(chunk, last + 1 - start))


def download(runtime: Runtime, ctx: RequestContext, image_id: str) -> Optional[Octets]:
    """The image's octets; None when it has none (Glance's 204)."""
    image = _image(runtime, ctx, image_id)
    if image.get("status") == "deactivated" and not ctx.is_admin:
        raise errors.Forbidden("The requested image has been deactivated. Image data download is forbidden.")
    # the image is one the caller may see (``_image``): the caller's project stands as its member
    target = {**_owned(image), "visibility": image.get("visibility"), "member_id": ctx.project_id}
    if not policy.allowed(ctx, "download_image", target, service="image"):
        raise errors.Forbidden("You are not authorized to complete download_image action.")
    if image.get("status") not in ("active", "deactivated"):
        return None
    stored = runtime.store.get(KIND, image_id)
    if stored is not None:
        return Octets(stored, len(stored))
    size = int(image.get("size") or 0)
    return Octets(None, size) if size > 0 and not image.get("checksum") else None
