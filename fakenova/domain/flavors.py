"""Flavors: finding one by id or reference, who may see one, and the filters, order and paging of lists.

Visibility, filters, sorting and paging follow Nova's ``FlavorsController._get_flavors`` and the flavor DB
queries: members see enabled public flavors plus private ones shared with their project (a record's optional
``projects`` list), admins see every flavor and may filter with ``is_public``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from . import errors
from .context import RequestContext

Flavor = Mapping[str, Any]
Args = Dict[str, List[str]]

def for_server(store: Any, flavor_ref: Any) -> Flavor:
    """The flavor a create or resize names (an id or a link ending in one); 400 if absent or disabled."""
    flavor_id = str(flavor_ref).rstrip("/").rsplit("/", 1)[-1]
    flavor = store.get("flavor", flavor_id)
    if flavor is None or flavor.get("disabled"):
        raise errors.BadRequest(f"Flavor {flavor_id} could not be found.")
    return flavor


def visible(flavor: Flavor, ctx: RequestContext) -> bool:
    """Nova's base flavor query: admins see all; others public flavors and those shared with them."""
    return ctx.is_admin or flavor["is_public"] or ctx.project_id in flavor.get("projects", ())


def get_flavor(store: Any, ctx: RequestContext, flavor_id: str) -> Flavor:
    """A visible flavor by id; 404 ``Flavor <id> could not be found.`` otherwise."""
    flavor = store.get("flavor", flavor_id)
    if flavor is None or not visible(flavor, ctx):
        raise errors.FlavorNotFound(flavor_id=flavor_id)
    return flavor
