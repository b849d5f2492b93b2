"""Small value formatters shared by the views: Nova's two timestamp formats, links and pagination links."""
from __future__ import annotations

import functools
import time
from typing import Dict, Iterable, List, Optional, Tuple
from urllib.parse import urlencode

_MICRO = 1_000_000


# Cached because the same timestamps are rendered again on every poll of a server list; the key is the
# float itself, so the cache can never return a stale string.
@functools.lru_cache(maxsize=16384)
def isotime(when: float) -> str:
    """``created``/``updated``/fault ``created``: UTC, whole seconds, ``Z`` (``2013-09-03T04:01:32Z``).

    :param when: epoch seconds.
    """
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(when)))


@functools.lru_cache(maxsize=16384)
def _usage_time(when: float) -> str:
    # Round to whole microseconds first, so 0.9999997 becomes the next second rather than ".1000000".
    seconds, micros = divmod(round(when * _MICRO), _MICRO)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%06d" % micros


def usage_time(when: Optional[float]) -> Optional[str]:
    """``OS-SRV-USG:launched_at``/``terminated_at``: naive UTC with six fraction digits, or None.

    Nova serialises a naive datetime here (``2013-09-23T13:37:00.880302``), unlike ``created``.

    :param when: epoch seconds, or None when the event has not happened.
    """
    return None if when is None else _usage_time(when)


def link(rel: str, href: str) -> Dict[str, str]:
    """One link object as Nova writes them: ``{"rel": ..., "href": ...}``."""
    return {"rel": rel, "href": href}


def next_link(base: str, query_pairs: Iterable[Tuple[str, str]], marker: str) -> Dict[str, str]:
    """The ``next`` link of a full page, built as Nova's ``_get_next_link``.

    Nova sorts the request's query pairs and folds them into one dict (so a repeated parameter keeps one
    value: the greatest, as sorting puts it last), then sets ``marker`` (in place if present, else last).

    :param base: the collection URL without query, e.g. ``<compute_url>[/<project>]/servers/detail``.
    :param query_pairs: the request's query parameters as (name, value) pairs, repeats allowed.
    :param marker: the id of the page's last item.
    """
    params = dict(sorted(query_pairs))
    params["marker"] = marker
    return link("next", f"{base}?{urlencode(params)}")


def collection_links(base: str, query_pairs: Iterable[Tuple[str, str]], ids: List[str],
                     limit: Optional[int], max_limit: int) -> List[Dict[str, str]]:
    """``servers_links``: one ``next`` link when the page is full, else an empty list (omit the key).

    A page is full when it holds exactly ``min(limit or max_limit, max_limit)`` items and that is not 0, so
    a full last page still gets a link (Nova's behaviour; following it yields an empty page).

    :param ids: the page's item ids, in order.
    :param limit: the request's ``limit``, or None when absent.
    :param max_limit: ``[api] max_limit`` (Nova's default 1000).
    """
    page_size = min(max_limit if limit is None else limit, max_limit)
    if not page_size or len(ids) != page_size:
        return []
    return [next_link(base, query_pairs, ids[-1])]
