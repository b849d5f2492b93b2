"""Image bodies: Nova's image-proxy view and Glance v2's image view of one stored image record."""
from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Optional, Tuple

from ..domain.images import CORE, Image
from ..domain.strings import bool_from_string
from .common import isotime, link
from .fields import ViewContext

_NOVA_STATUS = {"active": "ACTIVE", "queued": "SAVING", "saving": "SAVING", "deleted": "DELETED",
                "pending_delete": "DELETED", "killed": "ERROR"}
_NOVA_PROGRESS = {"queued": 25, "saving": 50, "active": 100}


def proxy_links(image_id: str, ctx: ViewContext) -> List[Dict[str, str]]:
    return [link("self", f"{ctx.compute_url}{ctx.project_prefix}/images/{image_id}"),
            link("bookmark", f"{ctx.bookmark_url}{ctx.project_prefix}/images/{image_id}"),
            {**link("alternate", f"{ctx.image_url}/images/{image_id}"), "type": "application/vnd.openstack.image"}]


def _server_ref(server_id: str, ctx: ViewContext) -> Dict[str, Any]:
    return {"id": server_id, "links": [
        link("self", f"{ctx.compute_url}{ctx.project_prefix}/servers/{server_id}"),
        link("bookmark", f"{ctx.bookmark_url}{ctx.project_prefix}/servers/{server_id}")]}


def proxy_detail(image: Image, ctx: ViewContext) -> Dict[str, Any]:
    """Nova's ``images`` view ``show`` of one Glance image."""
    properties = dict(image.get("properties") or {})
    body: Dict[str, Any] = {
        "id": image["id"], "name": image.get("name"), "minRam": int(image.get("min_ram") or 0),
        "minDisk": int(image.get("min_disk") or 0), "metadata": properties,
        "created": isotime(image["created_at"]), "updated": isotime(image["updated_at"]),
        "status": _NOVA_STATUS.get(image.get("status", ""), "UNKNOWN"),
        "progress": _NOVA_PROGRESS.get(image.get("status", ""), 0),
        "OS-EXT-IMG-SIZE:size": image.get("size"), "links": proxy_links(image["id"], ctx),
    }
    if properties.get("instance_uuid"):
        body["server"] = _server_ref(properties["instance_uuid"], ctx)
    if "auto_disk_config" in properties:
        body["OS-DCF:diskConfig"] = "AUTO" if bool_from_string(properties["auto_disk_config"]) else "MANUAL"
    return body



def proxy_summary(image: Image, ctx: ViewContext) -> Dict[str, Any]:
    """Nova's ``images`` view ``basic`` of one Glance image."""
    return {"id": image["id"], "name": image.get("name"), "links": proxy_links(image["id"], ctx)}


def _hashes(image: Image) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """(checksum, os_hash_algo, os_hash_value): stored ones, else derived from the id once data exists."""
    if image.get("status") != "active":
        return image.get("checksum"), image.get("os_hash_algo"), image.get("os_hash_value")
    seed = image["id"].encode()
    return (image.get("checksum") or hashlib.md5(seed, usedforsecurity=False).hexdigest(),
            image.get("os_hash_algo") or "sha512", image.get("os_hash_value") or hashlib.sha512(seed).hexdigest())


def glance_image(image: Image) -> Dict[str, Any]:
    """Glance v2's image body: properties flattened first, then the core attributes and links."""
    checksum, algo, value = _hashes(image)
    core = {**image, "checksum": checksum, "os_hash_algo": algo, "os_hash_value": value,
            "os_hidden": bool(image.get("os_hidden", False)), "virtual_size": image.get("virtual_size")}
    body: Dict[str, Any] = {key: str(val) for key, val in (image.get("properties") or {}).items()
                            if key not in CORE}
    body.update({key: core.get(key) for key in CORE})
    body.update({"id": image["id"], "created_at": isotime(image["created_at"]),
                 "updated_at": isotime(image["updated_at"]), "tags": list(image.get("tags", ())),
                 "self": f"/v2/images/{image['id']}", "file": f"/v2/images/{image['id']}/file",
                 "schema": "/v2/schemas/image"})
    return body



def glance_member(member: Dict[str, Any]) -> Dict[str, Any]:
    """Glance's image member body."""
    return {"member_id": member["member_id"], "image_id": member["image_id"], "status": member["status"],
            "created_at": isotime(member["created_at"]), "updated_at": isotime(member["updated_at"]),
            "schema": "/v2/schemas/member"}
