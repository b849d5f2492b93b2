"""``os-volume_upload_image``: a Glance image made from a volume, as Cinder's ``copy_volume_to_image`` does.

The volume goes ``uploading`` and back to the status it had; the image is created in the caller's project,
``active`` at once (the copy is the fake's instant backend). Its ``size`` is the volume's in bytes, but the fake's
volumes hold no octets: the image keeps none (its download is Glance's 204) and its hashes are an empty upload's.
"""
from __future__ import annotations

import hashlib
from typing import Any, Dict, Mapping

from . import cinder
from .cinder import InvalidVolume, Record
from .context import RequestContext
from .ports import Runtime
from .strings import bool_from_string

#: UPLOAD_IMAGE_PARAMS: from 3.1 the image's visibility (default private) and protection are the caller's
UPLOAD_IMAGE_PARAMS = (3, 1)
GIB = 1024 ** 3


def _image(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Dict[str, Any]:
    empty = b""
    image: Dict[str, Any] = {
        "id": runtime.ids.uuid(), "name": body["image_name"], "status": "active", "visibility": "shared",
        "protected": False, "os_hidden": False, "disk_format": body.get("disk_format", "raw"),
        "container_format": body.get("container_format", "bare"), "min_ram": 0, "min_disk": 0,
        "size": int(record["size"]) * GIB, "virtual_size": None, "checksum": hashlib.md5(
            empty, usedforsecurity=False).hexdigest(), "os_hash_algo": "sha512",
        "os_hash_value": hashlib.sha512(empty).hexdigest(), "owner": ctx.project_id, "tags": [], "members": {},
        "properties": {}, "created_at": ctx.now, "updated_at": ctx.now}
    if (ctx.version.major, ctx.version.minor) >= UPLOAD_IMAGE_PARAMS:
        image["visibility"] = body.get("visibility", "private")
        image["protected"] = bool_from_string(body.get("protected", False))
    return image


def upload(runtime: Runtime, ctx: RequestContext, record: Record, body: Mapping[str, Any]) -> Record:
    """Start the upload: ``available`` (or ``in-use`` with ``force``) -> ``uploading`` -> as it was."""
    allowed = ("available", "in-use") if bool_from_string(body.get("force", False)) else ("available",)
    if record["status"] not in allowed:
        raise InvalidVolume(reason=f"Volume {record['id']} status must be {' or '.join(allowed)}")
    image = _image(runtime, ctx, record, body)
    runtime.store.put("image", image["id"], image)
    answer = {"id": record["id"], "updated_at": record["updated_at"], "status": "uploading",
              "display_description": record.get("description"), "size": record["size"],
              "volume_type": record.get("volume_type_id"), "image_id": image["id"],
              "container_format": image["container_format"], "disk_format": image["disk_format"],
              "image_name": image["name"]}
    if (ctx.version.major, ctx.version.minor) >= UPLOAD_IMAGE_PARAMS:
        answer.update(protected=image["protected"], visibility=image["visibility"])
    # the answer rides on the record so the handler can give it back; it is the last upload's
    return cinder.begin(record, "uploading", record["status"], cinder.pace(runtime), ctx.now, last_upload=answer)
