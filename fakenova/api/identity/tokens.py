"""Keystone v3 at ``/identity``: version documents, tokens (issue, validate, check, revoke), ``/v3/auth/*``.

Handlers parse the request, call :mod:`fakenova.domain.keystone_mint` and :mod:`fakenova.domain.keystone`
and render with :mod:`fakenova.views.keystone`. Both ``…/identity/v3/auth/tokens`` (auth URL ``…/identity``)
and direct ``…/identity/v3`` users land on the same routes; every error is Keystone's ``{"error": …}``.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Response, request

from ...domain import keystone, keystone_mint
from ...domain.identity_admin import access
from ...domain.identity_admin.grants import SYSTEM, effective_roles
from ...views import keystone as views
from ...views import keystone_admin as admin_views
from ..http import base_url, json_response, runtime
from ..routing import Route
from .common import Caller, body, caller, flag, region, v3_url


def _check_subject(caller: Caller, rule: str, subject: Mapping[str, Any]) -> None:
    """Keystone checks a token policy after validating the subject token (so 404 comes before 403)."""
    access.authorize(runtime().policies, caller, rule, {"user_id": subject["user_id"]})


# -- discovery --------------------------------------------------------------------------------------------

def versions() -> Response:
    """``GET /identity``: 300 Multiple Choices listing v3, with ``Location`` at the preferred version."""
    document = views.version_v3(base_url() + "/identity")
    return json_response({"versions": {"values": [document]}}, 300,
                         {"Location": document["links"][0]["href"]})


def version() -> Response:
    """``GET /identity/v3``: the v3 version document."""
    return json_response({"version": views.version_v3(base_url() + "/identity")})


# -- tokens -----------------------------------------------------------------------------------------------

def issue() -> Response:
    """``POST /v3/auth/tokens``: 201, the token in ``X-Subject-Token`` and its body (``?nocatalog``)."""
    record = keystone_mint.authenticate(runtime(), body().get("auth"))
    rendered = views.token(record, base_url(), region(), include_catalog="nocatalog" not in request.args)
    return json_response(rendered, 201, {"X-Subject-Token": record["id"]})


def validate() -> Response:
    """``GET``/``HEAD /v3/auth/tokens``: the subject token's body (``?nocatalog``, ``?allow_expired``)."""
    who = caller()
    rt = runtime()
    window = keystone.ALLOW_EXPIRED_WINDOW if flag("allow_expired") else 0.0
    record = keystone.validate_subject(rt.store, request.headers.get("X-Subject-Token"), rt.clock.now(), window)
    # HEAD is keystone's check_token, GET its validate_token (which services may call too)
    _check_subject(who, "identity:check_token" if request.method == "HEAD" else "identity:validate_token", record)
    body = views.token(record, base_url(), region(), include_catalog="nocatalog" not in request.args)
    return json_response(body, 200, {"X-Subject-Token": record["id"]})


def revoke() -> Response:
    """``DELETE /v3/auth/tokens``: revoke the subject token (and its rescoped chain unless ``?cascade=false``)."""
    who = caller()
    rt = runtime()
    subject = keystone.validate_subject(rt.store, request.headers.get("X-Subject-Token"), rt.clock.now())
    _check_subject(who, "identity:revoke_token", subject)
    keystone.revoke(rt.store, request.headers.get("X-Subject-Token"), rt.clock.now(), flag("cascade", True))
    return json_response(None, 204)


def auth_projects() -> Response:
    """``GET /v3/auth/projects``: projects the caller may scope to."""
    who = caller()
    projects = keystone.projects_of(runtime().store, who["user_id"])
    return json_response(views.collection("projects", (admin_views.project(p, v3_url()) for p in projects),
                                          request.url))


def auth_domains() -> Response:
    """``GET /v3/auth/domains``: domains the caller may scope to (a role on the domain)."""
    who = caller()
    store = runtime().store
    domains = [d for d in store.list("domain") if effective_roles(store, who["user_id"], "domain", d["id"])]
    return json_response(views.collection("domains", (admin_views.domain(d, v3_url()) for d in domains),
                                          request.url))


def auth_system() -> Response:
    """``GET /v3/auth/system``: ``[{"all": true}]`` when the caller holds a role on the system."""
    who = caller()
    held = effective_roles(runtime().store, who["user_id"], "system", SYSTEM)
    return json_response({"system": [{"all": True}] if held else [], "links": {
        "self": request.url, "previous": None, "next": None}})


def auth_catalog() -> Response:
    """``GET /v3/auth/catalog``: the catalog of a project-scoped token."""
    who = caller()
    if not who.get("project_id") and not who.get("scope_domain_id") and not who.get("system"):
        # keystone raises Forbidden("A project-scoped token is required…"); security errors hide the text
        raise keystone.forbidden()
    return json_response({"catalog": views.catalog(base_url(), region(), who.get("project_id")),
                          "links": {"self": f"{v3_url()}/auth/catalog"}})


ROUTES = (
    Route("GET", "", versions, public=True),
    Route("GET", "/v3", version, public=True),
    Route("POST", "/v3/auth/tokens", issue, public=True),
    # HEAD comes with GET and answers without a body (keystone's identity:check_token)
    Route("GET", "/v3/auth/tokens", validate, policy="identity:validate_token"),
    Route("DELETE", "/v3/auth/tokens", revoke, policy="identity:revoke_token"),
    Route("GET", "/v3/auth/projects", auth_projects, policy="identity:get_auth_projects"),
    Route("GET", "/v3/auth/domains", auth_domains, policy="identity:get_auth_domains"),
    Route("GET", "/v3/auth/system", auth_system, policy="identity:get_auth_system"),
    Route("GET", "/v3/auth/catalog", auth_catalog, policy="identity:get_auth_catalog"),
)
