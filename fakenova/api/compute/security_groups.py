"""Nova's deprecated security group proxy: ``os-security-groups`` and ``os-security-group-rules``, 2.1 to 2.35
(404 from 2.36), over the same group records server create and ``addSecurityGroup`` use."""
from __future__ import annotations

from flask import Response, request

from ...domain import security_group_rules as rules
from ...domain import security_groups as domain
from ...microversions import Versioned, VersionRange
from ...views import security_groups as views
from .. import schema_types as t
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query

#: Nova's proxy APIs end at 2.35 (``MAX_PROXY_API_SUPPORT_VERSION``)
PROXY_VERSIONS = VersionRange.of("2.1", "2.35")

_TEXT = {"type": "string", "minLength": 0, "maxLength": 255}
_GROUP_BODY = t.object_of({"security_group": t.object_of({"name": _TEXT, "description": _TEXT},
                                                         required=["name", "description"], additional=True)},
                          required=["security_group"], additional=True)
GROUP = Versioned([("2.1", _GROUP_BODY)], name="security-group")
RULE = Versioned([("2.1", t.object_of({"security_group_rule": t.object_of({
    "group_id": {"type": ["string", "null"], "format": "uuid"}, "parent_group_id": t.UUID,
    "from_port": {}, "to_port": {}, "ip_protocol": {}, "cidr": {}},
    required=["parent_group_id"], additional=True)}, required=["security_group_rule"], additional=True))],
    name="security-group-rule")
_PAGE = t.multi_params(t.NON_NEGATIVE_INTEGER)
INDEX_QUERY = Versioned([("2.1", t.object_of({"all_tenants": t.QUERY_STRING, "limit": _PAGE, "offset": _PAGE},
                                             additional=True))], name="security-groups-query")
ANY_QUERY = Versioned([("2.1", t.object_of({}, additional=True))], name="security-group-query")


def _render(group: domain.Group) -> Response:
    known = domain.by_id(runtime().store, context())
    return json_response({"security_group": views.group(group, known)})


def index() -> Response:
    ctx, store = context(), runtime().store
    args = validate_query(INDEX_QUERY, ctx.version, request.args.to_dict(flat=False))
    found = domain.visible(store, ctx, all_projects="all_tenants" in args)
    offset = int(args["offset"][-1]) if "offset" in args else 0
    limit = min(int(args["limit"][-1]), runtime().settings.max_limit) if "limit" in args else None
    page = found[offset:offset + limit if limit is not None else None]
    return json_response({"security_groups": views.groups(page, domain.by_id(store, ctx))})


def show(group_id: str) -> Response:
    validate_query(ANY_QUERY, context().version, request.args.to_dict(flat=False))
    return _render(domain.get(runtime().store, context(), group_id))


def create() -> Response:
    body = read_json()
    validate_body(GROUP, context().version, body)
    given = body["security_group"]
    return _render(domain.create(runtime(), context(), given["name"], given["description"]))


def update(group_id: str) -> Response:
    body = read_json()
    validate_body(GROUP, context().version, body)
    given = body["security_group"]
    return _render(domain.update(runtime(), context(), group_id, given["name"], given["description"]))


def delete(group_id: str) -> Response:
    domain.delete(runtime(), context(), group_id)
    return json_response(None, 202)


def rule_create() -> Response:
    body = read_json()
    validate_body(RULE, context().version, body)
    made, source = rules.create(runtime(), context(), body["security_group_rule"])
    return json_response({"security_group_rule": views.rule(made, source or None)})


def rule_delete(rule_id: str) -> Response:
    rules.delete(runtime(), context(), rule_id)
    return json_response(None, 202)


_G, _R = "/os-security-groups", "/os-security-group-rules"
ROUTES = (
    Route("GET", _G, index, PROXY_VERSIONS, policy="os_compute_api:os-security-groups:get"),
    Route("POST", _G, create, PROXY_VERSIONS, policy="os_compute_api:os-security-groups:create"),
    Route("GET", f"{_G}/<group_id>", show, PROXY_VERSIONS, policy="os_compute_api:os-security-groups:show"),
    Route("PUT", f"{_G}/<group_id>", update, PROXY_VERSIONS, policy="os_compute_api:os-security-groups:update"),
    Route("DELETE", f"{_G}/<group_id>", delete, PROXY_VERSIONS, policy="os_compute_api:os-security-groups:delete"),
    Route("POST", _R, rule_create, PROXY_VERSIONS, policy="os_compute_api:os-security-groups:rule:create"),
    Route("DELETE", f"{_R}/<rule_id>", rule_delete, PROXY_VERSIONS,
          policy="os_compute_api:os-security-groups:rule:delete"),
)
