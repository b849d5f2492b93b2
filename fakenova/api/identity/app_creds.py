"""Keystone v3 application credentials: ``/v3/users/{id}/application_credentials[/{id}]`` (create, list,
show, delete), each guarded by Keystone's default policy rule named on its route."""
from __future__ import annotations

from flask import Response, request

from ...domain.identity_admin import app_credentials
from ...views import keystone_admin as views
from ..routing import Route
from .common import authorize, body, listing, member, no_content, reply, runtime, v3_url


def create(user_id: str) -> Response:
    who = authorize("identity:create_application_credential", {"user_id": user_id})
    data = member("application_credential.create", body())
    record = app_credentials.create(runtime(), user_id, who, data)
    return reply("application_credential", views.app_cred(record, v3_url(), with_secret=True), 201)


def index(user_id: str) -> Response:
    authorize("identity:list_application_credentials", {"user_id": user_id})
    records = app_credentials.of_user(runtime().store, user_id, request.args.get("name"))
    return listing("application_credentials", (views.app_cred(r, v3_url()) for r in records))


def show(user_id: str, cred_id: str) -> Response:
    authorize("identity:get_application_credential", {"user_id": user_id})
    return reply("application_credential", views.app_cred(app_credentials.get(runtime().store, user_id, cred_id),
                                                           v3_url()))


def delete(user_id: str, cred_id: str) -> Response:
    who = authorize("identity:delete_application_credential", {"user_id": user_id})
    app_credentials.delete(runtime(), user_id, cred_id, who)
    return no_content()


_BASE = "/v3/users/<user_id>/application_credentials"
ROUTES = (
    Route("POST", _BASE, create, policy="identity:create_application_credential"),
    Route("GET", _BASE, index, policy="identity:list_application_credentials"),
    Route("GET", _BASE + "/<cred_id>", show, policy="identity:get_application_credential"),
    Route("DELETE", _BASE + "/<cred_id>", delete, policy="identity:delete_application_credential"),
)
