"""Writes through Nova's image proxy: ``DELETE /images/{id}`` (2.1-2.35) and the image metadata API
(``/images/{id}/metadata``, 2.1-2.38), on the Glance image records (``properties`` are the metadata).

Glance decides who may write: the owner or an admin (else Nova's 403s); Nova counts the properties against
the ``metadata_items`` quota (403 ``Image metadata limit exceeded``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping

from . import errors, quotas
from .context import RequestContext
from .images import Image, find_image
from .ports import Runtime

Properties = Dict[str, Any]


def _image(runtime: Runtime, ctx: RequestContext, image_id: str) -> Image:
    image = find_image(runtime.store, ctx, image_id)
    if image is None:
        raise errors.NotFound("Image not found.")
    return image


def _may_write(image: Image, ctx: RequestContext) -> bool:
    return ctx.is_admin or image.get("owner") == ctx.project_id


def properties(runtime: Runtime, ctx: RequestContext, image_id: str) -> Properties:
    """The image's metadata; 404 ``Image not found.`` for one the caller cannot see."""
    return dict(_image(runtime, ctx, image_id).get("properties") or {})


def change(runtime: Runtime, ctx: RequestContext, image_id: str,
           edit: Callable[[Properties], Properties]) -> Properties:
    """Replace the image's metadata with ``edit(current)``; returns the new metadata."""
    image = _image(runtime, ctx, image_id)
    new = edit(dict(image.get("properties") or {}))
    limit = quotas.quotas_for(runtime.store, ctx.project_id)["metadata_items"]
    if new and 0 <= limit < len(new):
        raise errors.Forbidden("Image metadata limit exceeded")
    if not _may_write(image, ctx):
        raise errors.Forbidden(f"Not authorized for image {image_id}.")
    runtime.store.compute("image", image_id, lambda current: {**current, "properties": new, "updated_at": ctx.now})
    return new


def delete_key(runtime: Runtime, ctx: RequestContext, image_id: str, key: str) -> None:
    """Remove one key; 404 ``Invalid metadata key`` when the image has none such."""
    def drop(current: Properties) -> Properties:
        if key not in current:
            raise errors.NotFound("Invalid metadata key")
        return {name: value for name, value in current.items() if name != key}

    change(runtime, ctx, image_id, drop)


def shown_key(runtime: Runtime, ctx: RequestContext, image_id: str, key: str) -> Mapping[str, Any]:
    """``{key: value}``; a missing key is a bare 404."""
    found = properties(runtime, ctx, image_id)
    if key not in found:
        raise errors.NotFound()
    return {key: found[key]}


def delete_image(runtime: Runtime, ctx: RequestContext, image_id: str) -> None:
    """``DELETE /images/{id}``: Glance refuses another project's image and a protected one (Nova's 403)."""
    image = _image(runtime, ctx, image_id)
    if not _may_write(image, ctx) or image.get("protected"):
        raise errors.Forbidden("You are not allowed to delete the image.")
    runtime.store.delete("image", image_id)
    runtime.store.delete("image_data", image_id)  # the octets go with the image (domain.image_data.KIND)
