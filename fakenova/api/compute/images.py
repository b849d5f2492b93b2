"""Nova's image proxy: ``/compute/v2.1/images``, list, detail, show and delete from 2.1 to 2.35 (404 from
2.36), and the image metadata API (``/images/{id}/metadata``), which Nova keeps until 2.38.

It reads the same image records Glance's API shows (:mod:`fakenova.domain.images`), with Nova's query
schema, Nova's filters and Nova's image view.
"""
from __future__ import annotations

from typing import Any, Dict

from flask import Response, request

from ...domain import errors, image_metadata
from ...domain.images import after_marker, listed, observe_image, ordered, proxy_checks
from ...microversions import Versioned, VersionRange
from ...views.common import collection_links
from ...views.images import proxy_detail, proxy_summary
from .. import schema_types as t
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .servers import view_context

#: Nova removed the image proxy at 2.36, and the image metadata API at 2.39.
PROXY_VERSIONS = VersionRange.of("2.1", "2.35")
METADATA_VERSIONS = VersionRange.of("2.1", "2.38")
_ONE = {**t.METADATA, "minProperties": 1, "maxProperties": 1}
METADATA_BODY = Versioned([("2.1", t.object_of({"metadata": t.METADATA}, required=["metadata"]))],
                          name="image-metadata")
META_BODY = Versioned([("2.1", t.object_of({"meta": _ONE}, required=["meta"]))], name="image-meta")

#: ``GET /images`` and ``/images/detail`` (nova/api/openstack/compute/schemas/images.py): lenient, with
#: ``property-*`` filters passed through.
_PAGE_PARAM = t.multi_params({"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1, "minLength": 1})
_PROXY_FILTERS = ("name", "status", "changes-since", "server", "type", "minRam", "minDisk", "marker")
PROXY_LIST_QUERY = t.evolve("images-index-query", {
    **t.object_of({**{name: {} for name in _PROXY_FILTERS},
                   "limit": _PAGE_PARAM, "offset": _PAGE_PARAM, "page_size": _PAGE_PARAM}, additional=True),
    "patternProperties": {"^property-.*$": {}},
}, [])
PROXY_SHOW_QUERY = t.evolve("images-show-query", t.object_of({}, additional=True), [])


def _proxy_list(detail: bool) -> Response:
    ctx, rt = context(), runtime()
    args = validate_query(PROXY_LIST_QUERY, ctx.version, request.args.to_dict(flat=False))
    checks = proxy_checks(args)
    images = ordered(image for image in rt.store.list("image")
                      if listed(image, ctx) and all(check(image) for check in checks))
    images = after_marker(images, args["marker"][-1] if "marker" in args else None, rt.store, ctx)
    limit = int(args["limit"][-1]) if "limit" in args else None
    images = images[:min(limit, rt.settings.max_limit)] if limit is not None else images
    vctx = view_context()
    render = proxy_detail if detail else proxy_summary
    body: Dict[str, Any] = {"images": [render(image, vctx) for image in images]}
    path = "/images/detail" if detail else "/images"
    links = collection_links(f"{vctx.compute_url}{vctx.project_prefix}{path}", request.args.items(multi=True),
                             [image["id"] for image in images], limit, rt.settings.max_limit)
    if links:
        body["images_links"] = links
    return json_response(body)


def proxy_index() -> Response:
    """``GET /compute/v2.1/images``."""
    return _proxy_list(detail=False)


def proxy_detail_list() -> Response:
    """``GET /compute/v2.1/images/detail``."""
    return _proxy_list(detail=True)


def proxy_show(image_id: str) -> Response:
    """``GET /compute/v2.1/images/{id}``; 404 ``Image not found.``"""
    ctx = context()
    validate_query(PROXY_SHOW_QUERY, ctx.version, request.args.to_dict(flat=False))
    image = observe_image(runtime(), ctx, image_id)
    if image is None:
        raise errors.NotFound("Image not found.")
    return json_response({"image": proxy_detail(image, view_context())})


def proxy_delete(image_id: str) -> Response:
    """``DELETE /compute/v2.1/images/{id}``: 204; the image is gone from Glance too."""
    image_metadata.delete_image(runtime(), context(), image_id)
    return json_response(None, 204)


def metadata_index(image_id: str) -> Response:
    return json_response({"metadata": image_metadata.properties(runtime(), context(), image_id)})


def metadata_show(image_id: str, key: str) -> Response:
    return json_response({"meta": image_metadata.shown_key(runtime(), context(), image_id, key)})


def _metadata_body(table: Versioned) -> Any:
    body = read_json()
    validate_body(table, context().version, body)
    return body


def metadata_create(image_id: str) -> Response:
    """``POST .../metadata``: merge the given keys into the image's metadata."""
    given = _metadata_body(METADATA_BODY)["metadata"]
    merged = image_metadata.change(runtime(), context(), image_id, lambda current: {**current, **given})
    return json_response({"metadata": merged})


def metadata_replace(image_id: str) -> Response:
    """``PUT .../metadata``: the given keys become the whole metadata."""
    given = _metadata_body(METADATA_BODY)["metadata"]
    image_metadata.change(runtime(), context(), image_id, lambda current: dict(given))
    return json_response({"metadata": given})


def metadata_update(image_id: str, key: str) -> Response:
    """``PUT .../metadata/{key}``: the body's one key must be the URL's."""
    meta = _metadata_body(META_BODY)["meta"]
    if key not in meta:
        raise errors.BadRequest("Request body and URI mismatch")
    image_metadata.change(runtime(), context(), image_id, lambda current: {**current, key: meta[key]})
    return json_response({"meta": meta})


def metadata_delete(image_id: str, key: str) -> Response:
    image_metadata.delete_key(runtime(), context(), image_id, key)
    return json_response(None, 204)


_META = "/images/<image_id>/metadata"
#: Nova's image proxies check no policy of Nova's: Glance decides
_GLANCE_DECIDES = "Nova checks no policy here (Glance does)"

ROUTES = (
    Route("GET", "/images", proxy_index, PROXY_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("GET", "/images/detail", proxy_detail_list, PROXY_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("GET", "/images/<image_id>", proxy_show, PROXY_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("DELETE", "/images/<image_id>", proxy_delete, PROXY_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("GET", _META, metadata_index, METADATA_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("POST", _META, metadata_create, METADATA_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("PUT", _META, metadata_replace, METADATA_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("GET", f"{_META}/<key>", metadata_show, METADATA_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("PUT", f"{_META}/<key>", metadata_update, METADATA_VERSIONS, unguarded=_GLANCE_DECIDES),
    Route("DELETE", f"{_META}/<key>", metadata_delete, METADATA_VERSIONS, unguarded=_GLANCE_DECIDES),
)
