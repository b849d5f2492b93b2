"""``/extensions``: the legacy extension listing, list and show by alias, open to any caller
(``os_compute_api:extensions`` is ``@``); from 2.102 the query string must be empty."""
from __future__ import annotations

from flask import Response, request

from ...domain import errors
from ...microversions import Versioned
from ...views import extensions as views
from ..http import context, json_response, legacy_v2
from ..routing import Route
from ..validation import validate_query

#: index and show take any query parameter until 2.101, none from 2.102
QUERY = Versioned([("2.1", {"type": "object", "properties": {}, "additionalProperties": True}),
                   ("2.102", {"type": "object", "properties": {}, "additionalProperties": False})],
                  name="extensions-query")


def index() -> Response:
    validate_query(QUERY, context().version, request.args.to_dict(flat=False))
    return json_response({"extensions": views.extensions(legacy_v2())})


def show(alias: str) -> Response:
    validate_query(QUERY, context().version, request.args.to_dict(flat=False))
    found = views.extension(alias, legacy_v2())
    if found is None:
        raise errors.NotFound()
    return json_response({"extension": found})


ROUTES = (
    Route("GET", "/extensions", index, policy="os_compute_api:extensions"),
    Route("GET", "/extensions/<alias>", show, policy="os_compute_api:extensions"),
)
