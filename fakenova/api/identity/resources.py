"""Keystone v3 domains and projects: ``/v3/domains[/{id}]`` and ``/v3/projects[/{id}]`` (list, create, show,
update, delete), each guarded by Keystone's default policy rule named on its route."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from flask import Response, request

from ...domain.identity_admin import resources
from ...domain.identity_admin.records import filtered
from ...views import keystone_admin as views
from ..routing import Route
from .common import Caller, authorize, body, found, listing, member, new_target, no_content, reply, runtime, v3_url

DOMAIN_FILTERS = ("name", "enabled", "id")
PROJECT_FILTERS = ("name", "domain_id", "enabled", "parent_id", "is_domain", "id")


def _own_domain(who: Caller, records: List[Dict[str, Any]], field: str) -> List[Dict[str, Any]]:
    """A domain-scoped reader sees its domain only (Keystone filters by the token's domain)."""
    if who.get("scope_domain_id") and "admin" not in who.get("roles", ()):
        return [record for record in records if record.get(field) == who["scope_domain_id"]]
    return records


def _target(kind: str, key: str) -> Mapping[str, Any]:
    record = runtime().store.get(kind, key) or {}
    return {"project_id": key if kind == "project" else None,
            "domain_id": record.get("domain_id") if kind == "project" else key}


# -- domains -----------------------------------------------------------------------------------------------

def list_domains() -> Response:
    who = authorize("identity:list_domains", {"domain_id": None})
    domains = _own_domain(who, filtered(runtime().store.list("domain"), request.args, DOMAIN_FILTERS), "id")
    return listing("domains", (views.domain(d, v3_url()) for d in domains))


def show_domain(domain_id: str) -> Response:
    authorize("identity:get_domain", {"domain_id": domain_id})
    return reply("domain", views.domain(found(runtime().store, "domain", domain_id), v3_url()))


def create_domain() -> Response:
    authorize("identity:create_domain")
    record = resources.create_domain(runtime(), member("domain.create", body()))
    return reply("domain", views.domain(record, v3_url()), 201)


def update_domain(domain_id: str) -> Response:
    authorize("identity:update_domain", {"domain_id": domain_id})
    record = resources.update_domain(runtime(), domain_id, member("domain.update", body()))
    return reply("domain", views.domain(record, v3_url()))


def delete_domain(domain_id: str) -> Response:
    authorize("identity:delete_domain", {"domain_id": domain_id})
    resources.delete_domain(runtime(), domain_id)
    return no_content()


# -- projects ----------------------------------------------------------------------------------------------

def list_projects() -> Response:
    who = authorize("identity:list_projects", {"domain_id": request.args.get("domain_id")})
    projects = filtered(runtime().store.list("project"), request.args, PROJECT_FILTERS)
    return listing("projects", (views.project(p, v3_url()) for p in _own_domain(who, projects, "domain_id")))


def show_project(project: str) -> Response:
    authorize("identity:get_project", _target("project", project))
    return reply("project", views.project(found(runtime().store, "project", project), v3_url()))


def create_project() -> Response:
    data = body()
    who = authorize("identity:create_project", new_target(data, "project"))
    record = resources.create_project(runtime(), member("project.create", data), who)
    return reply("project", views.project(record, v3_url()), 201)


def update_project(project: str) -> Response:
    authorize("identity:update_project", _target("project", project))
    record = resources.update_project(runtime(), project, member("project.update", body()))
    return reply("project", views.project(record, v3_url()))


def delete_project(project: str) -> Response:
    authorize("identity:delete_project", _target("project", project))
    resources.delete_project(runtime(), project)
    return no_content()


ROUTES = (
    Route("GET", "/v3/domains", list_domains, policy="identity:list_domains"),
    Route("POST", "/v3/domains", create_domain, policy="identity:create_domain"),
    Route("GET", "/v3/domains/<domain_id>", show_domain, policy="identity:get_domain"),
    Route("PATCH", "/v3/domains/<domain_id>", update_domain, policy="identity:update_domain"),
    Route("DELETE", "/v3/domains/<domain_id>", delete_domain, policy="identity:delete_domain"),
    Route("GET", "/v3/projects", list_projects, policy="identity:list_projects"),
    Route("POST", "/v3/projects", create_project, policy="identity:create_project"),
    # not <project_id>: routing.py takes that name for compute's URL project prefix
    Route("GET", "/v3/projects/<project>", show_project, policy="identity:get_project"),
    Route("PATCH", "/v3/projects/<project>", update_project, policy="identity:update_project"),
    Route("DELETE", "/v3/projects/<project>", delete_project, policy="identity:delete_project"),
)
