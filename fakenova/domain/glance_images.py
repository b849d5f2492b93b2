"""Glance v2 image writes: create, JSON-patch update, delete, deactivate/reactivate and tags.

Records are the ``image`` kind :mod:`fakenova.domain.images` reads (core attributes at the top level, custom
properties under ``properties``). Who may do what follows Glance's new default policies
(:mod:`fakenova.policies.image`): writes need the member role on the owning project (or admin);
``publicize_image`` is admin-only; an image the caller cannot see is a 404, never a 403.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from . import errors, image_data, policy
from .context import RequestContext
from .glance_errors import ConflictDetail, ForbiddenDetail, not_authorized, not_found
from .image_schema import BASE_PROPERTIES, validate_image
from .images import Image, can_see
from .ports import Runtime

#: Glance's request deserializer lists
DISALLOWED = ("direct_url", "self", "file", "schema", "stores")
READ_ONLY = ("created_at", "updated_at", "status", "checksum", "size", "virtual_size", "direct_url", "self",
             "file", "schema", "id", "os_hash_algo", "os_hash_value")
RESERVED = ("location", "deleted", "deleted_at")
RESERVED_PREFIX = "os_glance"
#: attributes an image record keeps at its top level (everything else is a custom property)
TOP_LEVEL = ("name", "disk_format", "container_format", "visibility", "protected", "min_ram", "min_disk",
             "owner", "os_hidden", "tags")
#: the visibility a create or change asks for -> Glance's rule that must allow it
_VISIBILITY_RULES = {"public": "publicize_image", "community": "communitize_image"}
#: image status -> whether deactivate / reactivate is allowed, a no-op, or refused
_ACTIVATION = {"deactivate": {"active": "deactivated", "deactivated": "deactivated"},
               "reactivate": {"deactivated": "active", "active": "active"}}


def owns(image: Image, ctx: RequestContext) -> bool:
    return ctx.is_admin or image.get("owner") == ctx.project_id


def may_write(image: Image, ctx: RequestContext) -> bool:
    """``rule:context_is_admin or (role:member and project_id:%(project_id)s)`` on the image's owner."""
    return policy.allowed(ctx, "modify_image", {"project_id": image.get("owner")}, service="image")


def visible(runtime: Runtime, ctx: RequestContext, image_id: str) -> Image:
    """The image, or Glance's 404 ``No image found with ID <id>``."""
    image = runtime.store.get("image", image_id)
    if image is None or not can_see(image, ctx):
        raise not_found(image_id)
    return image


def writable(runtime: Runtime, ctx: RequestContext, image_id: str, rule: str) -> Image:
    """The image if the caller may ``rule`` it (403 when they see it but may not, as Glance answers)."""
    image = visible(runtime, ctx, image_id)
    if not may_write(image, ctx):
        raise not_authorized(rule)
    return image


def _check_visibility(ctx: RequestContext, visibility: Optional[str], owner: Optional[str]) -> None:
    """Glance's rule for making an image of ``owner`` public or community, if ``visibility`` asks that."""
    rule = _VISIBILITY_RULES.get(visibility or "")
    if rule is not None and not policy.allowed(ctx, rule, {"project_id": owner}, service="image"):
        raise not_authorized(rule)


def _check_keys(body: Mapping[str, Any]) -> None:
    for key in DISALLOWED:
        if key in body:
            raise errors.Forbidden(f"Attribute '{key}' is read-only.")


def _check_custom(keys: Sequence[str]) -> None:
    for key in keys:
        if len(key) > 255:
            raise errors.BadRequest("Custom property should not be greater than 255 characters.")
        if key in RESERVED or key.startswith(RESERVED_PREFIX):
            raise ForbiddenDetail(f"Attribute '{key}' is reserved.")


#: Glance's ``image_property_quota`` and ``image_tag_quota``
PROPERTY_QUOTA = 128
TAG_QUOTA = 128


def _over(what: str, attempted: int, maximum: int) -> errors.RequestTooLarge:
    return errors.RequestTooLarge(f"The limit has been exceeded on the number of allowed image {what}. "
                                  f"Attempted: {attempted}, Maximum: {maximum}")


def _check_quotas(image: Image) -> None:
    """Glance's quota proxy: at most 128 custom properties and 128 tags on an image (413)."""
    properties, tags = len(image.get("properties") or {}), len(image.get("tags") or ())
    if properties > PROPERTY_QUOTA:
        raise _over("properties", properties, PROPERTY_QUOTA)
    if tags > TAG_QUOTA:
        raise _over("tags", tags, TAG_QUOTA)


def _check_numbers(values: Mapping[str, Any]) -> None:
    for key in ("min_ram", "min_disk"):
        value = values.get(key)
        if isinstance(value, int) and value < 0:
            raise errors.BadRequest(f"Invalid value '{value}' for parameter '{key}': Cannot be a negative value")


def create(runtime: Runtime, ctx: RequestContext, body: Any) -> Image:
    """``POST /v2/images``: a ``queued`` image (201)."""
    if not isinstance(body, dict):
        raise errors.BadRequest("Body expected in request.")
    _check_keys(body)
    validate_image(body)
    fields = dict(body)
    image_id = fields.pop("id", None) or runtime.ids.uuid()
    custom = {key: value for key, value in fields.items() if key not in BASE_PROPERTIES}
    _check_custom(list(custom))
    for key in READ_ONLY:
        if key in fields:
            raise errors.Forbidden(f"Attribute '{key}' is read-only.")
    owner = fields.get("owner") or ctx.project_id
    if not policy.allowed(ctx, "add_image", {"project_id": owner, "owner": owner}, service="image"):
        raise not_authorized("add_image")
    visibility = fields.get("visibility") or "shared"
    _check_visibility(ctx, visibility, owner)
    _check_numbers(fields)
    record: Dict[str, Any] = {
        "id": image_id, "name": fields.get("name"), "status": "queued", "visibility": visibility,
        "protected": bool(fields.get("protected", False)), "os_hidden": bool(fields.get("os_hidden", False)),
        "disk_format": fields.get("disk_format"), "container_format": fields.get("container_format"),
        "min_ram": fields.get("min_ram") or 0, "min_disk": fields.get("min_disk") or 0, "size": None,
        "virtual_size": None, "checksum": None, "os_hash_algo": None, "os_hash_value": None, "owner": owner,
        "tags": list(dict.fromkeys(fields.get("tags") or ())), "properties": custom, "members": {},
        "created_at": ctx.now, "updated_at": ctx.now,
    }

    _check_quotas(record)

    def add(current: Optional[Image]) -> Image:
        if current is not None:
            raise errors.Conflict(f"Image ID {image_id} already exists!")
        return record

    return runtime.store.compute("image", image_id, add)


# JSON patch --------------------------------------------------------------------------------------------------

Change = Tuple[str, str, Any]  # (op, attribute, value)


def _authorize(ctx: RequestContext, image: Mapping[str, Any], name: str, value: Any, may_modify: bool) -> None:
    """Glance's ``update_property``: a visibility change's own rule first, then ``modify_image``."""
    if name == "visibility":
        _check_visibility(ctx, value, image.get("owner"))
    if not may_modify:
        raise not_authorized("modify_image")


def _apply(image: Dict[str, Any], ctx: RequestContext, change: Change, may_modify: bool) -> None:
    """One change, checked in Glance's order: a non-admin's owner change, then the rules (per change, so a
    visibility change meets ``publicize_image`` before ``modify_image``), then the property's own checks."""
    op, name, value = change
    properties = image.setdefault("properties", {})
    present = name in TOP_LEVEL or name in properties
    if op == "replace" and name == "owner" and not ctx.is_admin:
        raise ForbiddenDetail("Owner can't be updated by non admin.")
    if name != "locations":  # locations have rules of their own, and are refused below
        _authorize(ctx, image, name, None if op == "remove" else value, may_modify)
    if op == "remove":
        if name in TOP_LEVEL or name in BASE_PROPERTIES:
            raise ForbiddenDetail(f"Property {name} may not be removed.")
        if name not in properties:
            raise ConflictDetail(f"Property {name} does not exist.")
        del properties[name]
        return
    if op == "replace" and not present and name not in BASE_PROPERTIES:
        raise ConflictDetail(f"Property {name} does not exist.")
    if name == "locations":
        raise errors.Forbidden("It's not allowed to update locations if locations are invisible.")
    if name == "owner" and not ctx.is_admin:  # an added owner: refused too, once the rules have passed
        raise ForbiddenDetail("Owner can't be updated by non admin.")
    if name in ("min_ram", "min_disk"):
        _check_numbers({name: value})
    if name in ("disk_format", "container_format") and image.get("status") != "queued" and image.get(name) != value:
        raise errors.Forbidden(f"Attribute {name} can be only replaced for a queued image.")
    if name == "tags":
        value = list(dict.fromkeys(value))
    if name in TOP_LEVEL:
        image[name] = value
    else:
        properties[name] = value


def update(runtime: Runtime, ctx: RequestContext, image_id: str, changes: List[Change]) -> Image:
    """``PATCH /v2/images/{id}``: apply the changes in order, all or nothing (an image the caller cannot see is
    a 404 before any rule; the rules are checked change by change, so an empty patch needs none)."""
    may_modify = may_write(visible(runtime, ctx, image_id), ctx)

    def patch(current: Optional[Image]) -> Image:
        if current is None:
            raise not_found(image_id)
        image: Dict[str, Any] = {**current, "properties": dict(current.get("properties") or {}),
                                 "tags": list(current.get("tags") or ())}
        for change in changes:
            _apply(image, ctx, change, may_modify)
        _check_quotas(image)
        return {**image, "updated_at": ctx.now}

    return runtime.store.compute("image", image_id, patch)


def delete(runtime: Runtime, ctx: RequestContext, image_id: str) -> None:
    """``DELETE /v2/images/{id}``: 204; protected images are 403; the data is freed."""
    image = writable(runtime, ctx, image_id, "delete_image")
    if image.get("protected"):
        raise errors.Forbidden(f"Image {image_id} is protected and cannot be deleted.")
    runtime.store.delete("image", image_id)
    image_data.discard(runtime, image_id)


def activation(runtime: Runtime, ctx: RequestContext, image_id: str, action: str) -> None:
    """``POST /v2/images/{id}/actions/deactivate|reactivate``: 204."""
    writable(runtime, ctx, image_id, action)
    moves = _ACTIVATION[action]

    def move(current: Optional[Image]) -> Image:
        if current is None:
            raise not_found(image_id)
        status = current.get("status", "")
        if status not in moves:
            raise errors.Forbidden(f"Not allowed to {action} image in status '{status}'")
        return {**current, "status": moves[status], "updated_at": ctx.now}

    runtime.store.compute("image", image_id, move)


def change_tags(runtime: Runtime, ctx: RequestContext, image_id: str, tag: str, add: bool) -> None:
    """``PUT`` / ``DELETE /v2/images/{id}/tags/{tag}``: 204; deleting an absent tag is a bare 404."""
    image = visible(runtime, ctx, image_id)
    if not may_write(image, ctx):
        raise errors.Forbidden(f"Not allowed to {'update' if add else 'delete'} tags for image {image_id}.")
    if add and len(tag) > 255:
        raise errors.BadRequest(f"Could not update image: Provided object does not match schema 'image': "
                                f"'{tag}' is too long")

    def edit(current: Optional[Image]) -> Image:
        if current is None:
            raise not_found(image_id)
        tags: List[str] = list(current.get("tags") or ())
        if add:
            tags = list(dict.fromkeys([*tags, tag]))
            if len(tags) > TAG_QUOTA:
                over = _over("tags", len(tags), TAG_QUOTA)
                raise errors.RequestTooLarge(f"Image tag limit exceeded for image {image_id}: {over.message}:")
        elif tag not in tags:
            raise errors.NotFound()
        else:
            tags.remove(tag)
        return {**current, "tags": tags, "updated_at": ctx.now}

    runtime.store.compute("image", image_id, edit)

