"""``/os-keypairs``: list, create or import, show and delete a user's key pairs (nova-facts j).

Everything that changes with the microversion is a table here: the request schemas (``CREATE_BODY``,
``INDEX_QUERY``, ``SHOW_QUERY``), the response codes (``CREATE_STATUS``, ``DELETE_STATUS``), whether the list
pages (``PAGINATES``) and the keys of each body (``ITEM_FIELDS``, ``CREATE_FIELDS``, ``SHOW_FIELDS``). The
records, fingerprints and generation live in :mod:`fakenova.domain.keypairs`.
"""
from __future__ import annotations

import random
from typing import Any, Callable, Dict, List, Mapping, Optional

from flask import Response, request

from ...domain import keypairs, policy
from ...domain.context import RequestContext
from ...domain.quotas import quotas_for
from ...microversions import Versioned
from ...runtime import Runtime
from ...views.common import collection_links, usage_time
from ...views.fields import Field, FieldTable, ViewContext, render
from .. import schema_types as t
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..schema_types import Edit
from ..validation import validate_body, validate_query
from .servers import view_context

Args = Dict[str, List[str]]

# --- request schemas (nova/api/openstack/compute/schemas/keypairs.py) --------------------------------

_NAME_V21: t.Schema = {"allOf": [
    {"type": "string", "format": "name", "minLength": 1, "maxLength": 255},
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[_\\- a-zA-Z0-9]+$"},
]}
_NAME_V292: t.Schema = {"allOf": [
    {"type": "string", "format": "name", "minLength": 1, "maxLength": 255},
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[_\\-\\@\\. a-zA-Z0-9]+$"},
]}
_KEYPAIR: t.Path = ("properties", "keypair")

#: ``POST /os-keypairs``: ``type`` 2.2, ``user_id`` 2.10, ``@``/``.`` in names and ``public_key`` required 2.92.
CREATE_BODY = t.evolve("keypairs-create", t.object_of({
    "keypair": t.object_of({"name": _NAME_V21, "public_key": {"type": "string"}}, required=["name"]),
}, required=["keypair"]), [
    ("2.2", [Edit(_KEYPAIR, add={"type": {"type": "string", "enum": ["ssh", "x509"]}})]),
    ("2.10", [Edit(_KEYPAIR, add={"user_id": {"type": "string"}})]),
    ("2.92", [Edit(_KEYPAIR, add={"name": _NAME_V292}, require=("public_key",))]),
])

_STRICT = Edit(keywords={"additionalProperties": False})
_USER_ID = Edit(add={"user_id": t.QUERY_STRING})

#: ``GET /os-keypairs``: ``user_id`` 2.10, ``limit``/``marker`` 2.35, unknown names refused from 2.75.
INDEX_QUERY = t.evolve("keypairs-index-query", t.object_of({}, additional=True), [
    ("2.10", [_USER_ID]),
    ("2.35", [Edit(add={"limit": t.QUERY_NON_NEGATIVE_INTEGER, "marker": t.QUERY_STRING})]),
    ("2.75", [_STRICT]),
])

#: ``GET`` and ``DELETE /os-keypairs/{name}``.
SHOW_QUERY = t.evolve("keypairs-show-query", t.object_of({}, additional=True), [
    ("2.10", [_USER_ID]),
    ("2.75", [_STRICT]),
])

CREATE_STATUS: Versioned[int] = Versioned([("2.1", 200), ("2.2", 201)], name="keypairs-create-status")
DELETE_STATUS: Versioned[int] = Versioned([("2.1", 202), ("2.2", 204)], name="keypairs-delete-status")
#: From 2.35 the list is paged (capped at ``max_limit``) and carries ``keypairs_links``.
PAGINATES: Versioned[bool] = Versioned([("2.1", False), ("2.35", True)], name="keypairs-paginates")

# --- views ------------------------------------------------------------------------------------------


def _key(name: str) -> Callable[[Mapping[str, Any], ViewContext], Any]:
    return lambda pair, ctx: pair[name]


def _constant(value: Any) -> Callable[[Mapping[str, Any], ViewContext], Any]:
    return lambda pair, ctx: value


_TYPE = Field("type", _key("type"), since="2.2")

#: Items of ``GET /os-keypairs`` (each wrapped in ``{"keypair": ...}``).
ITEM_FIELDS = FieldTable("keypair-item", [
    Field("name", _key("name")), Field("public_key", _key("public_key")),
    Field("fingerprint", _key("fingerprint")), _TYPE,
])

#: ``POST /os-keypairs``; ``private_key`` only when the key was generated.
CREATE_FIELDS = FieldTable("keypair-create", [
    Field("name", _key("name")), Field("public_key", _key("public_key")),
    Field("fingerprint", _key("fingerprint")), Field("user_id", _key("user_id")),
    Field("private_key", _key("private_key"), when=lambda pair, ctx: pair.get("private_key") is not None),
    _TYPE,
])

#: ``GET /os-keypairs/{name}``.
SHOW_FIELDS = FieldTable("keypair-show", [
    Field("name", _key("name")), Field("public_key", _key("public_key")),
    Field("fingerprint", _key("fingerprint")), Field("user_id", _key("user_id")),
    Field("created_at", lambda pair, ctx: usage_time(pair["created_at"])),
    Field("deleted", _constant(False)), Field("deleted_at", _constant(None)), Field("id", _key("id")),
    Field("updated_at", _constant(None)), _TYPE,
])

# --- handlers ---------------------------------------------------------------------------------------


def _target_user(ctx: RequestContext, requested: Optional[str], action: str) -> str:
    """The user whose pairs are meant; another user's need admin (``os-keypairs:<action>`` policy)."""
    user_id = requested or ctx.user_id
    if user_id != ctx.user_id:  # the route checked the caller's own; Nova's target is the pairs' user
        policy.authorize(ctx, f"os_compute_api:os-keypairs:{action}", {"user_id": user_id})
    return user_id


def _first(args: Args, name: str) -> Optional[str]:
    # Nova reads ``req.GET.getall('user_id')[0]``: the first value.
    values = args.get(name)
    return values[0] if values else None


def _last(args: Args, name: str) -> Optional[str]:
    values = args.get(name)
    return values[-1] if values else None


def _random_bytes(rt: Runtime) -> Callable[[int], bytes]:
    """Bytes for look-alike keys, reproducible under the app's seed."""
    return random.Random(rt.ids.uuid()).randbytes


def index() -> Response:
    """``GET /os-keypairs``: the caller's pairs (or ``user_id``'s, for admins), by name."""
    ctx, rt = context(), runtime()
    args = validate_query(INDEX_QUERY, ctx.version, request.args.to_dict(flat=False))
    user_id = _target_user(ctx, _first(args, "user_id"), "index")
    pages = PAGINATES.get(ctx.version)
    limit = _last(args, "limit")
    page = min(int(limit), rt.settings.max_limit) if limit is not None else rt.settings.max_limit
    pairs = keypairs.list_keypairs(rt.store, user_id, page if pages else None,
                                   _last(args, "marker") if pages else None)
    vctx = view_context()
    body: Dict[str, Any] = {"keypairs": [{"keypair": render(ITEM_FIELDS, pair, vctx)} for pair in pairs]}
    if pages:
        links = collection_links(f"{vctx.compute_url}{vctx.project_prefix}/os-keypairs",
                                 request.args.items(multi=True), [pair["name"] for pair in pairs],
                                 int(limit) if limit is not None else None, rt.settings.max_limit)
        if links:
            body["keypairs_links"] = links
    return json_response(body)


def create() -> Response:
    """``POST /os-keypairs``: import ``public_key`` or generate a pair (until 2.91)."""
    ctx, rt = context(), runtime()
    body = read_json()
    validate_body(CREATE_BODY, ctx.version, body)
    params = body["keypair"]
    user_id = _target_user(ctx, params.get("user_id"), "create")
    key_type = params.get("type", "ssh")
    random_bytes = _random_bytes(rt)
    record, private_key = keypairs.create_keypair(
        rt.store, user_id=user_id, name=params["name"].strip(), key_type=key_type,
        public_key=params.get("public_key"), quota=quotas_for(rt.store, ctx.project_id, user_id)["key_pairs"],
        now=ctx.now, make=lambda: keypairs.generate(key_type, random_bytes, user_id, ctx.now))
    shown = {**record, "private_key": private_key}
    return json_response({"keypair": render(CREATE_FIELDS, shown, view_context())},
                         CREATE_STATUS.get(ctx.version) or 201)


def show(name: str) -> Response:
    """``GET /os-keypairs/{name}``."""
    ctx = context()
    args = validate_query(SHOW_QUERY, ctx.version, request.args.to_dict(flat=False))
    user_id = _target_user(ctx, _first(args, "user_id"), "show")
    pair = keypairs.get_keypair(runtime().store, user_id, name)
    return json_response({"keypair": render(SHOW_FIELDS, pair, view_context())})


def delete(name: str) -> Response:
    """``DELETE /os-keypairs/{name}``: 202 before 2.2, then 204."""
    ctx = context()
    args = validate_query(SHOW_QUERY, ctx.version, request.args.to_dict(flat=False))
    user_id = _target_user(ctx, _first(args, "user_id"), "delete")
    keypairs.delete_keypair(runtime().store, user_id, name)
    return json_response(None, DELETE_STATUS.get(ctx.version) or 204)


ROUTES = (
    Route("GET", "/os-keypairs", index, policy="os_compute_api:os-keypairs:index"),
    Route("POST", "/os-keypairs", create, policy="os_compute_api:os-keypairs:create"),
    Route("GET", "/os-keypairs/<name>", show, policy="os_compute_api:os-keypairs:show"),
    Route("DELETE", "/os-keypairs/<name>", delete, policy="os_compute_api:os-keypairs:delete"),
)
