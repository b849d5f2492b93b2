"""``GET /servers``: scope, status, deleted servers, time windows, sorting, paging and the exact errors of each
(nova-facts §b.5, §c, §d.4), plus the regex bounds and Nova's own response schemas for filtered pages.
"""
from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from support.apps import control
from support.nova_reference import needs_shared, schema_errors
from support.server_api import Api, fault, make_app

from fakenova.domain.pace import AfterPolls
from fakenova.domain.states import TaskState, VmState
from fakenova.microversions import all_versions

DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ACCEPTABLE = "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"


@pytest.fixture
def clock_app():
    return make_app()


@pytest.fixture
def demo(clock_app):
    return Api(clock_app)


@pytest.fixture
def admin(clock_app):
    return Api(clock_app, "admin", "admin")


def ids(response):
    assert response.status_code == 200, response.json
    return [server["id"] for server in response.json["servers"]]


def made(api: Api, count: int, **server):
    """``count`` servers one second apart (the injected clock), newest last."""
    clock = control(api.app).clock
    found = []
    for index in range(count):
        found.append(api.server(name=f"s{index}", **server))
        clock.advance(1)
    return found


# --- errors, in Nova's words --------------------------------------------------------------------------------

ERRORS = [
    ("demo", "2.38", "status=bogus", 400, "Invalid status value"),
    ("demo", "2.1", "status=DELETED", 403, "Only administrators may list deleted instances"),
    ("demo", "2.66", "changes-since=2020-01-02T00:00:00Z&changes-before=2020-01-01T00:00:00Z", 400,
     "The value of changes-since must be less than or equal to changes-before."),
    ("demo", "2.1", "all_tenants=1", 403,
     "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed."),
    ("admin", "2.1", "all_tenants=maybe", 400,
     f"Invalid input received: Unrecognized value 'maybe', acceptable values are: {ACCEPTABLE}"),
    ("demo", "2.73", "locked=maybe", 400,
     f"Invalid input received: Unrecognized value 'maybe', acceptable values are: {ACCEPTABLE}"),
    ("demo", "2.1", "sort_key=host", 403, "Only administrators can sort servers by host"),
    ("demo", "2.1", "sort_key=node", 403, "Only administrators can sort servers by node"),
    ("demo", "2.1", "sort_dir=up", 400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"),
    ("demo", "2.1", "sort_key=uuid&sort_dir=asc&sort_dir=desc", 400,
     "Invalid input received: Sort direction size exceeds sort key size"),
    ("demo", "2.1", "marker=nope", 400, "marker [nope] not found"),
    ("admin", "2.1", "_secret=1", 400, "Invalid filter field: _secret."),
    ("admin", "2.1", "metadata=x", 400, "Invalid filter field: metadata."),
    # Nova's 2.75 schema has the same patternProperties, hence the same jsonschema message
    ("demo", "2.75", "foo=1", 400, "'foo' does not match any of the regexes: '^_'"),
    ("demo", "2.1", "limit=-1", 400, None),
    ("demo", "2.1", "name=(a%2B)%2B$", 400, None),
    ("demo", "2.1", "name=(a|aa)*b", 400, None),
    ("demo", "2.1", "name=(a)\\1", 400, None),
    ("demo", "2.1", "name=" + "a*" * 3, 400, None),
    ("demo", "2.1", "name=" + "x" * 600, 400, None),
    ("demo", "2.1", "name=[", 400, None),
]


@pytest.mark.parametrize("user,version,query,code,message", ERRORS)
def test_errors(clock_app, user, version, query, code, message):
    api = Api(clock_app, user, user)
    api.server()
    response = api("GET", f"/servers?{query}", version=version)
    assert response.status_code == code, response.json
    if message is not None:
        assert fault(response) == message


def test_detail_names_its_own_policy(demo):
    assert fault(demo("GET", "/servers/detail?all_tenants")) == (
        "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed.")


IGNORED = [
    ("demo", "2.37", "status=bogus"), ("demo", "2.74", "foo=1"), ("demo", "2.1", "metadata=x"),
    ("demo", "2.1", "deleted=true"), ("demo", "2.1", "project_id=other"), ("admin", "2.74", "sort_key=deleted"),
    ("admin", "2.72", "sort_key=locked&sort_dir=asc"), ("demo", "2.1", "all_tenants=0"),
    ("demo", "2.1", "status=ACTIVE&status=bogus"),
]


@pytest.mark.parametrize("user,version,query", IGNORED)
def test_ignored_parameters(clock_app, user, version, query):
    api = Api(clock_app, user, user)
    made_ids = made(api, 2)
    listed = ids(api("GET", f"/servers?{query}", version=version))
    assert listed == ([] if query == "status=bogus" else made_ids[::-1])


# --- status and deleted servers ------------------------------------------------------------------------------

def test_status_semantics(demo):
    active, rebooting, stopped = made(demo, 3)
    demo.set_state(rebooting, VmState.ACTIVE, TaskState.REBOOTING)
    demo.set_state(stopped, VmState.STOPPED)
    assert ids(demo("GET", "/servers?status=active")) == [rebooting, active]  # ACTIVE selects by vm_state
    assert ids(demo("GET", "/servers?status=REBOOT")) == [rebooting]
    assert ids(demo("GET", "/servers?status=REBOOT&status=shutoff")) == [stopped, rebooting, active]


def test_deleted_and_changes_since(clock_app, demo, admin):
    kept, gone = made(demo, 2)
    assert demo("DELETE", f"/servers/{gone}").status_code == 204
    assert ids(demo("GET", "/servers")) == [kept]
    since = demo("GET", "/servers/detail?changes-since=2000-01-01T00:00:00").json["servers"]
    assert {s["id"]: s["status"] for s in since} == {kept: "ACTIVE", gone: "DELETED"}
    scope = f"all_tenants=1&project_id={DEMO_PROJECT}"
    assert ids(admin("GET", f"/servers?{scope}&deleted=true")) == [gone]
    assert ids(admin("GET", f"/servers?{scope}&deleted=no")) == [kept]
    assert ids(admin("GET", f"/servers?{scope}&status=DELETED")) == [gone]
    assert ids(demo("GET", f"/servers?marker={gone}")) == [kept]  # a deleted marker is accepted
    assert ids(demo("GET", "/servers?changes-since=2999-01-01T00:00:00Z")) == []
    assert ids(demo("GET", "/servers?changes-before=2999-01-01T00:00:00Z", version="2.66")) == [gone, kept]


def test_soft_deleted_listing():
    app = make_app(reclaim_instance_interval=60)
    demo, admin = Api(app), Api(app, "admin", "admin")
    soft = demo.server()
    assert demo("DELETE", f"/servers/{soft}").status_code == 204
    scope = f"all_tenants=1&project_id={DEMO_PROJECT}"
    assert ids(admin("GET", f"/servers?{scope}")) == []
    assert ids(admin("GET", f"/servers?{scope}&soft_deleted=1")) == [soft]
    assert ids(admin("GET", f"/servers?{scope}&deleted=1&soft_deleted=")) == []
    listed = admin("GET", f"/servers/detail?{scope}&deleted=1").json["servers"]
    assert [(s["id"], s["status"]) for s in listed] == [(soft, "SOFT_DELETED")]


def test_deleted_servers_are_kept_up_to_the_retention():
    app = make_app(deleted_retention=2)
    demo = Api(app)
    doomed = made(demo, 4)
    for server_id in doomed:
        assert demo("DELETE", f"/servers/{server_id}").status_code == 204
        demo("GET", "/servers")  # the delete completes on this read; the oldest beyond 2 are dropped
    since = ids(demo("GET", "/servers?changes-since=2000-01-01"))
    assert since == doomed[:1:-1]
    assert fault(demo("GET", f"/servers?marker={doomed[0]}")) == f"marker [{doomed[0]}] not found"


def test_listing_advances_servers_under_way_once_per_list():
    app = make_app(pace=AfterPolls(3))
    demo = Api(app)
    body = {"name": "slow", "imageRef": "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f", "flavorRef": "1"}
    server_id = demo("POST", "/servers", {"server": body}).json["server"]["id"]
    seen = [demo("GET", "/servers/detail").json["servers"][0]["status"] for _ in range(3)]
    assert seen == ["BUILD", "BUILD", "ACTIVE"]
    assert ids(demo("GET", "/servers?status=ACTIVE")) == [server_id]


# --- sorting and paging ------------------------------------------------------------------------------------

def test_default_order_is_created_at_desc_then_uuid_desc(demo):
    clock = control(demo.app).clock
    older = demo.server()
    clock.advance(1)
    twins = sorted([demo.server(), demo.server()], reverse=True)  # same created_at
    assert ids(demo("GET", "/servers")) == twins + [older]


def test_several_sort_keys_and_directions(demo, admin):
    first, second, third = made(demo, 3)
    store = demo.app.extensions["fakenova"].store
    for server_id, name in ((first, "b"), (second, "a"), (third, "b")):
        store.compute("server", server_id, lambda s, name=name: dataclasses.replace(s, name=name))
    assert ids(demo("GET", "/servers?sort_key=display_name&sort_dir=asc")) == [second, first, third]
    assert ids(demo("GET", "/servers?sort_key=display_name&sort_dir=desc&sort_key=created_at&sort_dir=asc")) == [
        first, third, second]
    assert ids(demo("GET", "/servers?sort_dir=asc")) == [first, second, third]
    page = ids(demo("GET", f"/servers?sort_key=display_name&sort_dir=asc&marker={second}"))
    assert page == [first, third]
    scope = f"all_tenants=1&project_id={DEMO_PROJECT}"
    assert len(ids(admin("GET", f"/servers?{scope}&sort_key=host&sort_key=node"))) == 3
    assert ids(demo("GET", "/servers?sort_key=locked&sort_dir=asc", version="2.73")) == [first, second, third]


@pytest.mark.parametrize("query", ["", "&status=ACTIVE", "&sort_dir=asc", "&sort_key=display_name"])
def test_pages_visit_every_server_once(demo, query):
    created = made(demo, 7)
    seen, path = [], f"/servers/detail?limit=3{query}"
    while True:
        body = demo("GET", path).json
        seen += [s["id"] for s in body["servers"]]
        if "servers_links" not in body:
            break
        (link,) = body["servers_links"]
        assert link["rel"] == "next" and parse_qs(urlsplit(link["href"]).query)["limit"] == ["3"]
        path = "/servers/detail?" + urlsplit(link["href"]).query
    assert sorted(seen) == sorted(created) and len(seen) == 7


def test_limit_is_capped_at_max_limit_and_full_pages_link():
    app = make_app(max_limit=2)
    demo = Api(app)
    made(demo, 3)
    body = demo("GET", "/servers?limit=50").json
    assert len(body["servers"]) == 2 and "servers_links" in body
    assert "servers_links" not in demo("GET", "/servers?limit=0").json


def test_cached_renderings_follow_changes(demo):
    server_id = demo.server(name="before")
    assert demo("GET", "/servers/detail").json["servers"][0]["name"] == "before"
    assert demo("PUT", f"/servers/{server_id}", {"server": {"name": "after"}}).status_code == 200
    assert demo("GET", "/servers/detail").json["servers"][0]["name"] == "after"
    assert demo("GET", "/servers").json["servers"][0]["name"] == "after"


def test_show_is_served_fresh_from_the_render_cache(demo):
    server_id = demo.server(name="before")
    shown = demo("GET", f"/servers/{server_id}")
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "application/json"
    assert shown.json["server"]["name"] == "before"
    assert demo("GET", f"/servers/{server_id}").json == shown.json  # the cached bytes, unchanged
    demo("PUT", f"/servers/{server_id}", {"server": {"name": "after"}})
    assert demo("GET", f"/servers/{server_id}").json["server"]["name"] == "after"
    assert demo("POST", f"/servers/{server_id}/action", {"os-stop": None}).status_code == 202
    assert demo("GET", f"/servers/{server_id}").json["server"]["status"] == "SHUTOFF"
    # one rendering per view: the show body keeps server_groups (2.71+), the detail item does not
    assert "server_groups" in demo("GET", f"/servers/{server_id}", version="2.71").json["server"]
    assert "server_groups" not in demo("GET", "/servers/detail", version="2.71").json["servers"][0]
    # links follow the URL the client used, project id included
    project = demo("GET", f"/servers/{server_id}").json["server"]["tenant_id"]
    links = demo("GET", f"/{project}/servers/{server_id}").json["server"]["links"]
    assert links[0]["href"].endswith(f"/compute/v2.1/{project}/servers/{server_id}")


@needs_shared
@pytest.mark.parametrize("user", ["demo", "admin"])
@pytest.mark.parametrize("version", [str(v) for v in all_versions()][::7] + ["2.100"])
def test_filtered_pages_match_novas_schema(clock_app, version, user):
    api = Api(clock_app, user, user)
    made(api, 3)
    for path in ("/servers", "/servers/detail"):
        body = api("GET", f"{path}?limit=2&name=s&changes-since=2000-01-01", version=version).json
        assert "servers_links" in body
        assert schema_errors("GET", path, version, body) == [], (path, version)


def test_regex_matching_shares_a_spent_budget():
    from fakenova.domain import safe_regex

    budget = safe_regex.Budget(0.0)
    search = safe_regex.searcher("name", "a*a*c", budget)
    assert search(None) is False  # NULL costs nothing
    with pytest.raises(safe_regex.MatchTimeout, match="matching took longer") as raised:
        search("a" * 255)
    assert raised.value.code == 500  # Nova's answer when the database gives up on a REGEXP
