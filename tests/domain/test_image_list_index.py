"""The image list's index walk answers exactly what sorting every image answers: same pages, same order
(``created_at`` then id, ties included), same markers and refusals, for every caller and filter below."""
from __future__ import annotations

import random
from typing import Any, Dict, List, Optional

import pytest

from fakenova.domain import errors
from fakenova.domain.context import Identity, RequestContext
from fakenova.domain.image_listing import image_index, list_page, member_check, range_checks, sort_order
from fakenova.domain.images import glance_checks
from fakenova.store.memory import MemoryStore

PROJECTS = ("p1", "p2", "p3")
VISIBILITIES = ("public", "private", "shared", "community")


class SortingStore(MemoryStore):
    """A memory store that cannot walk (not an OrderedStore): the list sorts every image."""

    walk = None  # type: ignore[assignment]


def _images(count: int) -> List[Dict[str, Any]]:
    rand = random.Random(7)
    return [{"id": f"{rand.getrandbits(64):016x}-{n}", "name": f"i{n % 5}", "owner": rand.choice(PROJECTS),
             "visibility": rand.choice(VISIBILITIES), "status": rand.choice(("active", "queued", "deleted")),
             "created_at": float(rand.randrange(6)), "updated_at": 0.0, "os_hidden": rand.random() < 0.1,
             "members": {"p2": {"status": rand.choice(("accepted", "pending"))}}, "size": rand.randrange(4)}
            for n in range(count)]


IMAGES = _images(120)
QUERIES: List[Dict[str, List[str]]] = [
    {}, {"limit": ["7"]}, {"sort_dir": ["asc"], "limit": ["9"]}, {"sort": ["created_at:asc"]},
    {"sort_key": ["created_at"], "sort_dir": ["desc"], "limit": ["0"]}, {"visibility": ["all"], "limit": ["5"]},
    {"name": ["i2"]}, {"member_status": ["all"], "limit": ["3"]}, {"size_min": ["2"], "limit": ["4"]},
    {"sort_key": ["name"], "limit": ["6"]},
]


def _ctx(project: str, admin: bool) -> RequestContext:
    return RequestContext(Identity("u", "u", project, project, ("admin",) if admin else ("member",)))


def _page(store: MemoryStore, ctx: RequestContext, args: Dict[str, List[str]], marker: Optional[str]) -> Any:
    checks = [*glance_checks(ctx, args), member_check(ctx, args), *range_checks(args)]
    try:
        return [image["id"] for image in list_page(store, ctx, checks, sort_order(args), marker,
                                                   int(args.get("limit", ["25"])[-1]))]
    except errors.BadRequest as refused:
        return ("400", str(refused))


@pytest.mark.parametrize("query", QUERIES, ids=[repr(query) for query in QUERIES])
@pytest.mark.parametrize("project,admin", [("p1", False), ("p2", False), ("p3", True)])
def test_walk_pages_equal_sorted_pages(query: Dict[str, List[str]], project: str, admin: bool) -> None:
    walking, sorting = MemoryStore(), SortingStore()
    assert image_index(walking) is walking and image_index(sorting) is None
    for store in (walking, sorting):
        for image in IMAGES:
            store.put("image", image["id"], image)
    ctx = _ctx(project, admin)
    for marker in (None, *(image["id"] for image in IMAGES[::7]), "missing"):
        expected = _page(sorting, ctx, query, marker)
        assert _page(walking, ctx, query, marker) == expected
    first = _page(walking, ctx, query, None)
    assert isinstance(first, list) and len(first) == len(set(first))
