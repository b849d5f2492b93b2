"""Glance image members: an owner shares a ``shared`` image with projects, which accept or reject it.

Members are kept on the image record (``members``: project id -> ``{"status", "created_at", "updated_at"}``),
so ``images.can_see`` finds them. The owner (member role, or an admin) adds and removes members; only the
member project (or an admin) sets its status; a member sees its own membership only. Messages are
``glance/api/v2/image_members.py``'s.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import errors, policy
from .context import RequestContext
from .images import Image, can_see
from .ports import Runtime

STATUSES = ("pending", "accepted", "rejected")
#: Glance's ``image_member_quota``
MEMBER_QUOTA = 128
Member = Dict[str, Any]


def _image(runtime: Runtime, ctx: RequestContext, image_id: str) -> Image:
    image = runtime.store.get("image", image_id)
    if image is None or not can_see(image, ctx):
        raise errors.NotFound(f"Image {image_id} not found.")
    return image


def _owner_member(image: Image, ctx: RequestContext, rule: str) -> bool:
    """Whether the caller passes Glance's ``rule`` on the image (its owner is the target's project)."""
    return policy.allowed(ctx, rule, {"project_id": image.get("owner")}, service="image")


def _view(image_id: str, member_id: str, member: Mapping[str, Any]) -> Member:
    return {"member_id": member_id, "image_id": image_id, **member}


def _members(image: Image) -> Dict[str, Dict[str, Any]]:
    members = image.get("members") or {}
    return dict(members) if isinstance(members, dict) else {project: {"status": "accepted"} for project in members}


def _visible_members(image: Image, ctx: RequestContext) -> Dict[str, Dict[str, Any]]:
    """The owner and admins see every member; a member project sees its own membership."""
    members = _members(image)
    if ctx.is_admin or image.get("owner") == ctx.project_id:
        return members
    return {key: value for key, value in members.items() if key == ctx.project_id}


def add(runtime: Runtime, ctx: RequestContext, image_id: str, body: Any) -> Member:
    """``POST /v2/images/{id}/members``: a ``pending`` member (200)."""
    if not isinstance(body, dict):
        raise errors.BadRequest('Expected a member in the form: {"member": "image_id"}')
    if "member" not in body:
        raise errors.BadRequest("Member to be added not specified")
    member_id = body["member"]
    if not member_id:
        raise errors.BadRequest("Member can't be empty")
    image = _image(runtime, ctx, image_id)
    if image.get("visibility") != "shared" or not _owner_member(image, ctx, "add_member"):
        raise errors.Forbidden(f"Not allowed to create members for image {image_id}.")
    made: Member = {"status": "pending", "created_at": ctx.now, "updated_at": ctx.now}

    def put(current: Optional[Image]) -> Image:
        if current is None:
            raise errors.NotFound(f"Image {image_id} not found.")
        members = _members(current)
        if member_id in members:
            raise errors.Conflict(f"Member {member_id} is duplicated for image {image_id}")
        if len(members) >= MEMBER_QUOTA:
            raise errors.RequestTooLarge(
                f"Image member limit exceeded for image {image_id}: The limit has been exceeded on the number "
                f"of allowed image members for this image. Attempted: {len(members) + 1}, Maximum: "
                f"{MEMBER_QUOTA}:")
        return {**current, "members": {**members, member_id: made}}

    runtime.store.compute("image", image_id, put)
    return _view(image_id, member_id, made)


def listing(runtime: Runtime, ctx: RequestContext, image_id: str) -> List[Member]:
    """``GET /v2/images/{id}/members``."""
    image = _image(runtime, ctx, image_id)
    if image.get("visibility") != "shared":
        raise errors.Forbidden(f"Not allowed to list members for image {image_id}: Only shared images have "
                               f"members.")
    # the caller sees the image (``_image``), so their project stands as its member, as in Glance's target
    target = {"project_id": image.get("owner"), "member_id": ctx.project_id}
    if not policy.allowed(ctx, "get_members", target, service="image"):
        raise errors.Forbidden(f"Not allowed to list members for image {image_id}: You are not authorized to "
                               f"complete get_members action.")
    return [_view(image_id, key, value) for key, value in _visible_members(image, ctx).items()]


def _lookup(image: Image, ctx: RequestContext, image_id: str, member_id: str) -> Dict[str, Any]:
    member = _visible_members(image, ctx).get(member_id)
    if member is None:
        raise errors.NotFound(f"{member_id} not found in the member list of the image {image_id}.")
    return member


def show(runtime: Runtime, ctx: RequestContext, image_id: str, member_id: str) -> Member:
    """``GET /v2/images/{id}/members/{member}`` (refusals are 404s here, as in Glance)."""
    image = _image(runtime, ctx, image_id)
    if image.get("visibility") != "shared":
        raise errors.NotFound("Only shared images have members.")
    return _view(image_id, member_id, _lookup(image, ctx, image_id, member_id))


def update(runtime: Runtime, ctx: RequestContext, image_id: str, member_id: str, body: Any) -> Member:
    """``PUT /v2/images/{id}/members/{member}`` ``{"status": ...}``: only the member project (or an admin)."""
    if not isinstance(body, dict):
        raise errors.BadRequest('Expected a status in the form: {"status": "status"}')
    if "status" not in body:
        raise errors.BadRequest("Status not specified")
    status = body["status"]
    image = _image(runtime, ctx, image_id)
    permitted = policy.allowed(ctx, "modify_member", {"member_id": member_id}, service="image")
    if image.get("visibility") != "shared" or not (ctx.is_admin or image.get("owner") != ctx.project_id):
        raise errors.Forbidden(f"Not allowed to update members for image {image_id}.")
    _lookup(image, ctx, image_id, member_id)
    if not permitted:
        raise errors.Forbidden(f"Not allowed to update members for image {image_id}.")
    if status not in STATUSES:
        raise errors.BadRequest('Incorrect request: Status must be "pending", "accepted" or "rejected".')
    changed: Dict[str, Any] = {}

    def put(current: Optional[Image]) -> Image:
        if current is None:
            raise errors.NotFound(f"Image {image_id} not found.")
        members = _members(current)
        changed.update({**members[member_id], "status": status, "updated_at": ctx.now})
        return {**current, "members": {**members, member_id: dict(changed)}}

    runtime.store.compute("image", image_id, put)
    return _view(image_id, member_id, changed)


def remove(runtime: Runtime, ctx: RequestContext, image_id: str, member_id: str) -> None:
    """``DELETE /v2/images/{id}/members/{member}``: 204; the owner (member role) or an admin."""
    image = _image(runtime, ctx, image_id)
    if image.get("visibility") != "shared" or not _owner_member(image, ctx, "delete_member"):
        if image.get("visibility") == "shared":
            _lookup(image, ctx, image_id, member_id)
        raise errors.Forbidden(f"Not allowed to delete members for image {image_id}.")
    _lookup(image, ctx, image_id, member_id)

    def drop(current: Optional[Image]) -> Image:
        if current is None:
            raise errors.NotFound(f"Image {image_id} not found.")
        return {**current, "members": {key: value for key, value in _members(current).items() if key != member_id}}

    runtime.store.compute("image", image_id, drop)
