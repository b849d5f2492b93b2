"""The Keystone v3 subset at ``/identity``: version documents, tokens, catalog and read-only lookups.

Handlers parse the request, call :mod:`fakenova.domain.keystone` and render with
:mod:`fakenova.views.keystone`. The pipeline asks no token for this service, so handlers that Keystone
protects check ``X-Auth-Token`` themselves. Both ``…/identity/v3/auth/tokens`` (auth URL ``…/identity``)
and direct ``…/identity/v3`` users land on the same routes; every error is Keystone's ``{"error": …}``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from flask import Response, request

from ...domain import errors, keystone
from ...domain import keystone_reads as reads
from ...domain.identity import validate_token
from ...domain.strings import bool_from_string
from ...views import keystone as views
from ..http import base_url, json_response, parse_json, runtime
from ..routing import Route

Caller = Mapping[str, Any]

# -- request helpers --------------------------------------------------------------------------------------

def _v3_url() -> str:
    return base_url() + "/identity/v3"


def _region() -> str:
    return reads.region(runtime().store)


def _flag(name: str, default: bool = False) -> bool:
    return bool_from_string(request.args.get(name) or "", default)


def _body() -> Dict[str, Any]:
    """The JSON body as keystone's ``json_body`` hook reads it: empty is ``{}``, anything else must be JSON."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    if not (request.is_json or not request.headers.get("Content-Type")):
        raise keystone.expecting("application/json", "Content-Type header")
    try:
        body = parse_json(raw)  # the edge's limits (nesting, lone surrogates) in keystone's error shape
    except errors.MalformedBody:
        body = None
    if not isinstance(body, dict):
        raise keystone.expecting("valid JSON", "request body")
    return body


def _caller() -> Caller:
    """The token record of ``X-Auth-Token``, or Keystone's 401."""
    rt = runtime()
    return validate_token(rt.store, request.headers.get("X-Auth-Token"), rt.clock.now())


def _authorize(action: str, target: Optional[str] = None) -> Caller:
    caller = _caller()
    reads.authorize(caller, action, target)
    return caller


def _check_subject(caller: Caller, action: str, subject: Mapping[str, Any]) -> None:
    """Keystone checks a token policy after validating the subject token (so 404 comes before 403)."""
    if not reads.POLICIES[action](caller, subject["user_id"]):
        raise keystone.forbidden(action)


def _found(kind: str, key: str) -> Mapping[str, Any]:
    return reads.found(runtime().store, kind, key)


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
    record = keystone.authenticate(runtime(), _body().get("auth"))
    body = views.token(record, base_url(), _region(), include_catalog="nocatalog" not in request.args)
    return json_response(body, 201, {"X-Subject-Token": record["id"]})


def validate() -> Response:
    """``GET``/``HEAD /v3/auth/tokens``: the subject token's body (``?nocatalog``, ``?allow_expired``)."""
    caller = _caller()
    rt = runtime()
    window = keystone.ALLOW_EXPIRED_WINDOW if _flag("allow_expired") else 0.0
    record = keystone.validate_subject(rt.store, request.headers.get("X-Subject-Token"), rt.clock.now(), window)
    _check_subject(caller, "identity:validate_token", record)
    body = views.token(record, base_url(), _region(), include_catalog="nocatalog" not in request.args)
    return json_response(body, 200, {"X-Subject-Token": record["id"]})


def revoke() -> Response:
    """``DELETE /v3/auth/tokens``: revoke the subject token (and its rescoped chain unless ``?cascade=false``)."""
    caller = _caller()
    rt = runtime()
    subject = keystone.validate_subject(rt.store, request.headers.get("X-Subject-Token"), rt.clock.now())
    _check_subject(caller, "identity:revoke_token", subject)
    keystone.revoke(rt.store, request.headers.get("X-Subject-Token"), rt.clock.now(), _flag("cascade", True))
    return json_response(None, 204)


def auth_projects() -> Response:
    """``GET /v3/auth/projects``: projects the caller may scope to."""
    caller = _caller()
    projects = keystone.projects_of(runtime().store, caller["user_id"])
    return json_response(views.collection("projects", (views.project(p, _v3_url()) for p in projects),
                                          request.url))


def auth_catalog() -> Response:
    """``GET /v3/auth/catalog``: the catalog of a project-scoped token."""
    caller = _caller()
    if not caller.get("project_id"):
        # keystone raises Forbidden("A project-scoped token is required…"); security errors hide the text
        raise keystone.forbidden()
    return json_response({"catalog": views.catalog(base_url(), _region(), caller["project_id"]),
                          "links": {"self": f"{_v3_url()}/auth/catalog"}})


# -- read-only resources ----------------------------------------------------------------------------------

def _filtered(kind: str, names: Mapping[str, str]) -> List[Mapping[str, Any]]:
    return reads.filtered(runtime().store.list(kind), request.args, names)


def list_projects() -> Response:
    """``GET /v3/projects`` (``?name=``, ``?domain_id=``): admin only, as Keystone's default policy."""
    _authorize("identity:list_projects")
    projects = _filtered("project", {"name": "name", "domain_id": "domain_id"})
    return json_response(views.collection("projects", (views.project(p, _v3_url()) for p in projects),
                                          request.url))


def show_project(project: str) -> Response:
    """``GET /v3/projects/<id>``: admin, or a token scoped to that project."""
    _authorize("identity:get_project", project)
    return json_response({"project": views.project(_found("project", project), _v3_url())})


def show_user(user_id: str) -> Response:
    """``GET /v3/users/<id>``: admin, or the user itself."""
    _authorize("identity:get_user", user_id)
    user = _found("user", user_id)
    default = keystone.default_project_of(runtime().store, user)
    return json_response({"user": views.user(user, _v3_url(), default["id"] if default else None)})


def user_projects(user_id: str) -> Response:
    """``GET /v3/users/<id>/projects``: projects where the user holds a role."""
    _authorize("identity:list_user_projects", user_id)
    _found("user", user_id)
    projects = keystone.projects_of(runtime().store, user_id)
    return json_response(views.collection("projects", (views.project(p, _v3_url()) for p in projects),
                                          request.url))


def list_domains() -> Response:
    """``GET /v3/domains`` (``?name=``): admin only."""
    _authorize("identity:list_domains")
    domains = _filtered("domain", {"name": "name"})
    return json_response(views.collection("domains", (views.domain(d, _v3_url()) for d in domains),
                                          request.url))


def show_domain(domain_id: str) -> Response:
    """``GET /v3/domains/<id>``: admin only."""
    _authorize("identity:get_domain", domain_id)
    return json_response({"domain": views.domain(_found("domain", domain_id), _v3_url())})


def list_roles() -> Response:
    """``GET /v3/roles`` (``?name=``): admin only."""
    _authorize("identity:list_roles")
    roles = _filtered("role", {"name": "name"})
    return json_response(views.collection("roles", (views.role(r, _v3_url()) for r in roles), request.url))


def list_role_assignments() -> Response:
    """``GET /v3/role_assignments`` (``?user.id=``, ``?scope.project.id=``, ``?role.id=``, ``?include_names``).

    Admins see all; others only their own (``?user.id=<self>``).
    """
    _authorize("identity:list_role_assignments", request.args.get("user.id"))
    triples = reads.role_assignments(runtime().store, request.args)
    names = _flag("include_names")
    body = (views.role_assignment(user, project, role, _v3_url(), include_names=names)
            for user, project, role in triples)
    return json_response(views.collection("role_assignments", body, request.url))


ROUTES = (
    Route("GET", "", versions, public=True),
    Route("GET", "/v3", version, public=True),
    Route("POST", "/v3/auth/tokens", issue, public=True),
    Route("GET", "/v3/auth/tokens", validate),  # HEAD comes with GET and answers without a body
    Route("DELETE", "/v3/auth/tokens", revoke),
    Route("GET", "/v3/auth/projects", auth_projects),
    Route("GET", "/v3/auth/catalog", auth_catalog),
    Route("GET", "/v3/projects", list_projects),
    # not <project_id>: routing.py takes that name for compute's URL project prefix
    Route("GET", "/v3/projects/<project>", show_project),
    Route("GET", "/v3/users/<user_id>", show_user),
    Route("GET", "/v3/users/<user_id>/projects", user_projects),
    Route("GET", "/v3/domains", list_domains),
    Route("GET", "/v3/domains/<domain_id>", show_domain),
    Route("GET", "/v3/roles", list_roles),
    Route("GET", "/v3/role_assignments", list_role_assignments),
)
