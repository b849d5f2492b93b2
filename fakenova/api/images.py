"""Images, twice: Nova's image proxy (``/compute/v2.1/images``, 2.1–2.35) and a Glance v2 subset (``/image``).

Both read the same store records of kind ``image`` (Glance-like dicts: ``status``, ``visibility``, ``owner``,
``size``, ``min_disk``, ``min_ram``, ``properties``, epoch ``created_at``/``updated_at``), whether seeded or
made by createImage. Visibility is Glance's: admins see everything; others see public and community
images, their project's, and shared images naming their project in ``members``; default lists leave out
other projects' community images and ``os_hidden`` ones. Glance errors are rendered by the pipeline.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import urlencode

from flask import Response, request

from ..domain import errors
from ..domain.context import RequestContext
from ..microversions import VersionRange
from ..views.common import collection_links, isotime, link
from ..views.fields import ViewContext
from .http import base_url, context, json_response, runtime
from .routing import Route
from .schemas import types as t
from .servers import view_context
from .validation import validate_query

Image = Mapping[str, Any]
Check = Callable[[Image], bool]

#: Nova removed the image proxy at 2.36.
PROXY_VERSIONS = VersionRange.of("2.1", "2.35")
_GONE = ("deleted", "killed")

# --- visibility and filters (pure) ------------------------------------------------------------------


def can_see(image: Image, ctx: RequestContext) -> bool:
    """Whether ``GET /v2/images/{id}`` finds the image for this caller."""
    if image.get("status") in _GONE:
        return False
    if ctx.is_admin or image["owner"] == ctx.project_id:
        return True
    return image["visibility"] in ("public", "community") or (
        image["visibility"] == "shared" and ctx.project_id in image.get("members", ()))


def listed(image: Image, ctx: RequestContext) -> bool:
    """Whether a list without ``visibility`` includes the image (community only for its owner)."""
    if not can_see(image, ctx):
        return False
    return ctx.is_admin or image["visibility"] != "community" or image["owner"] == ctx.project_id


def find_image(store: Any, ctx: RequestContext, image_id: str) -> Optional[Image]:
    """The image if it exists and the caller may see it."""
    image = store.get("image", image_id)
    return image if image is not None and can_see(image, ctx) else None


def _ordered(images: Iterable[Image], key: str = "created_at", descending: bool = True) -> List[Image]:
    return sorted(images, key=lambda image: (image.get(key) is not None, image.get(key) or 0, image["id"]),
                  reverse=descending)


def _after(images: List[Image], marker: Optional[str], store: Any, ctx: RequestContext) -> List[Image]:
    if marker is None:
        return images
    if find_image(store, ctx, marker) is None:
        raise errors.BadRequest(f"No image found with ID {marker}")
    ids = [image["id"] for image in images]
    return images[ids.index(marker) + 1:] if marker in ids else []


def _in(value: str) -> Callable[[Any], bool]:
    """Glance's ``in:a,b`` operator, or plain equality."""
    wanted = value[3:].split(",") if value.startswith("in:") else [value]
    return lambda actual: str(actual) in wanted


# --- Nova's proxy -----------------------------------------------------------------------------------

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

_NOVA_STATUS = {"active": "ACTIVE", "queued": "SAVING", "saving": "SAVING", "deleted": "DELETED",
                "pending_delete": "DELETED", "killed": "ERROR"}
_NOVA_PROGRESS = {"queued": 25, "saving": 50, "active": 100}
_TRUE = ("1", "t", "true", "on", "y", "yes")


def _proxy_links(image_id: str, ctx: ViewContext) -> List[Dict[str, str]]:
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
        "OS-EXT-IMG-SIZE:size": image.get("size"), "links": _proxy_links(image["id"], ctx),
    }
    if properties.get("instance_uuid"):
        body["server"] = _server_ref(properties["instance_uuid"], ctx)
    if "auto_disk_config" in properties:
        body["OS-DCF:diskConfig"] = "AUTO" if str(properties["auto_disk_config"]).lower() in _TRUE else "MANUAL"
    return body


def _equals(key: str, wanted: Any) -> Check:
    return lambda image: image.get(key) == wanted


def _at_least(key: str, floor: int) -> Check:
    return lambda image: int(image.get(key) or 0) >= floor


def _property_is(key: str, value: str) -> Check:
    return lambda image: str((image.get("properties") or {}).get(key)) == value


def _proxy_checks(args: Mapping[str, List[str]]) -> List[Check]:
    """Nova's ``SUPPORTED_FILTERS`` turned into Glance filters (status lower-cased, ``property-*``)."""
    one = {name: values[-1] for name, values in args.items()}
    checks: List[Check] = []
    if "name" in one:
        checks.append(_equals("name", one["name"]))
    if "status" in one:
        checks.append(_equals("status", one["status"].lower()))
    for param, key in (("minRam", "min_ram"), ("minDisk", "min_disk")):
        if param in one and one[param].isdigit():
            checks.append(_at_least(key, int(one[param])))
    props = {name[len("property-"):]: value for name, value in one.items() if name.startswith("property-")}
    if "server" in one:
        props["instance_uuid"] = one["server"].rsplit("/", 1)[-1]
    if "type" in one:
        props["image_type"] = one["type"]
    checks.extend(_property_is(key, value) for key, value in props.items())
    return checks


def _proxy_list(detail: bool) -> Response:
    ctx, rt = context(), runtime()
    args = validate_query(PROXY_LIST_QUERY, ctx.version, request.args.to_dict(flat=False))
    checks = _proxy_checks(args)
    images = _ordered(image for image in rt.store.list("image")
                      if listed(image, ctx) and all(check(image) for check in checks))
    images = _after(images, args["marker"][-1] if "marker" in args else None, rt.store, ctx)
    limit = int(args["limit"][-1]) if "limit" in args else None
    images = images[:min(limit, rt.settings.max_limit)] if limit is not None else images
    vctx = view_context()
    render = proxy_detail if detail else (lambda image, vc: {
        "id": image["id"], "name": image.get("name"), "links": _proxy_links(image["id"], vc)})
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
    image = find_image(runtime().store, ctx, image_id)
    if image is None:
        raise errors.NotFound("Image not found.")
    return json_response({"image": proxy_detail(image, view_context())})


COMPUTE_ROUTES = (
    Route("GET", "/images", proxy_index, PROXY_VERSIONS),
    Route("GET", "/images/detail", proxy_detail_list, PROXY_VERSIONS),
    Route("GET", "/images/<image_id>", proxy_show, PROXY_VERSIONS),
)

# --- Glance v2 --------------------------------------------------------------------------------------

#: What devstack's Glance advertises (image cache enabled, one store): newest first.
GLANCE_VERSIONS = (("2.16", "CURRENT"), ("2.15", "SUPPORTED"), ("2.14", "SUPPORTED"), ("2.9", "SUPPORTED"),
                   *((f"2.{minor}", "SUPPORTED") for minor in range(7, -1, -1)))
GLANCE_DEFAULT_LIMIT = 25
GLANCE_MAX_LIMIT = 1000
_CORE = ("name", "disk_format", "container_format", "visibility", "size", "virtual_size", "status",
         "checksum", "protected", "min_ram", "min_disk", "owner", "os_hidden", "os_hash_algo", "os_hash_value")
_CONTROL = ("limit", "marker", "sort_key", "sort_dir", "sort", "visibility", "tag", "os_hidden", "member_status")
_VISIBILITIES = ("public", "private", "shared", "community", "all")


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
                            if key not in _CORE}
    body.update({key: core.get(key) for key in _CORE})
    body.update({"id": image["id"], "created_at": isotime(image["created_at"]),
                 "updated_at": isotime(image["updated_at"]), "tags": list(image.get("tags", ())),
                 "self": f"/v2/images/{image['id']}", "file": f"/v2/images/{image['id']}/file",
                 "schema": "/v2/schemas/image"})
    return body


def _glance_value(image: Image, key: str) -> Any:
    return image.get(key) if key in _CORE or key == "id" else (image.get("properties") or {}).get(key)


def _glance_checks(ctx: RequestContext, args: Mapping[str, List[str]]) -> List[Check]:
    visibility = args.get("visibility", [None])[-1]
    if visibility is not None and visibility not in _VISIBILITIES:
        raise errors.BadRequest(f"Invalid visibility value: {visibility}")
    if visibility in (None, "all"):
        checks: List[Check] = [lambda image: listed(image, ctx) or visibility == "all"]
    else:
        checks = [lambda image: image["visibility"] == visibility]
    hidden = args.get("os_hidden", ["false"])[-1].lower() in _TRUE
    checks.append(lambda image: bool(image.get("os_hidden", False)) == hidden)
    checks.extend(_tagged(tag) for tag in args.get("tag", ()))
    checks.extend(_field_is(key, values[-1]) for key, values in args.items() if key not in _CONTROL)
    return checks


def _tagged(tag: str) -> Check:
    return lambda image: tag in image.get("tags", ())


def _field_is(key: str, value: str) -> Check:
    match = _in(value)
    return lambda image: match(_glance_value(image, key))


def _glance_limit(args: Mapping[str, List[str]]) -> int:
    raw = args.get("limit", [str(GLANCE_DEFAULT_LIMIT)])[-1]
    try:
        limit = int(raw)
    except ValueError:
        raise errors.BadRequest("limit param must be an integer") from None
    if limit < 0:
        raise errors.BadRequest("limit param must be positive")
    return min(limit, GLANCE_MAX_LIMIT)


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
    limit = _glance_limit(args)
    checks = _glance_checks(ctx, args)
    descending = args.get("sort_dir", ["desc"])[-1] != "asc"
    images = _ordered((image for image in store.list("image") if can_see(image, ctx)
                       and all(check(image) for check in checks)),
                      args.get("sort_key", ["created_at"])[-1], descending)
    page = _after(images, args.get("marker", [None])[-1], store, ctx)[:limit]
    params = {key: values[-1] for key, values in args.items() if key != "marker"}
    body: Dict[str, Any] = {"images": [glance_image(image) for image in page],
                            "first": "/v2/images" + (f"?{urlencode(params)}" if params else ""),
                            "schema": "/v2/schemas/images"}
    if page and len(page) == limit:
        body["next"] = "/v2/images?" + urlencode({**params, "marker": page[-1]["id"]})
    return json_response(body)


def glance_show(image_id: str) -> Response:
    """``GET /image/v2/images/{id}``; 404 ``No image found with ID <id>``."""
    image = find_image(runtime().store, context(), image_id)
    if image is None:
        raise errors.NotFound(f"No image found with ID {image_id}")
    return json_response(glance_image(image))


GLANCE_ROUTES = (
    Route("GET", "", glance_versions, public=True),
    Route("GET", "/", glance_versions, public=True),
    Route("GET", "/versions", glance_versions, public=True),
    Route("GET", "/v2/images", glance_list),
    Route("GET", "/v2/images/<image_id>", glance_show),
)
