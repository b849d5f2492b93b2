"""HTTP routes for any Neutron resource, from its plugin: collection, member, bulk create and tags.

``routes(plugin)`` gives the route rows of one resource (``/v2.0/<plural>``, ``/v2.0/<plural>/<id>`` and
the tagging sub-resource), each naming Neutron's default rule as its ``policy``. The handlers only read
the request and render: checks are the plugin's (:class:`fakenova.domain.neutron_plugin.StoredPlugin`) and
the query machinery's (:mod:`fakenova.domain.neutron_query`). A new resource plugs in with::

    ROUTER_PLUGIN = RouterPlugin(ROUTER)          # a StoredPlugin subclass over its Definition
    ROUTES = resource.routes(ROUTER_PLUGIN)       # then add ROUTES to the network blueprint

Errors are rendered by the pipeline as ``{"NeutronError": {"type", "message", "detail"}}``.
"""
from __future__ import annotations

import urllib.parse
from typing import Any, Callable, Dict, Tuple

from flask import Response, request

from ...domain import errors
from ...domain import neutron_query as query
from ...domain.neutron_errors import HTTPBadRequest, MalformedRequestBody
from ...domain.neutron_plugin import StoredPlugin
from ...domain.neutron_resource import items_of, prepare
from ...policies.network import RULES as NEUTRON_RULES
from ..http import base_url, context, json_response, parse_json, runtime
from ..routing import Route


def _body() -> Any:
    """The JSON body, read as Neutron reads it: whatever the Content-Type, and ``None`` when empty."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        return parse_json(raw)
    except errors.MalformedBody:
        raise MalformedRequestBody(reason="Cannot understand JSON") from None


def _links(plural: str, page: query.Page) -> Dict[str, Any]:
    if not page.links:
        return {}
    path = base_url() + request.path
    rows = []
    kept = [(key, value) for key, value in request.args.items(multi=True) if key not in ("marker", "page_reverse")]
    for rel, marker in page.links:  # as api_common.get_next_link/get_previous_link rebuild the query
        params = list(kept)
        if marker is not None:
            params.append(("marker", marker))
        if rel == "previous":
            params.append(("page_reverse", "True"))
        rows.append({"rel": rel, "href": f"{path}?{urllib.parse.urlencode(params)}"})
    return {f"{plural}_links": rows}


def lister(plugin: StoredPlugin) -> Callable[[], Response]:
    defn = plugin.definition

    def handler() -> Response:
        store, ctx = runtime().store, context()
        args = request.args.to_dict(flat=False)
        wanted = query.filters(defn, args)
        found = query.page(defn, query.matching(defn, plugin.records(store, ctx, wanted), wanted, args), args)
        fields = args.get("fields", [])
        items = [query.pick(plugin.body(store, ctx, record), fields) for record in found.items]
        return json_response({defn.plural: items, **_links(defn.plural, found)})
    handler.__name__ = f"list_{defn.plural}"
    return handler


def shower(plugin: StoredPlugin) -> Callable[..., Response]:
    defn = plugin.definition

    def handler(rid: str) -> Response:
        store, ctx = runtime().store, context()
        body = plugin.body(store, ctx, plugin.get(store, ctx, rid))
        return json_response({defn.singular: query.pick(body, request.args.getlist("fields"))})
    handler.__name__ = f"show_{defn.singular}"
    return handler


def creator(plugin: StoredPlugin) -> Callable[[], Response]:
    defn = plugin.definition

    def handler() -> Response:
        rt, ctx = runtime(), context()
        items, bulk = items_of(defn, _body())
        prepared = [prepare(defn, ctx, item, creating=True) for item in items]
        for item in prepared:
            plugin.authorize_create(rt.store, ctx, item)
        made = plugin.create_all(rt, ctx, prepared)  # Neutron's bulk create is all or nothing
        bodies = [plugin.body(rt.store, ctx, record) for record in made]
        return json_response({defn.plural: bodies} if bulk else {defn.singular: bodies[0]}, 201)
    handler.__name__ = f"create_{defn.singular}"
    return handler


def updater(plugin: StoredPlugin) -> Callable[..., Response]:
    defn = plugin.definition

    def handler(rid: str) -> Response:
        rt, ctx = runtime(), context()
        body = _body()
        if isinstance(body, dict) and defn.plural in body:
            raise HTTPBadRequest("Bulk operation not supported")
        items, _ = items_of(defn, body)
        changes = prepare(defn, ctx, items[0], creating=False)
        record = plugin.update(rt, ctx, rid, changes)
        return json_response({defn.singular: plugin.body(rt.store, ctx, record)})
    handler.__name__ = f"update_{defn.singular}"
    return handler


def deleter(plugin: StoredPlugin) -> Callable[..., Response]:
    defn = plugin.definition

    def handler(rid: str) -> Response:
        if request.get_data(cache=True).strip():
            raise HTTPBadRequest("Request body is not supported in DELETE.")
        plugin.delete(runtime(), context(), rid)
        return Response(status=204)
    handler.__name__ = f"delete_{defn.singular}"
    return handler


def _tag_handlers(plugin: StoredPlugin) -> Tuple[Tuple[str, str, Callable[..., Response], str], ...]:
    one = plugin.definition.singular

    def index(rid: str) -> Response:
        return json_response({"tags": plugin.tags(runtime().store, context(), rid)})

    def show(rid: str, tag: str) -> Response:
        plugin.has_tag(runtime().store, context(), rid, tag)
        return Response(status=204)

    def replace(rid: str) -> Response:
        return json_response({"tags": plugin.set_tags(runtime(), context(), rid, _body())})

    def add(rid: str, tag: str) -> Response:
        plugin.add_tag(runtime(), context(), rid, tag)
        return Response(status=201)

    def remove(rid: str, tag: str) -> Response:
        plugin.remove_tag(runtime(), context(), rid, tag)
        return Response(status=204)

    def remove_all(rid: str) -> Response:
        plugin.remove_tag(runtime(), context(), rid, None)
        return Response(status=204)

    for handler, name in ((index, "tags"), (show, "tag"), (replace, "replace_tags"), (add, "add_tag"),
                          (remove, "remove_tag"), (remove_all, "remove_tags")):
        handler.__name__ = f"{name}_{one}"
    return (("GET", "/tags", index, f"get_{one}:tags"), ("GET", "/tags/<tag>", show, f"get_{one}:tags"),
            ("PUT", "/tags", replace, f"update_{one}:tags"), ("PUT", "/tags/<tag>", add, f"update_{one}:tags"),
            ("DELETE", "/tags/<tag>", remove, f"delete_{one}:tags"),
            ("DELETE", "/tags", remove_all, f"delete_{one}:tags"))


def routes(plugin: StoredPlugin) -> Tuple[Route, ...]:
    """The route rows of one resource: collection, member and (when it has tags) the tag sub-resource."""
    defn = plugin.definition
    base, member = f"/v2.0/{defn.plural}", f"/v2.0/{defn.plural}/<rid>"
    updatable = defn.rule("update") in NEUTRON_RULES
    rows = [
        Route("GET", base, lister(plugin), policy=defn.rule("get")),
        Route("POST", base, creator(plugin), policy=defn.rule("create")),
        Route("GET", member, shower(plugin), policy=defn.rule("get")),
        # a resource Neutron never updates (security group rules) has no update rule in its table
        Route("PUT", member, updater(plugin), policy=defn.rule("update") if updatable else None,
              unguarded="" if updatable else "Neutron updates none: no rule in its table"),
        Route("DELETE", member, deleter(plugin), policy=defn.rule("delete")),
    ]
    if defn.tags:
        rows += [Route(method, member + path, handler, policy=rule)
                 for method, path, handler, rule in _tag_handlers(plugin)]
    return tuple(rows)
