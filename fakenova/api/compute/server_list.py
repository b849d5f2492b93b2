"""The bodies of ``GET /servers``, ``GET /servers/detail`` and ``GET /servers/{id}``: items rendered once per
server and view, then reused until the server changes.

A stored server is an immutable record, and any change stores a *new* object, so "the cached bytes were made
from this very object" (an identity check) is a complete freshness test: no invalidation hooks are needed.
An item is keyed by (the view's rows at this version, role, URLs): everything a rendering depends on. The rows
come from the field table's plan (``Plan.signature``), so versions whose rows are the same share an entry and
a row added at a new version gets entries of its own; no version is restated here. Where a row reads the
server's image (``Field.reads``, e.g. 2.98's image properties) the item is tied to that image record object
too (image records are replaced, never changed in place). The cache is bounded (oldest entries go first) and
one per app (kept in ``app.extensions``).
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Iterable, List, Optional, Tuple

from flask import Response, current_app

from ...domain.listing import Page
from ...domain.models import Server
from ...views import servers as views
from ...views.common import collection_links
from ...views.fields import FieldTable, ViewContext, fields_for, render_many
from ..http import dumps, runtime

#: servers whose renderings are kept: a full page at the default max_limit (1 000) with room to spare, the busy
#: end of a cloud's listing. A server's renderings cost 1-3 KB (summary, detail, show), so this bounds the
#: cache at a few MB however many servers the cloud holds.
CACHE_SERVERS = 1_500

#: (plan signature, is_admin, compute URL, bookmark URL, project prefix, image URL)
ViewKey = Tuple[int, bool, str, str, str, str]


def view_key(table: FieldTable, ctx: ViewContext) -> ViewKey:
    """What a rendering of ``table`` depends on: the rows that apply (not the version itself), role and URLs."""
    signature = fields_for(table, ctx.version, ctx.is_admin).signature
    return signature, ctx.is_admin, ctx.compute_url, ctx.bookmark_url, ctx.project_prefix, ctx.image_url


class RenderCache:
    """Encoded list items per server, each tied to the exact record object it was rendered from."""

    def __init__(self, size: int = CACHE_SERVERS) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: Dict[str, Tuple[Server, Any, Dict[ViewKey, bytes]]] = {}

    def fragments(self, table: FieldTable, servers: List[Server], ctx: ViewContext,
                  images: Optional[List[Any]] = None) -> List[bytes]:
        """One JSON fragment per server, rendering (and remembering) only those not seen as they are now.

        :param images: for each server, the image record its rendering reads (None when it reads none).
        """
        key = view_key(table, ctx)
        images = images or [None] * len(servers)
        found: List[Optional[bytes]] = [self._get(server, image, key) for server, image in zip(servers, images)]
        missing = [server for server, fragment in zip(servers, found) if fragment is None]
        if missing:
            made = iter([dumps(item) for item in render_many(table, missing, ctx)])
            found = [fragment if fragment is not None else next(made) for fragment in found]
            with self._lock:
                for server, image, fragment in zip(servers, images, found):
                    self._put(server, image, key, fragment)  # type: ignore[arg-type]
        return found  # type: ignore[return-value]

    def _get(self, server: Server, image: Any, key: ViewKey) -> Optional[bytes]:
        entry = self._items.get(server.id)
        if entry is None or entry[0] is not server or entry[1] is not image:
            return None
        return entry[2].get(key)

    def _put(self, server: Server, image: Any, key: ViewKey, fragment: bytes) -> None:
        entry = self._items.get(server.id)
        if entry is None or entry[0] is not server or entry[1] is not image:
            entry = (server, image, {})
            self._items.pop(server.id, None)  # a changed server moves to the young end: it is the busy one
            self._items[server.id] = entry
        entry[2][key] = fragment
        if len(self._items) > self._size:
            for stale in list(self._items)[:self._size // 10]:
                del self._items[stale]


def _cache() -> RenderCache:
    return current_app.extensions.setdefault("fakenova.render_cache", RenderCache())


def _images(table: FieldTable, servers: List[Server], ctx: ViewContext) -> Optional[List[Any]]:
    """The image record each rendering reads, where a row of the table reads it at this version."""
    if "image" not in fields_for(table, ctx.version, ctx.is_admin).reads:
        return None
    store = runtime().store
    return [store.get("image", server.image_id) if server.image_id else None for server in servers]


def one_response(wrapper: str, table: FieldTable, server: Server, ctx: ViewContext) -> Response:
    """``{"<wrapper>": <item>}`` (200) for one server, from the same cache as the list items."""
    fragment = _cache().fragments(table, [server], ctx, _images(table, [server], ctx))[0]
    return Response(b'{"' + wrapper.encode() + b'":' + fragment + b"}", status=200,
                    content_type="application/json")


def page_response(page: Page, detail: bool, ctx: ViewContext, query_pairs: Iterable[Tuple[str, str]],
                  max_limit: int) -> Response:
    """The 200 response for one page: ``{"servers": [...]}`` plus ``servers_links`` when the page is full."""
    table = views.DETAIL_FIELDS if detail else views.SUMMARY_FIELDS
    fragments = _cache().fragments(table, page.servers, ctx, _images(table, page.servers, ctx))
    base = f"{ctx.compute_url}{ctx.project_prefix}/servers{'/detail' if detail else ''}"
    links = collection_links(base, query_pairs, [server.id for server in page.servers], page.limit, max_limit)
    tail = b',"servers_links":' + dumps(links) if links else b""
    body = b'{"servers":[' + b",".join(fragments) + b"]" + tail + b"}"
    return Response(body, status=200, content_type="application/json")
