"""Glance v2 image members: ``/v2/images/{id}/members[/{member}]`` (share, accept/reject, list, remove)."""
from __future__ import annotations

from flask import Response

from ...domain import image_members
from ...views.images import glance_member
from ..http import context, json_response, runtime
from ..routing import Route
from . import lookups
from .body import read_body


def add_member(image_id: str) -> Response:
    return json_response(glance_member(image_members.add(runtime(), context(), image_id, read_body())))


def list_members(image_id: str) -> Response:
    members = image_members.listing(runtime(), context(), image_id)
    return json_response({"members": [glance_member(member) for member in members], "schema": "/v2/schemas/members"})


def show_member(image_id: str, member_id: str) -> Response:
    return json_response(glance_member(image_members.show(runtime(), context(), image_id, member_id)))


def update_member(image_id: str, member_id: str) -> Response:
    member = image_members.update(runtime(), context(), image_id, member_id, read_body())
    return json_response(glance_member(member))


def delete_member(image_id: str, member_id: str) -> Response:
    image_members.remove(runtime(), context(), image_id, member_id)
    return json_response(None, 204)


_MEMBERS = "/v2/images/<image_id>/members"
#: (method, path, handler, rule): the members controller words its own 404 for an image the caller cannot see
_ROWS = (
    ("POST", _MEMBERS, add_member, "add_member"),
    ("GET", _MEMBERS, list_members, "get_members"),
    ("GET", f"{_MEMBERS}/<member_id>", show_member, "get_member"),
    ("PUT", f"{_MEMBERS}/<member_id>", update_member, "modify_member"),
    ("DELETE", f"{_MEMBERS}/<member_id>", delete_member, "delete_member"),
)
ROUTES = tuple(Route(method, path, handler, looks_up=lookups.member_image, policy=rule)
               for method, path, handler, rule in _ROWS)
