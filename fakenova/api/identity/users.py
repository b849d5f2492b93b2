"""Keystone v3 users and groups: CRUD, ``POST /v3/users/{id}/password``, group membership
(``PUT/HEAD/DELETE /v3/groups/{g}/users/{u}``), ``/v3/users/{u}/groups``, ``/v3/groups/{g}/users`` and
``/v3/users/{u}/projects``, each guarded by Keystone's default policy rule named on its route."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Response, request

from ...domain import keystone, keystone_mint
from ...domain.identity_admin import users
from ...domain.identity_admin.records import filtered
from ...views import keystone_admin as views
from ..routing import Route
from .common import authorize, body, found, listing, member, new_target, no_content, reply, runtime, v3_url

USER_FILTERS = ("name", "domain_id", "enabled", "id")
GROUP_FILTERS = ("name", "domain_id", "id")


def _user_body(record: Mapping[str, Any]) -> Any:
    default = keystone_mint.default_project_of(runtime().store, record)
    return views.user(record, v3_url(), record.get("default_project_id") or (default["id"] if default else None))


def _target(kind: str, key: str) -> Mapping[str, Any]:
    record = runtime().store.get(kind, key) or {}
    return {"user_id": key if kind == "user" else None, "domain_id": record.get("domain_id", "default")}


# -- users -------------------------------------------------------------------------------------------------

def list_users() -> Response:
    authorize("identity:list_users", {"domain_id": request.args.get("domain_id")})
    records = filtered(runtime().store.list("user"), request.args, USER_FILTERS)
    return listing("users", (_user_body(u) for u in records))


def show_user(user_id: str) -> Response:
    authorize("identity:get_user", _target("user", user_id))
    return reply("user", _user_body(found(runtime().store, "user", user_id)))


def create_user() -> Response:
    data = body()
    who = authorize("identity:create_user", new_target(data, "user"))
    return reply("user", _user_body(users.create_user(runtime(), member("user.create", data), who)), 201)


def update_user(user_id: str) -> Response:
    authorize("identity:update_user", _target("user", user_id))
    return reply("user", _user_body(users.update_user(runtime(), user_id, member("user.update", body()))))


def delete_user(user_id: str) -> Response:
    authorize("identity:delete_user", _target("user", user_id))
    users.delete_user(runtime(), user_id)
    return no_content()


def change_password(user_id: str) -> Response:
    """Unenforced in Keystone: the original password is the proof."""
    data = member("user.password", body())
    users.change_password(runtime(), user_id, data["original_password"], data["password"])
    return no_content()


def user_projects(user_id: str) -> Response:
    authorize("identity:list_user_projects", _target("user", user_id))
    found(runtime().store, "user", user_id)
    projects = keystone.projects_of(runtime().store, user_id)
    return listing("projects", (views.project(p, v3_url()) for p in projects))


def user_groups(user_id: str) -> Response:
    authorize("identity:list_groups_for_user", _target("user", user_id))
    store = runtime().store
    found(store, "user", user_id)
    member_of = set(users.grants.groups_of(store, user_id))
    return listing("groups", (views.group(g, v3_url()) for g in store.list("group") if g["id"] in member_of))


# -- groups ------------------------------------------------------------------------------------------------

def list_groups() -> Response:
    authorize("identity:list_groups", {"domain_id": request.args.get("domain_id")})
    records = filtered(runtime().store.list("group"), request.args, GROUP_FILTERS)
    return listing("groups", (views.group(g, v3_url()) for g in records))


def show_group(group_id: str) -> Response:
    authorize("identity:get_group", _target("group", group_id))
    return reply("group", views.group(found(runtime().store, "group", group_id), v3_url()))


def create_group() -> Response:
    data = body()
    who = authorize("identity:create_group", new_target(data, "group"))
    return reply("group", views.group(users.create_group(runtime(), member("group.create", data), who), v3_url()),
                 201)


def update_group(group_id: str) -> Response:
    authorize("identity:update_group", _target("group", group_id))
    record = users.update_group(runtime(), group_id, member("group.update", body()))
    return reply("group", views.group(record, v3_url()))


def delete_group(group_id: str) -> Response:
    authorize("identity:delete_group", _target("group", group_id))
    users.delete_group(runtime(), group_id)
    return no_content()


def group_users(group_id: str) -> Response:
    authorize("identity:list_users_in_group", _target("group", group_id))
    store = runtime().store
    found(store, "group", group_id)
    members = set(users.members_of(store, group_id))
    return listing("users", (_user_body(u) for u in store.list("user") if u["id"] in members))


def add_member(group_id: str, user_id: str) -> Response:
    authorize("identity:add_user_to_group", _target("group", group_id))
    users.add_member(runtime(), group_id, user_id)
    return no_content()


def check_member(group_id: str, user_id: str) -> Response:
    authorize("identity:check_user_in_group", _target("group", group_id))
    users.check_member(runtime().store, group_id, user_id)
    return no_content()


def remove_member(group_id: str, user_id: str) -> Response:
    authorize("identity:remove_user_from_group", _target("group", group_id))
    users.remove_member(runtime(), group_id, user_id)
    return no_content()


ROUTES = (
    Route("GET", "/v3/users", list_users, policy="identity:list_users"),
    Route("POST", "/v3/users", create_user, policy="identity:create_user"),
    Route("GET", "/v3/users/<user_id>", show_user, policy="identity:get_user"),
    Route("PATCH", "/v3/users/<user_id>", update_user, policy="identity:update_user"),
    Route("DELETE", "/v3/users/<user_id>", delete_user, policy="identity:delete_user"),
    Route("POST", "/v3/users/<user_id>/password", change_password, public=True),
    Route("GET", "/v3/users/<user_id>/projects", user_projects, policy="identity:list_user_projects"),
    Route("GET", "/v3/users/<user_id>/groups", user_groups, policy="identity:list_groups_for_user"),
    Route("GET", "/v3/groups", list_groups, policy="identity:list_groups"),
    Route("POST", "/v3/groups", create_group, policy="identity:create_group"),
    Route("GET", "/v3/groups/<group_id>", show_group, policy="identity:get_group"),
    Route("PATCH", "/v3/groups/<group_id>", update_group, policy="identity:update_group"),
    Route("DELETE", "/v3/groups/<group_id>", delete_group, policy="identity:delete_group"),
    Route("GET", "/v3/groups/<group_id>/users", group_users, policy="identity:list_users_in_group"),
    Route("PUT", "/v3/groups/<group_id>/users/<user_id>", add_member, policy="identity:add_user_to_group"),
    # HEAD comes with GET
    Route("GET", "/v3/groups/<group_id>/users/<user_id>", check_member, policy="identity:check_user_in_group"),
    Route("DELETE", "/v3/groups/<group_id>/users/<user_id>", remove_member,
          policy="identity:remove_user_from_group"),
)
