"""``/os-quota-sets`` and ``/os-quota-class-sets``: read and change quota limits as Nova's API does.

What varies with the microversion is data: the request schemas (:mod:`.schemas.quotas`) and the keys of each
body (``SET_FIELDS``, ``CLASS_FIELDS``). Who may call what is ``POLICIES`` (Nova's current defaults). The
layering and the checks live in :mod:`fakenova.domain.quotas` and :mod:`fakenova.domain.quota_sets`.
"""
from __future__ import annotations

from typing import Any, Callable, List, Mapping, Optional

from flask import Response, request

from ...domain import policy, quota_sets, quotas
from ...domain.context import RequestContext
from ...domain.strings import bool_from_string
from ...views.fields import Field, FieldTable, render
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import quotas as schemas
from .servers import view_context

Values = Mapping[str, Any]


def _value(name: str) -> Callable[[Values, Any], Any]:
    return lambda values, ctx: values[name]


def _rows(since: Mapping[str, str], until: Mapping[str, str]) -> List[Field]:
    return [Field(name, _value(name), since=since.get(name, "2.1"), until=until.get(name))
            for name in quotas.DEFAULT_QUOTAS]


_PERSONALITY_UNTIL = {name: "2.56" for name in schemas.PERSONALITY}

#: A quota set's keys, in Nova's order: network quotas until 2.35, personality quotas until 2.56.
SET_FIELDS = FieldTable("quota-set", _rows({}, {**{name: "2.35" for name in schemas.NETWORK},
                                                **_PERSONALITY_UNTIL}))
#: A quota class set's keys: server group quotas only from 2.50 (bug 1693168), when the network quotas
#: left (bug 1701211); personality quotas until 2.56.
CLASS_FIELDS = FieldTable("quota-class-set", _rows(
    {"server_groups": "2.50", "server_group_members": "2.50"},
    {**{name: "2.49" for name in schemas.NETWORK}, **_PERSONALITY_UNTIL}))


def _for_project(ctx: RequestContext, rule: str, project_id: str) -> None:
    """A quota set's reads are about the project in the URL (the route checked the caller's own)."""
    policy.authorize(ctx, rule, {"project_id": project_id, "user_id": ctx.user_id})


def _user_id(table: Any, *, last: bool = False) -> Optional[str]:
    """The ``user_id`` query parameter after validation; blank means none.

    Nova reads it with ``parse_qs`` (first non-blank value) except in ``detail``, which uses webob's
    ``GET.get`` (the last value, blank included).
    """
    args = validate_query(table, context().version, request.args.to_dict(flat=False))
    values = args.get("user_id", [])
    chosen = values[-1:] if last else [value for value in values if value][:1]
    return (chosen[0] if chosen else None) or None


def _set_body(values: Values, fields: FieldTable, key: str, shown_id: Optional[str] = None) -> Response:
    body = render(fields, values, view_context())
    return json_response({key: {"id": shown_id, **body} if shown_id is not None else body})


def show(target_id: str) -> Response:
    """``GET /os-quota-sets/{project_id}[?user_id=]``."""
    ctx, store = context(), runtime().store
    user_id = _user_id(schemas.USER_QUERY)
    _for_project(ctx, "os_compute_api:os-quota-sets:show", target_id)
    quota_sets.verify_project(store, ctx, target_id)
    return _set_body(quotas.quotas_for(store, target_id, user_id), SET_FIELDS, "quota_set", target_id)


def detail(target_id: str) -> Response:
    """``GET /os-quota-sets/{project_id}/detail[?user_id=]``: ``in_use``, ``limit`` and ``reserved``."""
    ctx, store = context(), runtime().store
    user_id = _user_id(schemas.USER_QUERY, last=True)
    _for_project(ctx, "os_compute_api:os-quota-sets:detail", target_id)
    quota_sets.verify_project(store, ctx, target_id)
    quotas.settle(runtime(), target_id, ctx.now)
    return _set_body(quota_sets.detail(store, target_id, user_id), SET_FIELDS, "quota_set", target_id)


def defaults(target_id: str) -> Response:
    """``GET /os-quota-sets/{project_id}/defaults``: what a project without limits of its own gets."""
    ctx, store = context(), runtime().store
    validate_query(schemas.DEFAULTS_QUERY, ctx.version, request.args.to_dict(flat=False))
    quota_sets.verify_project(store, ctx, target_id)
    return _set_body(quotas.defaults(store), SET_FIELDS, "quota_set", target_id)


def update(target_id: str) -> Response:
    """``PUT /os-quota-sets/{project_id}[?user_id=]`` (admin): 400 below usage unless ``force``."""
    ctx, store = context(), runtime().store
    body = read_json()
    validate_body(schemas.UPDATE, ctx.version, body)
    user_id = _user_id(schemas.USER_QUERY)
    quota_sets.verify_project(store, ctx, target_id)
    values = dict(body["quota_set"])
    force = bool_from_string(values.pop("force", False))
    quotas.settle(runtime(), target_id, ctx.now)
    quota_sets.update(store, target_id, values, user_id=user_id, force=force)
    # Nova leaves "id" out of the update response (kept as in v2).
    return _set_body(quotas.quotas_for(store, target_id, user_id), SET_FIELDS, "quota_set")


def delete(target_id: str) -> Response:
    """``DELETE /os-quota-sets/{project_id}[?user_id=]`` (admin): back to the defaults; 202, no body."""
    user_id = _user_id(schemas.USER_QUERY)
    quota_sets.delete(runtime().store, target_id, user_id)
    return json_response(None, 202)


def class_show(class_id: str) -> Response:
    """``GET /os-quota-class-sets/{id}`` (admin); ``default`` is the class every project falls back on."""
    ctx = context()
    validate_query(schemas.CLASS_QUERY, ctx.version, request.args.to_dict(flat=False))
    return _set_body(quotas.class_quotas(runtime().store, class_id), CLASS_FIELDS, "quota_class_set", class_id)


def class_update(class_id: str) -> Response:
    """``PUT /os-quota-class-sets/{id}`` (admin); the response has no ``id``."""
    ctx = context()
    body = read_json()
    validate_body(schemas.CLASS_UPDATE, ctx.version, body)
    values = quota_sets.update_class(runtime().store, class_id, body["quota_class_set"])
    return _set_body(values, CLASS_FIELDS, "quota_class_set")


# ``target_id``, not ``project_id``: that name is the optional project prefix of every compute URL.
ROUTES = (
    Route("GET", "/os-quota-sets/<target_id>/defaults", defaults, policy="os_compute_api:os-quota-sets:defaults"),
    Route("GET", "/os-quota-sets/<target_id>/detail", detail, policy="os_compute_api:os-quota-sets:detail"),
    Route("GET", "/os-quota-sets/<target_id>", show, policy="os_compute_api:os-quota-sets:show"),
    Route("PUT", "/os-quota-sets/<target_id>", update, policy="os_compute_api:os-quota-sets:update"),
    Route("DELETE", "/os-quota-sets/<target_id>", delete, policy="os_compute_api:os-quota-sets:delete"),
    Route("GET", "/os-quota-class-sets/<class_id>", class_show, policy="os_compute_api:os-quota-class-sets:show"),
    Route("PUT", "/os-quota-class-sets/<class_id>", class_update, policy="os_compute_api:os-quota-class-sets:update"),
)
