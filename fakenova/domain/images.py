"""Images as Glance sees them: who may see one, and the filters, order and paging of image lists.

Records of kind ``image`` are Glance-like dicts (``status``, ``visibility``, ``owner``, ``size``,
``min_disk``, ``min_ram``, ``properties``, epoch ``created_at``/``updated_at``), whether seeded or made by
createImage; Glance's API and Nova's image proxy read the same records. Visibility is Glance's: admins see
everything; others see public and community images, their project's, and shared images naming their
project in ``members``; default lists leave out other projects' community images and ``os_hidden`` ones.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, List, Mapping, Optional

from . import errors
from .context import RequestContext
from .ports import Runtime, Store
from .strings import bool_from_string

Image = Mapping[str, Any]
Check = Callable[[Image], bool]

_GONE = ("deleted", "killed")



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


def find_image(store: Store, ctx: RequestContext, image_id: str) -> Optional[Image]:
    """The image if it exists and the caller may see it."""
    image = store.get("image", image_id)
    return image if image is not None and can_see(image, ctx) else None


def observe_image(runtime: Runtime, ctx: RequestContext, image_id: str) -> Optional[Image]:
    """The image as a reader sees it now: reading a snapshot still ``saving`` counts as a poll of the server
    transition that will activate it, as reading the server does (a client waiting on the image through
    Glance, like openstacksdk's ``create_image_snapshot(wait=True)``, never reads the server)."""
    image = find_image(runtime.store, ctx, image_id)
    server_id = (image.get("properties") or {}).get("instance_uuid") if image is not None else None
    if image is None or image.get("status") != "saving" or not server_id:
        return image
    from .compute import SETTLE_WRITES, settle  # late: compute's lifecycle imports images' neighbours

    runtime.store.compute("server", server_id, lambda server: server if server is None or server.deleted
                          else settle(runtime, server, ctx.now, observed=True), touches=SETTLE_WRITES)
    return find_image(runtime.store, ctx, image_id)


def ordered(images: Iterable[Image], key: str = "created_at", descending: bool = True) -> List[Image]:
    return sorted(images, key=lambda image: (image.get(key) is not None, image.get(key) or 0, image["id"]),
                  reverse=descending)


def after_marker(images: List[Image], marker: Optional[str], store: Store, ctx: RequestContext) -> List[Image]:
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


#: Glance's core attributes (every other key of a record's body is a custom property)
CORE = ("name", "disk_format", "container_format", "visibility", "size", "virtual_size", "status",
         "checksum", "protected", "min_ram", "min_disk", "owner", "os_hidden", "os_hash_algo", "os_hash_value")
_CONTROL = ("limit", "marker", "sort_key", "sort_dir", "sort", "visibility", "tag", "os_hidden", "member_status",
            "size_min", "size_max", "created_at", "updated_at", "changes-since")
_VISIBILITIES = ("public", "private", "shared", "community", "all")


def _equals(key: str, wanted: Any) -> Check:
    return lambda image: image.get(key) == wanted


def _at_least(key: str, floor: int) -> Check:
    return lambda image: int(image.get(key) or 0) >= floor


def _property_is(key: str, value: str) -> Check:
    return lambda image: str((image.get("properties") or {}).get(key)) == value


def proxy_checks(args: Mapping[str, List[str]]) -> List[Check]:
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



def _glance_value(image: Image, key: str) -> Any:
    return image.get(key) if key in CORE or key == "id" else (image.get("properties") or {}).get(key)


def glance_checks(ctx: RequestContext, args: Mapping[str, List[str]]) -> List[Check]:
    visibility = args.get("visibility", [None])[-1]
    if visibility is not None and visibility not in _VISIBILITIES:
        raise errors.BadRequest(f"Invalid visibility value: {visibility}")
    if visibility is None:
        checks: List[Check] = [lambda image: listed(image, ctx)]
    else:
        checks = [lambda image: can_see(image, ctx) and visibility in ("all", image["visibility"])]
    raw_hidden = args.get("os_hidden", ["false"])[-1]
    if raw_hidden.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"):
        raise errors.BadRequest(f"Invalid value '{raw_hidden}' for 'os_hidden' filter. Valid values are 'true' "
                                f"or 'false'.")
    hidden = bool_from_string(raw_hidden)
    checks.append(lambda image: bool(image.get("os_hidden", False)) == hidden)
    checks.extend(_tagged(tag) for tag in args.get("tag", ()))
    checks.extend(_field_is(key, values[-1]) for key, values in args.items() if key not in _CONTROL)
    return checks


def _tagged(tag: str) -> Check:
    return lambda image: tag in image.get("tags", ())


def _field_is(key: str, value: str) -> Check:
    match = _in(value)
    return lambda image: match(_glance_value(image, key))


def glance_limit(args: Mapping[str, List[str]]) -> int:
    return parse_glance_limit(args.get("limit", [None])[-1], GLANCE_DEFAULT_LIMIT, GLANCE_MAX_LIMIT)


def parse_glance_limit(raw: Optional[str], default: int, most: int) -> int:
    """Glance's ``limit`` query parameter (its words for a bad one), capped at ``most``."""
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise errors.BadRequest("limit param must be an integer") from None
    if limit < 0:
        raise errors.BadRequest("limit param must be positive")
    return min(limit, most)



GLANCE_DEFAULT_LIMIT = 25
GLANCE_MAX_LIMIT = 1000
