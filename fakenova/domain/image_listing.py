"""Glance's image list parameters: member status, size and time ranges, and sort keys and directions.

``GET /v2/images`` reads these on top of :func:`fakenova.domain.images.glance_checks`; messages are those of
Glance's request deserializer and its database filters.
"""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import islice
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, cast

from ..store.base import OrderedStore
from . import errors
from .context import RequestContext
from .images import Check, Image, after_marker, find_image
from .ports import Store

SORT_KEYS = ("name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at")
MEMBER_STATUSES = ("pending", "accepted", "rejected", "all")
#: Glance's time-filter operators
_OPERATORS: Mapping[str, Callable[[float, float], bool]] = {
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
    "eq": lambda a, b: a == b, "neq": lambda a, b: a != b,
}
Sort = List[Tuple[str, bool]]  # (key, descending)


def _one(args: Mapping[str, List[str]], name: str) -> Optional[str]:
    values = args.get(name)
    return values[-1] if values else None


def member_check(ctx: RequestContext, args: Mapping[str, List[str]]) -> Check:
    """Shared images of other projects are listed by the caller's membership status (default accepted)."""
    wanted = _one(args, "member_status") or "accepted"
    if wanted not in MEMBER_STATUSES:
        raise errors.BadRequest(f"Invalid status: {wanted}")

    def check(image: Image) -> bool:
        if image.get("visibility") != "shared" or image.get("owner") == ctx.project_id:
            return True
        members = image.get("members") or {}
        if not isinstance(members, dict):  # seeded as a plain list of projects: accepted members
            members = {project: {"status": "accepted"} for project in members}
        member = members.get(ctx.project_id)
        if member is None:
            return ctx.is_admin and wanted in ("all", "accepted") and "member_status" not in args
        return wanted == "all" or member.get("status") == wanted

    return check


def _parse_time(text: str) -> float:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise errors.BadRequest(f"Invalid time format for {text}.") from None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


def _time_check(key: str, value: str) -> Check:
    operator, sep, moment = value.partition(":")
    if not sep or operator not in _OPERATORS:
        operator, moment = "eq", value
    compare, bound = _OPERATORS[operator], _parse_time(moment)
    return lambda image: compare(float(image.get(key) or 0), bound)


def _size_check(key: str, value: str, at_least: bool) -> Check:
    try:
        bound = int(value)
    except ValueError:
        raise errors.BadRequest("Unable to filter on a range with a non-numeric value.") from None
    return lambda image: image.get("size") is not None and (
        image["size"] >= bound if at_least else image["size"] <= bound)


def range_checks(args: Mapping[str, List[str]]) -> List[Check]:
    checks: List[Check] = []
    for key in ("created_at", "updated_at"):
        value = _one(args, key)
        if value is not None:
            checks.append(_time_check(key, value))
    for key, at_least in (("size_min", True), ("size_max", False)):
        value = _one(args, key)
        if value is not None:
            checks.append(_size_check(key, value, at_least))
    if _one(args, "changes-since") is not None:
        raise errors.BadRequest('The "changes-since" filter is no longer available on v2.')
    return checks


def _key(key: str) -> str:
    key = key.strip()
    if key not in SORT_KEYS:
        raise errors.BadRequest(f"Invalid sort key: {key}. It must be one of the following: {', '.join(SORT_KEYS)}.")
    return key


def _direction(direction: str) -> bool:
    direction = direction.strip()
    if direction not in ("asc", "desc"):
        raise errors.BadRequest(f"Invalid sort direction: {direction}")
    return direction == "desc"


def sort_order(args: Mapping[str, List[str]]) -> Sort:
    """Glance's two syntaxes: ``sort=name:asc,size`` or repeated ``sort_key``/``sort_dir``."""
    if "sort" in args:
        if "sort_key" in args or "sort_dir" in args:
            raise errors.BadRequest("Old and new sorting syntax cannot be combined")
        order = []
        for part in args["sort"][-1].strip().split(","):
            key, _, direction = part.partition(":")
            order.append((_key(key), _direction(direction or "desc")))
        return order
    keys = [_key(key) for key in args.get("sort_key", [])] or ["created_at"]
    directions = [_direction(direction) for direction in args.get("sort_dir", [])]
    if len(directions) > 1 and len(directions) != len(keys):
        raise errors.BadRequest("Number of sort dirs does not match the number of sort keys")
    if len(directions) <= 1:
        directions = [directions[0] if directions else True] * len(keys)
    return list(zip(keys, directions))


def sort_images(images: List[Image], order: Sort) -> List[Image]:
    """Sorted by every key in turn (``id`` breaks ties, in the first key's direction)."""
    def value(image: Image, key: str) -> Tuple[bool, Any]:
        raw = image.get(key)
        return (raw is not None, raw if raw is not None else 0)

    result = sorted(images, key=lambda image: image["id"], reverse=order[0][1])
    for key, descending in reversed(order):
        result.sort(key=lambda image, key=key: value(image, key), reverse=descending)  # type: ignore[misc]
    return result


IMAGE = "image"
#: the one order the store's index keeps images in (then the id): Glance's default, ``created_at``
INDEXED_SORT = "created_at"
#: store class -> whether it offers OrderedStore (a runtime-Protocol isinstance inspects every method)
_ORDERED_CLASSES: Dict[type, bool] = {}


def index_order(image: Image) -> Tuple[Any, ...]:
    """An image's index position before its id: :func:`sort_images`'s value of ``created_at``."""
    created = image.get(INDEXED_SORT)
    return (created is not None, created if created is not None else 0)


def image_index(store: Store) -> Optional[OrderedStore]:
    """The store with the image index defined (idempotent), or None when it cannot keep one (callers sort)."""
    ordered = _ORDERED_CLASSES.get(type(store))
    if ordered is None:
        ordered = _ORDERED_CLASSES[type(store)] = isinstance(store, OrderedStore)
    if not ordered:
        return None
    index = cast(OrderedStore, store)
    index.define_order(IMAGE, index_order)
    return index


def list_page(store: Store, ctx: RequestContext, checks: List[Check], order: Sort, marker: Optional[str],
              limit: int) -> List[Image]:
    """The page of images passing every check, in ``order``, strictly after ``marker``.

    In the index's order (created_at either way, ids in the same direction) a page walks the index from the
    marker and stops at ``limit``, so it costs the page, not every image; other orders sort every image.
    """
    index = image_index(store) if len(order) == 1 and order[0][0] == INDEXED_SORT else None
    if index is None:
        images = sort_images([image for image in store.list(IMAGE) if all(check(image) for check in checks)],
                             order)
        return after_marker(images, marker, store, ctx)[:limit]
    after: Optional[Tuple[Any, ...]] = None
    if marker is not None:
        found = find_image(store, ctx, marker)
        if found is None:
            raise errors.BadRequest(f"No image found with ID {marker}")
        if not all(check(found) for check in checks):
            return []  # a marker outside the listing ends it, as in the sorted path
        after = (*index_order(found), marker)
    walked: Iterable[Image] = index.walk(IMAGE, after=after, descending=order[0][1])
    return list(islice((image for image in walked if all(check(image) for check in checks)), limit))
