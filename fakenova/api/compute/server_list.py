"""The bodies of ``GET /servers``, ``GET /servers/detail`` and ``GET /servers/{id}``: items rendered once per
server and view, then reused until the server changes.

A stored server is an immutable record, and any change stores a *new* object, so "the cached bytes were made
from this very object" (an identity check) is a complete freshness test: no invalidation hooks are needed.
An item is keyed by (the view's rows at this version, role, URLs): everything a rendering depends on. The rows
come from the field table's plan (``Plan.signature``), so versions whose rows are the same share an entry and
a row added at a new version gets entries of its own; no version is restated here. Where a row reads other
records (``Field.reads``: 2.98's image properties read the image, 2.71's ``server_groups`` the groups) the
item is tied to those record objects too (:data:`READ_KEYS` names them; such records are replaced, never
changed in place, and a missing one is ``None``). The cache is bounded (oldest entries go first) and
one per app (kept in ``app.extensions``).
"""
from __future__ import annotations

import operator
import threading
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

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

#: for each record kind a row may read (``Field.reads``), the keys of those records a server's rendering reads
READ_KEYS: Mapping[str, Callable[[Server], Tuple[str, ...]]] = {
    "image": lambda server: (server.image_id,) if server.image_id else (),
    "server_group": lambda server: server.server_groups,
}
#: what a rendering that reads no other record depends on besides its server
NOTHING: Tuple[Any, ...] = ()

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
                  reads: Optional[List[Tuple[Any, ...]]] = None) -> List[bytes]:
        """One JSON fragment per server, rendering (and remembering) only those not seen as they are now.

        :param reads: for each server, the other records its rendering reads (None when it reads none).
        """
        key = view_key(table, ctx)
        reads = reads or [NOTHING] * len(servers)
        found: List[Optional[bytes]] = [self._get(server, read, key) for server, read in zip(servers, reads)]
        missing = [server for server, fragment in zip(servers, found) if fragment is None]
        if missing:
            made = iter([dumps(item) for item in render_many(table, missing, ctx)])
            found = [fragment if fragment is not None else next(made) for fragment in found]
            with self._lock:
                for server, read, fragment in zip(servers, reads, found):
                    self._put(server, read, key, fragment)  # type: ignore[arg-type]
        return found  # type: ignore[return-value]

    def _get(self, server: Server, read: Tuple[Any, ...], key: ViewKey) -> Optional[bytes]:
        entry = self._items.get(server.id)
        if entry is None or entry[0] is not server or not _same(entry[1], read):
            return None
        return entry[2].get(key)

    def _put(self, server: Server, read: Tuple[Any, ...], key: ViewKey, fragment: bytes) -> None:
        entry = self._items.get(server.id)
        if entry is None or entry[0] is not server or not _same(entry[1], read):
            entry = (server, read, {})
            self._items.pop(server.id, None)  # a changed server moves to the young end: it is the busy one
            self._items[server.id] = entry
        entry[2][key] = fragment
        if len(self._items) > self._size:
            for stale in list(self._items)[:self._size // 10]:
                del self._items[stale]


def _same(cached: Tuple[Any, ...], current: Tuple[Any, ...]) -> bool:
    """Whether a rendering read these very record objects (identity: records are replaced, not edited)."""
    return cached is current or (len(cached) == len(current) and all(map(operator.is_, cached, current)))


def _cache() -> RenderCache:
    return current_app.extensions.setdefault("fakenova.render_cache", RenderCache())


def _reads(table: FieldTable, servers: List[Server], ctx: ViewContext) -> Optional[List[Tuple[Any, ...]]]:
    """The other records each rendering reads, where rows of the table read some at this version."""
    kinds = sorted(fields_for(table, ctx.version, ctx.is_admin).reads)
    if not kinds:
        return None
    get = runtime().store.get
    return [tuple(get(kind, key) for kind in kinds for key in READ_KEYS[kind](server)) for server in servers]


def one_response(wrapper: str, table: FieldTable, server: Server, ctx: ViewContext) -> Response:
    """``{"<wrapper>": <item>}`` (200) for one server, from the same cache as the list items."""
    fragment = _cache().fragments(table, [server], ctx, _reads(table, [server], ctx))[0]
    return Response(b'{"' + wrapper.encode() + b'":' + fragment + b"}", status=200,
                    content_type="application/json")


def page_response(page: Page, detail: bool, ctx: ViewContext, query_pairs: Iterable[Tuple[str, str]],
                  max_limit: int) -> Response:
    """The 200 response for one page: ``{"servers": [...]}`` plus ``servers_links`` when the page is full."""
    table = views.DETAIL_FIELDS if detail else views.SUMMARY_FIELDS
    fragments = _cache().fragments(table, page.servers, ctx, _reads(table, page.servers, ctx))
    base = f"{ctx.compute_url}{ctx.project_prefix}/servers{'/detail' if detail else ''}"
    links = collection_links(base, query_pairs, [server.id for server in page.servers], page.limit, max_limit)
    tail = b',"servers_links":' + dumps(links) if links else b""
    body = b'{"servers":[' + b",".join(fragments) + b"]" + tail + b"}"
    return Response(body, status=200, content_type="application/json")
