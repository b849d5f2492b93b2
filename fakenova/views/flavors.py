"""Flavor bodies: which key a flavor body has at which microversion, stated once, and a flavor's links."""
from __future__ import annotations

from typing import Any, Callable, Dict, List

from ..domain.flavors import Flavor
from .common import link
from .fields import Field, FieldTable, ViewContext


def _key(name: str) -> Callable[[Flavor, ViewContext], Any]:
    return lambda flavor, ctx: flavor[name]


def flavor_links(flavor_id: str, ctx: ViewContext) -> List[Dict[str, str]]:
    """``[self, bookmark]`` of a flavor; the bookmark drops the version segment."""
    return [link("self", f"{ctx.compute_url}{ctx.project_prefix}/flavors/{flavor_id}"),
            link("bookmark", f"{ctx.bookmark_url}{ctx.project_prefix}/flavors/{flavor_id}")]


def _links(flavor: Flavor, ctx: ViewContext) -> List[Dict[str, str]]:
    return flavor_links(flavor["id"], ctx)


#: ``GET /flavors/detail`` items and ``GET /flavors/{id}``, in Nova's key order.
FLAVOR_FIELDS = FieldTable("flavor", [
    Field("id", _key("id")),
    Field("name", _key("name")),
    Field("ram", _key("ram")),
    Field("disk", _key("disk")),
    Field("swap", lambda flavor, ctx: flavor["swap"] or "", until="2.74"),
    Field("swap", lambda flavor, ctx: flavor["swap"] or 0, since="2.75"),
    Field("OS-FLV-EXT-DATA:ephemeral", _key("ephemeral")),
    Field("OS-FLV-DISABLED:disabled", _key("disabled"), until="2.101"),
    Field("vcpus", _key("vcpus")),
    Field("os-flavor-access:is_public", _key("is_public")),
    Field("rxtx_factor", lambda flavor, ctx: flavor["rxtx_factor"] or "", until="2.101"),
    Field("links", _links),
    Field("description", _key("description"), since="2.55"),
    Field("extra_specs", lambda flavor, ctx: dict(flavor["extra_specs"]), since="2.61"),
])

#: ``GET /flavors`` items.
SUMMARY_FIELDS = FieldTable("flavor-summary", [
    Field("id", _key("id")),
    Field("name", _key("name")),
    Field("links", _links),
    Field("description", _key("description"), since="2.55"),
])
