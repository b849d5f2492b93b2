"""Keystone v3 roles, role inference rules, grants and role assignments.

``/v3/roles[/{id}]`` CRUD; ``/v3/roles/{prior}/implies[/{implied}]`` and ``/v3/role_inferences``; grants
``PUT/GET/HEAD/DELETE /v3/{projects,domains}/{id}/{users,groups}/{id}/roles/{role}`` and
``/v3/system/{users,groups}/{id}/roles/{role}`` (the routes come from one table of targets x actors);
``GET /v3/role_assignments`` with Keystone's filters, ``effective`` and ``include_names``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Tuple

from flask import Response, request

from ...domain.identity_admin import access, grants, roles
from ...domain.identity_admin.records import filtered
from ...views import keystone_admin as views
from ..http import json_response
from ..routing import Route
from .common import authorize, body, caller, found, listing, member, no_content, present, reply, runtime, v3_url

ROLE_FILTERS = ("name", "domain_id", "id")


# -- roles -------------------------------------------------------------------------------------------------

def list_roles() -> Response:
    authorize("identity:list_roles")
    records = filtered(runtime().store.list("role"), request.args, ROLE_FILTERS)
    return listing("roles", (views.role(r, v3_url()) for r in records))


def show_role(role_id: str) -> Response:
    record = runtime().store.get("role", role_id) or {}
    authorize("identity:get_role", {"role_name": record.get("name")})
    return reply("role", views.role(found(runtime().store, "role", role_id), v3_url()))


def create_role() -> Response:
    authorize("identity:create_role")
    return reply("role", views.role(roles.create_role(runtime(), member("role.create", body())), v3_url()), 201)


def update_role(role_id: str) -> Response:
    authorize("identity:update_role")
    record = roles.update_role(runtime(), role_id, member("role.update", body()))
    return reply("role", views.role(record, v3_url()))


def delete_role(role_id: str) -> Response:
    authorize("identity:delete_role")
    roles.delete_role(runtime(), role_id)
    return no_content()


# -- inference rules ---------------------------------------------------------------------------------------

def list_implied(role_id: str) -> Response:
    authorize("identity:list_implied_roles")
    store = runtime().store
    body_ = {"role_inference": views.inferences(found(store, "role", role_id), roles.implied_roles(store, role_id),
                                                v3_url()),
             "links": {"self": f"{v3_url()}/roles/{role_id}/implies"}}
    return json_response(body_)


def create_implied(role_id: str, implied_id: str) -> Response:
    authorize("identity:create_implied_role")
    prior, implied = roles.create_implied(runtime(), role_id, implied_id)
    return json_response(views.inference(prior, implied, v3_url()), 201)


def show_implied(role_id: str, implied_id: str) -> Response:
    """GET shows the rule; HEAD (keystone's check_implied_role) answers 204 without a body."""
    rule = "identity:check_implied_role" if request.method == "HEAD" else "identity:get_implied_role"
    authorize(rule)
    prior, implied = roles.check_implied(runtime().store, role_id, implied_id)
    if request.method == "HEAD":
        return no_content()
    return json_response(views.inference(prior, implied, v3_url()))


def delete_implied(role_id: str, implied_id: str) -> Response:
    authorize("identity:delete_implied_role")
    roles.delete_implied(runtime(), role_id, implied_id)
    return no_content()


def list_inferences() -> Response:
    authorize("identity:list_role_inference_rules")
    store = runtime().store
    priors = list(dict.fromkeys(rule["prior_role_id"] for rule in store.list("implied_role")))
    items = [views.inferences(found(store, "role", p), roles.implied_roles(store, p), v3_url()) for p in priors]
    return json_response({"role_inferences": items, "links": {"self": request.url, "previous": None,
                                                               "next": None}})


# -- grants ------------------------------------------------------------------------------------------------

#: target kind -> (URL prefix, URL argument naming it, policy rule suffix family)
TARGETS: Mapping[str, Tuple[str, str]] = {
    "project": ("/v3/projects/<project>", "project"),
    "domain": ("/v3/domains/<domain_id>", "domain_id"),
    "system": ("/v3/system", ""),
}
#: (operation, method) -> (domain use case, policy for project/domain grants, policy pattern for system)
OPERATIONS: Mapping[str, Tuple[str, str, str]] = {
    "create": ("PUT", "identity:create_grant", "identity:create_system_grant_for_{actor}"),
    "check": ("GET", "identity:check_grant", "identity:check_system_grant_for_{actor}"),
    "revoke": ("DELETE", "identity:revoke_grant", "identity:revoke_system_grant_for_{actor}"),
    "list": ("GET", "identity:list_grants", "identity:list_system_grants_for_{actor}"),
}
_USE_CASES: Mapping[str, Callable[..., Any]] = {
    "create": lambda actor, actor_id, target, target_id, role_id: roles.add_grant(
        runtime(), actor, actor_id, target, target_id, role_id),
    "check": lambda actor, actor_id, target, target_id, role_id: roles.check_grant(
        runtime().store, actor, actor_id, target, target_id, role_id),
    "revoke": lambda actor, actor_id, target, target_id, role_id: roles.remove_grant(
        runtime(), actor, actor_id, target, target_id, role_id),
}


def _grant_target(actor: str, actor_id: str, target: str, target_id: str, role_id: str) -> Dict[str, Any]:
    """Policy target: the domain both the actor and the target belong to (None unless they agree)."""
    store = runtime().store
    actor_domain = (store.get(actor, actor_id) or {}).get("domain_id")
    target_domain = target_id if target == "domain" else (store.get("project", target_id) or {}).get("domain_id")
    role = store.get("role", role_id) or {}
    return {"domain_id": actor_domain if actor_domain == target_domain else None, "role_name": role.get("name")}


def _rule(operation: str, actor: str, target: str) -> str:
    _, rule, system_rule = OPERATIONS[operation]
    return system_rule.format(actor=actor) if target == "system" else rule


def _grant_handler(operation: str, actor: str, target: str) -> Callable[..., Response]:
    arg = TARGETS[target][1]

    def handler(**kwargs: str) -> Response:
        target_id = kwargs.get(arg, grants.SYSTEM) if arg else grants.SYSTEM
        actor_id, role_id = kwargs[f"{actor}_id"], kwargs["role_id"]
        authorize(_rule(operation, actor, target), _grant_target(actor, actor_id, target, target_id, role_id))
        _USE_CASES[operation](actor, actor_id, target, target_id, role_id)
        return no_content()

    handler.__name__ = f"{operation}_{target}_{actor}_grant"
    return handler


def _list_handler(actor: str, target: str) -> Callable[..., Response]:
    arg = TARGETS[target][1]

    def handler(**kwargs: str) -> Response:
        target_id = kwargs.get(arg, grants.SYSTEM) if arg else grants.SYSTEM
        actor_id = kwargs[f"{actor}_id"]
        authorize(_rule("list", actor, target), _grant_target(actor, actor_id, target, target_id, ""))
        store = runtime().store
        found(store, actor, actor_id)
        if target != "system":
            found(store, target, target_id)
        return listing("roles", (views.role(r, v3_url()) for r in roles.roles_granted(
            store, actor, actor_id, target, target_id)))

    handler.__name__ = f"list_{target}_{actor}_grants"
    return handler


def _grant_routes() -> List[Route]:
    routes = []
    for target, (prefix, _) in TARGETS.items():
        for actor in grants.ACTORS:
            base = f"{prefix}/{actor}s/<{actor}_id>/roles"
            routes.append(Route("GET", base, _list_handler(actor, target), policy=_rule("list", actor, target)))
            for operation in ("create", "check", "revoke"):
                method = OPERATIONS[operation][0]
                routes.append(Route(method, base + "/<role_id>", _grant_handler(operation, actor, target),
                                    policy=_rule(operation, actor, target)))
    return routes


# -- role assignments --------------------------------------------------------------------------------------

def list_role_assignments() -> Response:
    """Admins and system readers see all, domain readers on their domain; anyone may list their own
    (``?user.id=<self>``), as fakenova always allowed."""
    who = caller()
    if request.args.get("user.id") != who["user_id"]:
        access.authorize(runtime().policies, who, "identity:list_role_assignments",
                         {"domain_id": who.get("scope_domain_id")})
    store = runtime().store
    rows = grants.listing(store, request.args)
    lookup = {kind: {r["id"]: r for r in store.list(kind)}
              for kind in ("user", "group", "project", "domain", "role")}
    names = present("include_names")
    return listing("role_assignments", (views.assignment(row, lookup, v3_url(), names) for row in rows))


ROUTES = (
    Route("GET", "/v3/roles", list_roles, policy="identity:list_roles"),
    Route("POST", "/v3/roles", create_role, policy="identity:create_role"),
    Route("GET", "/v3/roles/<role_id>", show_role, policy="identity:get_role"),
    Route("PATCH", "/v3/roles/<role_id>", update_role, policy="identity:update_role"),
    Route("DELETE", "/v3/roles/<role_id>", delete_role, policy="identity:delete_role"),
    Route("GET", "/v3/roles/<role_id>/implies", list_implied, policy="identity:list_implied_roles"),
    Route("PUT", "/v3/roles/<role_id>/implies/<implied_id>", create_implied, policy="identity:create_implied_role"),
    Route("GET", "/v3/roles/<role_id>/implies/<implied_id>", show_implied, policy="identity:get_implied_role"),
    Route("DELETE", "/v3/roles/<role_id>/implies/<implied_id>", delete_implied,
          policy="identity:delete_implied_role"),
    Route("GET", "/v3/role_inferences", list_inferences, policy="identity:list_role_inference_rules"),
    *_grant_routes(),
    Route("GET", "/v3/role_assignments", list_role_assignments, policy="identity:list_role_assignments"),
)
