"""Route tables known by their rows before their handler modules are imported.

Importing every service's handler modules (and the domain, view and schema modules they pull in) was most of
``create_app()``'s time. A blueprint only needs each route's method, path and endpoint name to add its URL
rule; the rest of the :class:`~fakenova.api.routing.Route` (handler, versions, policy...) is needed by the
first request that matches it. So a route table is named by a *source*, ``"<module>:<attribute>"``, and its
rows come from the generated index (``route_index_data.py``, written by ``scripts/route_index.py``) while
the digest of the files they were generated from still matches; the module is imported on first use
(:func:`resolve`). A source whose files changed since is imported at once, as before, so an outdated index
costs start-up time, never a route (tests/test_startup.py fails until the index is regenerated).
"""
from __future__ import annotations

import hashlib
import importlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from .routing import Route, endpoint_stem

#: (method, path, endpoint stem): what a blueprint needs of a row to add its rule
Row = Tuple[str, str, str]
#: a source's entry in the index: (digest of its files, the modules whose files those are, its rows)
Entry = Tuple[str, Tuple[str, ...], Tuple[Row, ...]]

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
_LOCK = threading.RLock()  # one loader at a time: a route is looked up once, then kept


@dataclass(frozen=True)
class RouteRef:
    """Row ``position`` of the table ``source``, with what adding its URL rule needs."""

    method: str
    path: str
    stem: str
    source: str
    position: int

    def load(self) -> Route:
        return resolve(self)


def _module_file(module: str) -> Path:
    path = _PACKAGE_ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def digest(modules: Iterable[str]) -> str:
    """A digest of the source files of ``modules`` (empty when one cannot be read: never fresh)."""
    hasher = hashlib.blake2b(digest_size=12)
    try:
        for module in modules:
            hasher.update(_module_file(module).read_bytes())
    except OSError:
        return ""
    return hasher.hexdigest()


def table(source: str) -> Tuple[Route, ...]:
    """The live route table ``source`` names (its module imported)."""
    module, _, attribute = source.partition(":")
    routes: Tuple[Route, ...] = tuple(getattr(importlib.import_module(module), attribute))
    return routes


def entry(source: str) -> Entry:
    """What the index holds for ``source``, worked out by importing it (scripts/route_index.py writes these)."""
    module = source.partition(":")[0]
    routes = table(source)
    modules = tuple(sorted({module, *(route.handler.__module__ for route in routes)}))
    return digest(modules), modules, tuple((route.method, route.path, endpoint_stem(route)) for route in routes)


def _index() -> Dict[str, Entry]:
    try:
        from .route_index_data import INDEX
    except ImportError:  # a build without the generated index: every table is imported
        return {}
    return INDEX


def rows(sources: Sequence[str]) -> List[Union[Route, RouteRef]]:
    """The rows of every table of ``sources``, in order: references where the index is current, else routes."""
    index = _index()
    found: List[Union[Route, RouteRef]] = []
    for source in sources:
        known: Optional[Entry] = index.get(source)
        if known is not None and digest(known[1]) == known[0]:
            found.extend(RouteRef(method, path, name, source, position)
                         for position, (method, path, name) in enumerate(known[2]))
        else:
            found.extend(table(source))
    return found


def resolve(ref: RouteRef) -> Route:
    """The route ``ref`` names, importing its module on first use (under a lock: concurrent first requests
    import it once and agree on the row)."""
    with _LOCK:
        route = table(ref.source)[ref.position]
    if (route.method, route.path, endpoint_stem(route)) != (ref.method, ref.path, ref.stem):
        raise RuntimeError(f"{ref.source} changed after start-up: row {ref.position} is now {route}")
    return route
