"""``/servers``: create, list, list detail, show, update and delete; each handler parses, calls, renders."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from flask import Response, g, request

from ...domain import compute, create, listing, policy
from ...domain.lifecycle.table import Action
from ...domain.ports import Store
from ...views import servers as views
from ...views.fields import ViewContext
from ..http import base_url, compute_root, context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from . import server_list
from .schemas import servers as schemas


class _ImageProperties:
    """image id -> its properties, looked up once per image per request, not once per server."""

    __slots__ = ("store", "seen")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: Dict[str, Optional[Dict[str, Any]]] = {}

    def __call__(self, image_id: str) -> Optional[Dict[str, Any]]:
        if image_id not in self.seen:
            image = self.store.get("image", image_id)
            self.seen[image_id] = dict(image["properties"]) if image else None
        return self.seen[image_id]


def view_context() -> ViewContext:
    """Where links point and who is looking, for the view functions."""
    base = base_url()
    state = g._get_current_object()
    url_project = getattr(state, "fakenova_url_project", None)
    ctx = state.fakenova_ctx
    return ViewContext(version=ctx.version, is_admin=policy.is_admin(ctx), compute_url=f"{base}{compute_root()}",
                       bookmark_url=f"{base}/compute", project_prefix=f"/{url_project}" if url_project else "",
                       image_url=f"{base}/image", image_properties=_ImageProperties(runtime().store),
                       now=ctx.now, records=runtime().store.get)


def create_server() -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.CREATE, ctx.version, body)
    hints = body.get("os:scheduler_hints") or body.get("OS-SCH-HNT:scheduler_hints") or {}
    made = create.create_servers(runtime(), ctx, body["server"], hints)
    if body["server"].get("return_reservation_id"):  # Nova tests the raw value's truthiness
        return json_response({"reservation_id": made.reservation_id}, 202)
    vctx = view_context()
    first = made.servers[0]
    return json_response({"server": views.create_response(first, vctx, made.admin_pass, made.security_groups)},
                         202, {"Location": views.self_url(first.id, vctx)})


def _list(detail: bool) -> Response:
    ctx = context()
    args = validate_query(schemas.LIST_QUERY, ctx.version, request.args.to_dict(flat=False))
    page = listing.list_servers(runtime(), ctx, listing.ListQuery(args=args, detail=detail))
    return server_list.page_response(page, detail, view_context(), request.args.items(multi=True),
                                     runtime().settings.max_limit)


def index() -> Response:
    return _list(detail=False)


def detail() -> Response:
    return _list(detail=True)


def show(server_id: str) -> Response:
    server = compute.get_server(runtime(), context(), server_id)
    # the show body is a detail item plus server_groups: rendered once per record, then reused
    return server_list.one_response("server", views.SERVER_FIELDS, server, view_context())


def update(server_id: str) -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.UPDATE, ctx.version, body)
    server = compute.update_server(runtime(), ctx, server_id, body["server"])
    return json_response({"server": views.update(server, view_context())})


def delete(server_id: str) -> Response:
    compute.delete_server(runtime(), context(), server_id)
    return json_response(None, 204)


def _deleting(args: Mapping[str, str], body: Any) -> Action:
    return compute.delete_action(runtime(), context(), args["server_id"])


ROUTES = (
    Route("GET", "/servers", index, policy="os_compute_api:servers:index"),
    Route("GET", "/servers/detail", detail, policy="os_compute_api:servers:detail"),
    Route("POST", "/servers", create_server, action_of=lambda args, body: Action.CREATE,
          policy="os_compute_api:servers:create"),
    Route("GET", "/servers/<server_id>", show, policy="os_compute_api:servers:show"),
    Route("PUT", "/servers/<server_id>", update, policy="os_compute_api:servers:update"),
    Route("DELETE", "/servers/<server_id>", delete, action_of=_deleting, policy="os_compute_api:servers:delete"),
)
