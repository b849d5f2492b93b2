"""Glance v2 at ``/image``: version documents, and images: list (Glance's filters, sorting and paging), show,
create, JSON-patch update, delete, deactivate/reactivate and tags.

Visibility, filters and order are :mod:`fakenova.domain.images` and :mod:`~fakenova.domain.image_listing`;
writes are :mod:`fakenova.domain.glance_images`; the body is :func:`~fakenova.views.images.glance_image`.
Errors are rendered as Glance's webob renders them (``faults.py``).
"""
from __future__ import annotations

from typing import Any, Dict
from urllib.parse import urlencode

from flask import Response, request

from ...domain import errors, glance_images
from ...domain.glance_errors import not_found
from ...domain.image_listing import list_page, member_check, range_checks, sort_order
from ...domain.images import glance_checks, glance_limit, observe_image
from ...views.images import glance_image
from ..http import base_url, context, json_response, runtime
from ..routing import Route
from .body import read_body, read_patch

#: What devstack's Glance advertises (image cache enabled, one store): newest first.
GLANCE_VERSIONS = (("2.16", "CURRENT"), ("2.15", "SUPPORTED"), ("2.14", "SUPPORTED"), ("2.9", "SUPPORTED"),
                   *((f"2.{minor}", "SUPPORTED") for minor in range(7, -1, -1)))


def glance_versions() -> Response:
    """``GET /image`` (300 Multiple Choices, as Glance answers its root) and ``/image/versions`` (200)."""
    base = base_url() + "/image/v2/"
    versions = [{"id": f"v{number}", "status": status, "links": [{"rel": "self", "href": base}]}
                for number, status in GLANCE_VERSIONS]
    return json_response({"versions": versions}, 200 if request.path.endswith("/versions") else 300)


def glance_list() -> Response:
    """``GET /image/v2/images`` with Glance's filters, newest first, ``first``/``next`` links."""
    ctx, store = context(), runtime().store
    args = request.args.to_dict(flat=False)
    limit = glance_limit(args)
    order = sort_order(args)
    checks = [*glance_checks(ctx, args), member_check(ctx, args), *range_checks(args)]
    page = list_page(store, ctx, checks, order, args.get("marker", [None])[-1], limit)
    params = [(key, value) for key, values in args.items() if key != "marker" for value in values]
    body: Dict[str, Any] = {"images": [glance_image(image) for image in page],
                            "first": "/v2/images" + (f"?{urlencode(params)}" if params else ""),
                            "schema": "/v2/schemas/images"}
    if page and len(page) == limit:
        body["next"] = "/v2/images?" + urlencode([*params, ("marker", page[-1]["id"])])
    return json_response(body)


def no_image_id() -> Response:
    """``GET /v2/images/`` (an empty id): Glance's router matches nothing there, a bare 404."""
    raise errors.NotFound()


def glance_show(image_id: str) -> Response:
    """``GET /image/v2/images/{id}``; 404 ``No image found with ID <id>``."""
    image = observe_image(runtime(), context(), image_id)
    if image is None:
        raise not_found(image_id)
    return json_response(glance_image(image))


def glance_create() -> Response:
    """``POST /image/v2/images``: 201, the ``queued`` image, ``Location`` naming it."""
    image = glance_images.create(runtime(), context(), read_body())
    return json_response(glance_image(image), 201, {"Location": f"{base_url()}/image/v2/images/{image['id']}"})


def glance_update(image_id: str) -> Response:
    """``PATCH /image/v2/images/{id}`` with a JSON-patch media type: 200, the image."""
    changes = read_patch()
    return json_response(glance_image(glance_images.update(runtime(), context(), image_id, changes)))


def glance_delete(image_id: str) -> Response:
    glance_images.delete(runtime(), context(), image_id)
    return json_response(None, 204)


def glance_deactivate(image_id: str) -> Response:
    glance_images.activation(runtime(), context(), image_id, "deactivate")
    return json_response(None, 204)


def glance_reactivate(image_id: str) -> Response:
    glance_images.activation(runtime(), context(), image_id, "reactivate")
    return json_response(None, 204)


def glance_add_tag(image_id: str, tag: str) -> Response:
    glance_images.change_tags(runtime(), context(), image_id, tag, add=True)
    return json_response(None, 204)


def glance_delete_tag(image_id: str, tag: str) -> Response:
    glance_images.change_tags(runtime(), context(), image_id, tag, add=False)
    return json_response(None, 204)


_IMAGE = "/v2/images/<image_id>"
ROUTES = (
    Route("GET", "", glance_versions, public=True),
    Route("GET", "/", glance_versions, public=True),
    Route("GET", "/versions", glance_versions, public=True),
    Route("GET", "/v2/images", glance_list, policy="get_images"),
    Route("POST", "/v2/images", glance_create, policy="add_image"),
    Route("GET", "/v2/images/", no_image_id, policy="get_image"),
    Route("GET", _IMAGE, glance_show, policy="get_image"),
    Route("PATCH", _IMAGE, glance_update,
          unguarded="per change, in the handler: a visibility change meets publicize_image before modify_image"),
    Route("DELETE", _IMAGE, glance_delete, policy="delete_image"),
    Route("POST", f"{_IMAGE}/actions/deactivate", glance_deactivate, policy="deactivate"),
    Route("POST", f"{_IMAGE}/actions/reactivate", glance_reactivate, policy="reactivate"),
    Route("PUT", f"{_IMAGE}/tags/<tag>", glance_add_tag, policy="modify_image"),
    Route("DELETE", f"{_IMAGE}/tags/<tag>", glance_delete_tag, policy="modify_image"),
)
