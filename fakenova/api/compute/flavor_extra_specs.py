"""``/flavors/{id}/os-extra_specs``: list, show, set, update and delete a flavor's extra specs.

Reads are open to every project reader (Nova's ``PROJECT_READER_OR_ADMIN``); writes are admin-only. From
microversion 2.86 each key and value is judged by :mod:`fakenova.domain.extra_spec_rules`. Nova answers a
write with the body it was sent (numbers stay numbers), although it stores the values as text.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Response, request

from ...domain import errors, extra_spec_rules, flavor_manage
from ...domain.context import RequestContext
from ...domain.flavors import extra_spec_of, get_flavor
from ...version_history import at
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas.flavors import EXTRA_SPEC_UPDATE, EXTRA_SPECS_CREATE, SHOW_QUERY

_VALIDATES = at("extra-spec-validation")
_MAX_VALUE = 255


def _check_values(ctx: RequestContext, specs: Mapping[str, Any]) -> None:
    """Nova's ``_check_extra_specs_value``: numbers measured as text (the schema measures strings), then the
    known-namespace rules from 2.86."""
    for name, value in specs.items():
        text = str(value)
        if not isinstance(value, str) and len(text) > _MAX_VALUE:
            raise flavor_manage.InvalidInput(reason=f"extra_specs value has more than {_MAX_VALUE} characters.")
        if ctx.version >= _VALIDATES:
            extra_spec_rules.validate(name, text)


def _query() -> None:
    validate_query(SHOW_QUERY, context().version, request.args.to_dict(flat=False))


def index(flavor_id: str) -> Response:
    """``GET /flavors/{id}/os-extra_specs``."""
    _query()
    flavor = get_flavor(runtime().store, context(), flavor_id)
    return json_response({"extra_specs": dict(flavor["extra_specs"])})


def show(flavor_id: str, key: str) -> Response:
    """``GET /flavors/{id}/os-extra_specs/{key}``: ``{key: value}``."""
    _query()
    flavor = get_flavor(runtime().store, context(), flavor_id)
    return json_response({key: extra_spec_of(flavor, key)})


def create(flavor_id: str) -> Response:
    """``POST /flavors/{id}/os-extra_specs``: add or replace several (200, as Nova answers)."""
    ctx = context()
    body = read_json()
    validate_body(EXTRA_SPECS_CREATE, ctx.version, body)
    _check_values(ctx, body["extra_specs"])
    flavor_manage.set_extra_specs(runtime().store, ctx, flavor_id, body["extra_specs"])
    return json_response(body)


def update(flavor_id: str, key: str) -> Response:
    """``PUT /flavors/{id}/os-extra_specs/{key}``: the body names that one key."""
    ctx = context()
    body = read_json()
    validate_body(EXTRA_SPEC_UPDATE, ctx.version, body)
    _check_values(ctx, body)
    if key not in body:
        raise errors.BadRequest("Request body and URI mismatch")
    flavor_manage.set_extra_specs(runtime().store, ctx, flavor_id, body)
    return json_response(body)


def delete(flavor_id: str, key: str) -> Response:
    """``DELETE /flavors/{id}/os-extra_specs/{key}``: 200 with no body, as Nova answers."""
    ctx = context()
    flavor_manage.delete_extra_spec(runtime().store, ctx, flavor_id, key)
    return json_response(None, 200)


ROUTES = (
    Route("GET", "/flavors/<flavor_id>/os-extra_specs", index, policy="os_compute_api:os-flavor-extra-specs:index"),
    Route("POST", "/flavors/<flavor_id>/os-extra_specs", create, policy="os_compute_api:os-flavor-extra-specs:create"),
    Route("GET", "/flavors/<flavor_id>/os-extra_specs/<key>", show, policy="os_compute_api:os-flavor-extra-specs:show"),
    Route("PUT", "/flavors/<flavor_id>/os-extra_specs/<key>", update,
          policy="os_compute_api:os-flavor-extra-specs:update"),
    Route("DELETE", "/flavors/<flavor_id>/os-extra_specs/<key>", delete,
          policy="os_compute_api:os-flavor-extra-specs:delete"),
)
