"""Glance v2 at ``/image``: version documents, image list with Glance's filters and paging, image show.

Visibility, filters and order are :mod:`fakenova.domain.images`; the body is
:func:`~fakenova.views.images.glance_image`.
Errors are rendered in Glance's shape by the pipeline.
"""
from __future__ import annotations

from typing import Any, Dict
from urllib.parse import urlencode

from flask import Response, request

from ...domain import errors
from ...domain.images import after_marker, can_see, glance_checks, glance_limit, observe_image, ordered
from ...views.images import glance_image
from ..http import base_url, context, json_response, runtime
from ..routing import Route

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
    checks = glance_checks(ctx, args)
    descending = args.get("sort_dir", ["desc"])[-1] != "asc"
    images = ordered((image for image in store.list("image") if can_see(image, ctx)
                       and all(check(image) for check in checks)),
                      args.get("sort_key", ["created_at"])[-1], descending)
    page = after_marker(images, args.get("marker", [None])[-1], store, ctx)[:limit]
    params = {key: values[-1] for key, values in args.items() if key != "marker"}
    body: Dict[str, Any] = {"images": [glance_image(image) for image in page],
                            "first": "/v2/images" + (f"?{urlencode(params)}" if params else ""),
                            "schema": "/v2/schemas/images"}
    if page and len(page) == limit:
        body["next"] = "/v2/images?" + urlencode({**params, "marker": page[-1]["id"]})
    return json_response(body)


def glance_show(image_id: str) -> Response:
    """``GET /image/v2/images/{id}``; 404 ``No image found with ID <id>``."""
    image = observe_image(runtime(), context(), image_id)
    if image is None:
        raise errors.NotFound(f"No image found with ID {image_id}")
    return json_response(glance_image(image))


ROUTES = (
    Route("GET", "", glance_versions, public=True),
    Route("GET", "/", glance_versions, public=True),
    Route("GET", "/versions", glance_versions, public=True),
    Route("GET", "/v2/images", glance_list),
    Route("GET", "/v2/images/<image_id>", glance_show),
)
