"""The generic Neutron machinery on its own: rule evaluation, body checks, filters, sorting and paging."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from fakenova.domain import neutron_policy, neutron_query
from fakenova.domain import neutron_validators as v
from fakenova.domain.context import Identity, RequestContext
from fakenova.domain.errors import FakeNovaError, NotFound
from fakenova.domain.neutron_resource import REQUIRED, Attr, definition, items_of, prepare

THING = definition("thing", "things", not_found=lambda i: NotFound(i), attrs=(
    Attr("size", post=True, put=True, default=REQUIRED, convert=v.to_int, validate=v.integer_range(1, 9)),
    Attr("enabled", post=True, put=True, default=True, convert=v.to_boolean),
    Attr("status"),
    Attr("secret", post=True, is_filter=False, is_sort_key=False, default=""),
))


def ctx(roles: Tuple[str, ...] = ("member",), project: str = "p1") -> RequestContext:
    return RequestContext(Identity("u", "u", project, project, roles))


RULE_CASES = [
    # rule, roles, caller project, target, allowed
    ("create_network", ("member",), "p1", {"project_id": "p1"}, True),
    ("create_network", ("reader",), "p1", {"project_id": "p1"}, False),
    ("create_network", ("member",), "p1", {"project_id": "p2"}, False),
    ("create_network", ("admin",), "p1", {"project_id": "p2"}, True),
    ("get_network", ("reader",), "p1", {"project_id": "p2", "shared": True}, True),
    ("get_network", ("reader",), "p1", {"project_id": "p2", "router:external": True}, True),
    ("get_network", ("member",), "p1", {"project_id": "p2", "shared": False, "router:external": False}, False),
    ("create_network:shared", ("member",), "p1", {"project_id": "p1"}, False),
    ("get_port:binding:host_id", ("member",), "p1", {"project_id": "p1"}, False),
    ("get_port:binding:host_id", ("service",), "p1", {"project_id": "p1"}, True),
    ("create_port:device_owner", ("member",), "p1", {"device_owner": "network:dhcp",
                                                    "network:project_id": "p2"}, False),
    ("create_port:device_owner", ("member",), "p1", {"device_owner": "compute:nova"}, True),
    ("create_port", ("member",), "p1", {"network:project_id": "p2", "shared": True}, True),
    ("create_subnet", ("member",), "p1", {"network:project_id": "p2"}, False),
]


@pytest.mark.parametrize("rule,roles,project,target,expected", RULE_CASES)
def test_rules(rule: str, roles: Tuple[str, ...], project: str, target: Dict[str, Any], expected: bool) -> None:
    assert neutron_policy.allowed(ctx(roles, project), rule, target) is expected


def test_refusal_names_the_built_rule() -> None:
    with pytest.raises(FakeNovaError) as caught:
        neutron_policy.enforce(ctx(("reader",)), "create_network", {"project_id": "p1"})
    assert (caught.value.code, type(caught.value).__name__) == (403, "PolicyNotAuthorized")
    assert caught.value.message == "rule:create_network is disallowed by policy"
    with pytest.raises(FakeNovaError) as caught:
        neutron_policy.enforce(ctx(), "create_network", {"project_id": "p1"}, ["shared"])
    assert caught.value.message == "(rule:create_network and rule:create_network:shared) is disallowed by policy"
    target = {"network:project_id": "p2", "shared": True, "fixed_ips": [{"subnet_id": "s", "ip_address": "a"}],
              "mac_address": "m"}
    with pytest.raises(FakeNovaError) as caught:
        neutron_policy.enforce(ctx(), "create_port", target, ["mac_address", "fixed_ips"])
    assert caught.value.message == (
        "((rule:create_port and rule:create_port:mac_address) and (rule:create_port:fixed_ips and "
        "(rule:create_port:fixed_ips:subnet_id and rule:create_port:fixed_ips:ip_address))) is disallowed by policy")


BODY_CASES = [
    ({}, True, "Resource body required"),
    ({"other": {}}, True, "Unable to find 'thing' in request body"),
    ({"thing": []}, True, "Object 'thing' contains invalid data"),
    ({"thing": {}}, True, "Failed to parse request. Required attribute 'size' not specified"),
    ({"thing": {"size": 1, "colour": 1}}, True, "Unrecognized attribute(s) 'colour'"),
    ({"thing": {"size": 1, "status": "x"}}, True, "Attribute 'status' not allowed in POST"),
    ({"thing": {"secret": "x"}}, False, "Cannot update read-only attribute secret"),
    ({"thing": {"size": "x"}}, True, "Invalid input for size. Reason: 'x' is not an integer."),
    ({"thing": {"size": 10}}, True, "Invalid input for size. Reason: '10' is too large - must be no larger "
                                    "than '9'."),
    ({"thing": {"size": 1, "enabled": "maybe"}}, True,
     "Invalid input for enabled. Reason: 'maybe' cannot be converted to boolean."),
    ({"thing": {"size": 1, "project_id": "p2"}}, True, "Specifying 'project_id' or 'tenant_id' other than the "
                                                       "authenticated project in request requires admin privileges"),
    ({"thing": {"size": 1, "project_id": "p1", "tenant_id": "p2"}}, True, "'project_id' and 'tenant_id' do not "
                                                                         "match"),
]


@pytest.mark.parametrize("body,creating,message", BODY_CASES)
def test_body_checks(body: Dict[str, Any], creating: bool, message: str) -> None:
    with pytest.raises(FakeNovaError) as caught:
        items, _ = items_of(THING, body)
        prepare(THING, ctx(), items[0], creating=creating)
    assert (caught.value.code, type(caught.value).__name__, caught.value.message) == (
        400, "HTTPBadRequest", message)


def test_prepare_fills_defaults_and_owner() -> None:
    items, bulk = items_of(THING, {"things": [{"size": "3"}, {"thing": {"size": 4, "enabled": "false"}}]})
    made = [prepare(THING, ctx(), item, creating=True) for item in items]
    assert bulk and [(m["size"], m["enabled"], m["project_id"], m["tenant_id"], m["name"]) for m in made] == [
        (3, True, "p1", "p1", ""), (4, False, "p1", "p1", "")]


RECORDS: List[Dict[str, Any]] = [
    {"id": f"id-{n}", "size": n % 3, "enabled": n % 2 == 0, "tags": ["a", "b"] if n < 2 else ["b"],
     "secret": "", "status": None if n == 4 else "ACTIVE"} for n in range(6)
]

QUERY_CASES = [
    ({"size": ["1"]}, ["id-1", "id-4"]),
    ({"size": ["1", "2"]}, ["id-1", "id-2", "id-4", "id-5"]),
    ({"enabled": ["True"]}, ["id-0", "id-2", "id-4"]),
    ({"tags": ["a,b"]}, ["id-0", "id-1"]),
    ({"tags-any": ["a"]}, ["id-0", "id-1"]),
    ({"not-tags": ["a,b"]}, ["id-2", "id-3", "id-4", "id-5"]),
    ({"not-tags-any": ["b"]}, []),
    ({"sort_key": ["size", "id"], "sort_dir": ["desc", "asc"]}, ["id-2", "id-5", "id-1", "id-4", "id-0", "id-3"]),
    ({"sort_key": ["status"], "sort_dir": ["asc"]}, ["id-4", "id-0", "id-1", "id-2", "id-3", "id-5"]),
    ({"limit": ["2"]}, ["id-0", "id-1"]),
    ({"limit": ["2"], "marker": ["id-1"]}, ["id-2", "id-3"]),
    ({"limit": ["2"], "marker": ["id-4"], "page_reverse": ["True"]}, ["id-2", "id-3"]),
    ({"limit": ["2"], "page_reverse": ["True"]}, ["id-4", "id-5"]),
]


@pytest.mark.parametrize("args,ids", QUERY_CASES)
def test_queries(args: Dict[str, List[str]], ids: List[str]) -> None:
    wanted = neutron_query.filters(THING, args)
    found = neutron_query.page(THING, neutron_query.matching(THING, RECORDS, wanted, args), args)
    assert [record["id"] for record in found.items] == ids


BAD_QUERIES = [
    ({"colour": ["x"]}, "[colour] is invalid attribute for filtering"),
    ({"secret": ["x"]}, "[secret] is invalid attribute for filtering"),
    ({"sort_key": ["secret"], "sort_dir": ["asc"]}, "['secret'] is invalid attribute for sort_keys"),
    ({"sort_key": ["size"]}, "The number of sort_keys and sort_dirs must be same"),
    ({"sort_key": ["size"], "sort_dir": ["up"]}, "['up'] is invalid value for sort_dirs, valid value is 'asc' "
                                                 "and 'desc'"),
    ({"limit": ["-1"]}, "Bad limit request: Limit must be an integer 0 or greater and not '-1'."),
]


@pytest.mark.parametrize("args,message", BAD_QUERIES)
def test_bad_queries(args: Dict[str, List[str]], message: str) -> None:
    with pytest.raises(FakeNovaError) as caught:
        wanted = neutron_query.filters(THING, args)
        neutron_query.page(THING, neutron_query.matching(THING, RECORDS, wanted, args), args)
    assert (caught.value.code, caught.value.message) == (400, message)


def test_links_follow_neutron() -> None:
    full = neutron_query.page(THING, RECORDS, {"limit": ["2"]})
    last = neutron_query.page(THING, RECORDS, {"limit": ["5"], "marker": ["id-1"]})
    assert full.links == [("next", "id-1"), ("previous", "id-0")]
    assert last.links == [("previous", "id-2")]
