"""Request helpers every identity handler shares: the JSON body, the caller's token, policy, URLs, replies.

The pipeline asks no token for this service, so handlers that Keystone protects read ``X-Auth-Token`` here;
every refusal is Keystone's ``{"error": …}`` (403 names the policy rule, as ``ForbiddenAction`` does).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional

from flask import Response, request

from ...domain import errors, keystone
from ...domain.identity import validate_token
from ...domain.identity_admin import access
from ...domain.identity_admin.records import found, member
from ...domain.strings import bool_from_string
from ...views import keystone as views
from ..http import base_url, json_response, parse_json, runtime

Caller = Mapping[str, Any]

__all__ = ["found", "member", "runtime"]


def v3_url() -> str:
    return base_url() + "/identity/v3"


def region() -> str:
    """The region the catalog names (``RegionOne`` unless configured)."""
    return runtime().store.get("config", "region") or "RegionOne"


def flag(name: str, default: bool = False) -> bool:
    return bool_from_string(request.args.get(name) or "", default)


def present(name: str) -> bool:
    """A query flag as Keystone's ``query_filter_is_true`` reads it: present and empty, or a true value."""
    return name in request.args and (request.args[name] == "" or flag(name))


def body() -> Dict[str, Any]:
    """The JSON body as keystone's ``json_body`` hook reads it: empty is ``{}``, anything else must be JSON."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    if not (request.is_json or not request.headers.get("Content-Type")):
        raise keystone.expecting("application/json", "Content-Type header")
    try:
        value = parse_json(raw)  # the edge's limits (nesting, lone surrogates) in keystone's error shape
    except errors.MalformedBody:
        value = None
    if not isinstance(value, dict):
        raise keystone.expecting("valid JSON", "request body")
    return value


def caller() -> Caller:
    """The token record of ``X-Auth-Token``, or Keystone's 401."""
    rt = runtime()
    return validate_token(rt.store, request.headers.get("X-Auth-Token"), rt.clock.now())


def authorize(rule: str, target: Optional[Mapping[str, Any]] = None) -> Caller:
    """The caller, once ``rule`` (Keystone's, as the app's policies have it) lets it act on ``target``."""
    who = caller()
    access.authorize(runtime().policies, who, rule, target)
    return who


def new_target(data: Mapping[str, Any], key: str) -> Dict[str, Any]:
    """The policy target of a create: the new resource's domain (the body's, else the caller's scope)."""
    value = data.get(key)
    wanted: Mapping[str, Any] = value if isinstance(value, dict) else {}
    token = runtime().store.get("token", request.headers.get("X-Auth-Token") or "") or {}
    return {"domain_id": wanted.get("domain_id") or token.get("scope_domain_id") or "default"}


def reply(key: str, item: Any, status: int = 200) -> Response:
    return json_response({key: item}, status)


def listing(key: str, items: Iterable[Any]) -> Response:
    return json_response(views.collection(key, items, request.url))


def no_content() -> Response:
    return json_response(None, 204)
