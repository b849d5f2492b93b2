"""``/os-server-groups`` through the HTTP layer: bodies at each microversion boundary, roles, Nova's errors,
membership through the ``group`` hint, the policies' effect on placement, group quotas and 2.71's
``server_groups`` in the server view."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, MISSING, Api, fault, make_app

from fakenova.domain.pace import AfterPolls
from fakenova.microversions import V

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


@pytest.fixture
def alt(app):
    return Api(app, "alt_demo", "alt_demo")


def make(api, version: str = "2.64", **group: Any) -> Dict[str, Any]:
    body = {"name": "g", **group}
    if V(version) >= V("2.64") and "policies" not in group:
        body.setdefault("policy", "anti-affinity")
    elif "policy" not in group:
        body.setdefault("policies", ["anti-affinity"])
    response = api("POST", "/os-server-groups", {"server_group": body}, version=version)
    assert response.status_code == 200, response.json
    return response.json["server_group"]


def boot(api, group_id: str, version: str = "2.71", **server: Any):
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "none", **server}
    return api("POST", "/servers", {"server": body, "os:scheduler_hints": {"group": group_id}}, version=version)


def booted(api, group_id: str, **server: Any) -> str:
    response = boot(api, group_id, **server)
    assert response.status_code == 202, response.json
    return response.json["server"]["id"]


def shown(api, server_id: str, version: str = "2.71") -> Dict[str, Any]:
    return api("GET", f"/servers/{server_id}", version=version).json["server"]


# --- bodies per microversion ---------------------------------------------------------------------

OLD_KEYS = {"id", "name", "policies", "members", "metadata"}
OWNER_KEYS = {"project_id", "user_id"}
NEW_KEYS = {"id", "name", "policy", "rules", "members"}


@pytest.mark.parametrize("version, keys", [
    ("2.1", OLD_KEYS), ("2.12", OLD_KEYS), ("2.13", OLD_KEYS | OWNER_KEYS), ("2.63", OLD_KEYS | OWNER_KEYS),
    ("2.64", NEW_KEYS | OWNER_KEYS), ("2.101", NEW_KEYS | OWNER_KEYS),
])
def test_body_keys_per_version(demo, version, keys):
    group = make(demo, version)
    assert set(group) == keys
    assert set(demo("GET", f"/os-server-groups/{group['id']}", version=version).json["server_group"]) == keys
    assert set(demo("GET", "/os-server-groups", version=version).json["server_groups"][0]) == keys


def test_values_before_and_after_264(demo):
    old = make(demo, "2.13", policies=["affinity"])
    assert (old["policies"], old["metadata"], old["members"]) == (["affinity"], {}, [])
    assert (old["project_id"], old["user_id"]) == (DEMO, DEMO_USER)
    new = make(demo, "2.64", policy="anti-affinity", rules={"max_server_per_host": "3"})
    assert (new["policy"], new["rules"]) == ("anti-affinity", {"max_server_per_host": 3})
    # one record, two shapes
    assert demo("GET", f"/os-server-groups/{new['id']}", version="2.63").json["server_group"]["policies"] == [
        "anti-affinity"]
    assert demo("GET", f"/os-server-groups/{old['id']}", version="2.64").json["server_group"]["rules"] == {}


@pytest.mark.parametrize("version, policy, ok", [
    ("2.14", "soft-affinity", False), ("2.14", "soft-anti-affinity", False),
    ("2.15", "soft-affinity", True), ("2.15", "soft-anti-affinity", True), ("2.1", "affinity", True),
])
def test_soft_policies_from_215(demo, version, policy, ok):
    response = demo("POST", "/os-server-groups", {"server_group": {"name": "g", "policies": [policy]}},
                    version=version)
    assert response.status_code == (200 if ok else 400)


@pytest.mark.parametrize("version, group", [
    ("2.63", {"name": "g", "policy": "affinity"}),
    ("2.64", {"name": "g", "policies": ["affinity"]}),
    ("2.1", {"name": "g", "policies": ["affinity", "anti-affinity"]}),
    ("2.1", {"name": "g", "policies": []}),
    ("2.1", {"name": "", "policies": ["affinity"]}),
    ("2.64", {"name": "g", "policy": "anti-affinity", "rules": {"max_server_per_host": 0}}),
    ("2.64", {"name": "g", "policy": "anti-affinity", "rules": {"max_server_per_host": "x"}}),
    ("2.64", {"name": "g", "policy": "anti-affinity", "rules": {"other": 1}}),
    ("2.64", {"name": "g", "policy": "spread"}),
])
def test_schema_refusals(demo, version, group):
    assert demo("POST", "/os-server-groups", {"server_group": group}, version=version).status_code == 400


@pytest.mark.parametrize("policy", ["affinity", "soft-affinity", "soft-anti-affinity"])
def test_rules_only_for_anti_affinity(demo, policy):
    response = demo("POST", "/os-server-groups", {"server_group": {
        "name": "g", "policy": policy, "rules": {"max_server_per_host": 2}}}, version="2.64")
    assert (response.status_code, fault(response)) == (400, "Only anti-affinity policy supports rules.")
    ok = demo("POST", "/os-server-groups", {"server_group": {"name": "g", "policy": policy, "rules": {}}},
              version="2.64")
    assert ok.status_code == 200


# --- list, show, delete and roles ------------------------------------------------------------------

def ids(api, query: str = "") -> list:
    return [group["id"] for group in api("GET", f"/os-server-groups{query}").json["server_groups"]]


def test_list_is_per_project_and_admin_may_ask_for_all(demo, alt, admin):
    mine, theirs, admins = make(demo), make(alt), make(admin)
    assert ids(demo) == [mine["id"]] and ids(alt) == [theirs["id"]] and ids(admin) == [admins["id"]]
    assert ids(demo, "?all_projects=True") == [mine["id"]]  # ignored for non-admins, as in Nova
    assert ids(admin, "?all_projects=True") == [mine["id"], theirs["id"], admins["id"]]
    assert ids(admin, "?all_projects=0") == [mine["id"], theirs["id"], admins["id"]]  # presence counts


def test_list_pages_by_limit_and_offset(demo):
    made = [make(demo, name=f"g{n}")["id"] for n in range(4)]
    assert ids(demo, "?limit=2") == made[:2]
    assert ids(demo, "?limit=2&offset=1") == made[1:3]
    assert ids(demo, "?offset=3") == made[3:]
    assert ids(demo, "?limit=0") == made  # 0 means max_limit, as in Nova's common.limited
    assert demo("GET", "/os-server-groups?limit=-1").status_code == 400
    assert demo("GET", "/os-server-groups?limit=a").status_code == 400


@pytest.mark.parametrize("version, status", [("2.74", 200), ("2.75", 400)])
def test_unknown_list_parameters_refused_from_275(demo, version, status):
    assert demo("GET", "/os-server-groups?foo=1", version=version).status_code == status


@pytest.mark.parametrize("version, status", [("2.101", 200), ("2.102", 400)])
def test_unknown_show_parameters_refused_from_2102(demo, version, status):
    group = make(demo)
    assert demo("GET", f"/os-server-groups/{group['id']}?foo=1", version=version).status_code == status


def test_show_and_delete_missing_group(demo):
    for method, status in (("GET", 404), ("DELETE", 404)):
        response = demo(method, f"/os-server-groups/{MISSING}")
        assert (response.status_code, fault(response)) == (status, f"Instance group {MISSING} could not be found.")


@pytest.mark.parametrize("method, rule", [("GET", "show"), ("DELETE", "delete")])
def test_another_projects_group_is_forbidden(demo, alt, admin, method, rule):
    group = make(demo)
    response = alt(method, f"/os-server-groups/{group['id']}")
    assert (response.status_code, fault(response)) == (
        403, f"Policy doesn't allow os_compute_api:os-server-groups:{rule} to be performed.")
    assert admin(method, f"/os-server-groups/{group['id']}").status_code in (200, 204)


def test_delete_then_gone(demo):
    group = make(demo)
    assert demo("DELETE", f"/os-server-groups/{group['id']}").status_code == 204
    assert demo("GET", f"/os-server-groups/{group['id']}").status_code == 404
    assert demo("GET", "/os-server-groups").json["server_groups"] == []


# --- quotas ------------------------------------------------------------------------------------------

def test_server_groups_quota(demo, admin):
    assert admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"server_groups": 1}}).status_code == 200
    make(demo)
    response = demo("POST", "/os-server-groups", {"server_group": {"name": "g", "policies": ["affinity"]}})
    assert (response.status_code, fault(response)) == (403, "Quota exceeded, too many server groups.")
    limits = demo("GET", "/limits").json["limits"]["absolute"]
    assert (limits["maxServerGroups"], limits["totalServerGroupsUsed"]) == (1, 1)


def test_server_groups_quota_per_user(demo, admin):
    admin("PUT", f"/os-quota-sets/{DEMO}?user_id={DEMO_USER}", {"quota_set": {"server_groups": 0}})
    response = demo("POST", "/os-server-groups", {"server_group": {"name": "g", "policies": ["affinity"]}})
    assert (response.status_code, fault(response)) == (403, "Quota exceeded, too many server groups.")
    make(admin)  # another project's user is not limited


def test_server_group_members_quota(demo, admin):
    admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"server_group_members": 2}})
    group = make(demo, policy="affinity")
    booted(demo, group["id"])
    response = boot(demo, group["id"], min_count=2)
    assert (response.status_code, fault(response)) == (403, "Quota exceeded, too many servers in group")
    booted(demo, group["id"])
    assert len(demo("GET", f"/os-server-groups/{group['id']}").json["server_group"]["members"]) == 2


def test_hint_naming_a_missing_group(demo):
    response = boot(demo, MISSING)
    assert (response.status_code, fault(response)) == (400, f"Instance group {MISSING} could not be found.")
    assert demo("GET", "/servers").json["servers"] == []


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.13", "2.15", "2.63", "2.64", "2.101"])
def test_bodies_match_novas_response_schemas(demo, version):
    policy = "soft-affinity" if V(version) >= V("2.15") else "affinity"
    group = make(demo, version, **({"policy": policy} if V(version) >= V("2.64") else {"policies": [policy]}))
    booted(demo, group["id"])
    assert schema_errors("POST", "/os-server-groups", version, {"server_group": group}) == []
    listed = demo("GET", "/os-server-groups", version=version).json
    assert schema_errors("GET", "/os-server-groups", version, listed) == []
    one = demo("GET", f"/os-server-groups/{group['id']}", version=version).json
    assert schema_errors("GET", "/os-server-groups/{id}", version, one) == []
    assert one["server_group"]["members"] and one["server_group"]["members"] == listed["server_groups"][0]["members"]


# --- membership and placement ------------------------------------------------------------------------

def test_members_join_through_the_hint_and_show_in_the_server(demo):
    group = make(demo, policy="affinity")
    first, second = booted(demo, group["id"]), booted(demo, group["id"])
    assert demo("GET", f"/os-server-groups/{group['id']}").json["server_group"]["members"] == [first, second]
    assert shown(demo, first)["server_groups"] == [group["id"]]
    assert "server_groups" not in shown(demo, first, "2.70")
    assert "server_groups" not in demo("GET", "/servers/detail", version="2.71").json["servers"][0]


def test_a_list_hint_names_its_group(demo):
    group = make(demo, policy="affinity")
    response = demo("POST", "/servers", {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1",
                                                    "networks": "none"},
                                         "os:scheduler_hints": {"group": [group["id"]]}}, version="2.71")
    assert shown(demo, response.json["server"]["id"])["server_groups"] == [group["id"]]


def test_deleted_member_leaves_the_group(demo):
    group = make(demo, policy="affinity")
    first, second = booted(demo, group["id"]), booted(demo, group["id"])
    assert demo("DELETE", f"/servers/{first}").status_code == 204
    assert demo("GET", f"/os-server-groups/{group['id']}").json["server_group"]["members"] == [second]
    assert demo("GET", "/os-server-groups").json["server_groups"][0]["members"] == [second]


def test_deleted_group_leaves_the_server_view_even_when_cached(demo):
    group = make(demo, policy="affinity")
    server = booted(demo, group["id"])
    assert shown(demo, server)["server_groups"] == [group["id"]]  # rendered and cached
    demo("DELETE", f"/os-server-groups/{group['id']}")
    assert shown(demo, server)["server_groups"] == []
    assert demo("PUT", f"/servers/{server}", {"server": {"name": "x"}}, version="2.71").json["server"][
        "server_groups"] == []


def test_anti_affinity_second_member_finds_no_host(demo):
    group = make(demo)
    first, second = booted(demo, group["id"]), booted(demo, group["id"])
    assert shown(demo, first)["status"] == "ACTIVE"
    body = shown(demo, second)
    assert (body["status"], body["fault"]["code"], body["fault"]["message"]) == ("ERROR", 500, NO_VALID_HOST)
    assert body["server_groups"] == [group["id"]]
    # Nova's member list keeps the failed build (it exists and is not deleted)
    assert demo("GET", f"/os-server-groups/{group['id']}").json["server_group"]["members"] == [first, second]


def test_anti_affinity_rule_allows_more_per_host(demo):
    group = make(demo, rules={"max_server_per_host": 2})
    servers = [booted(demo, group["id"]) for _ in range(3)]
    assert [shown(demo, server)["status"] for server in servers] == ["ACTIVE", "ACTIVE", "ERROR"]


def test_a_failed_member_does_not_hold_a_host(demo):
    group = make(demo)
    first, second = booted(demo, group["id"]), booted(demo, group["id"])
    demo("DELETE", f"/servers/{first}")
    assert shown(demo, second)["status"] == "ERROR"
    assert shown(demo, booted(demo, group["id"]))["status"] == "ACTIVE"


@pytest.mark.parametrize("policy", ["affinity", "soft-affinity", "soft-anti-affinity"])
def test_other_policies_place_every_member_on_one_host(demo, policy):
    group = make(demo, policy=policy)
    servers = [booted(demo, group["id"]) for _ in range(3)]
    assert {shown(demo, server)["status"] for server in servers} == {"ACTIVE"}


def test_multiple_create_in_an_anti_affinity_group_fails_together(demo):
    group = make(demo)
    response = boot(demo, group["id"], min_count=2, max_count=2, return_reservation_id=True)
    assert response.status_code == 202
    servers = demo("GET", "/servers/detail", version="2.71").json["servers"]
    assert len(servers) == 2 and {server["status"] for server in servers} == {"ERROR"}
    members = demo("GET", f"/os-server-groups/{group['id']}").json["server_group"]["members"]
    assert sorted(members) == sorted(server["id"] for server in servers)


def test_multiple_create_in_an_affinity_group(demo):
    group = make(demo, policy="affinity")
    boot(demo, group["id"], min_count=3)
    servers = demo("GET", "/servers/detail", version="2.71").json["servers"]
    assert len(servers) == 3 and {server["status"] for server in servers} == {"ACTIVE"}
    assert len(demo("GET", f"/os-server-groups/{group['id']}").json["server_group"]["members"]) == 3


def test_a_member_still_building_holds_its_host():
    demo = Api(make_app(paces={"create": AfterPolls(3)}))
    group = make(demo)
    first = booted(demo, group["id"])  # still scheduling, no host yet
    second = booted(demo, group["id"])
    for _ in range(3):
        shown(demo, first), shown(demo, second)
    assert (shown(demo, first)["status"], shown(demo, second)["status"]) == ("ACTIVE", "ERROR")


def test_a_reader_may_look_but_not_change(app, demo):
    alt_user, demo_project = "1a0f9e8d7c6b4a5f3e2d1c0b9a8f7e6d", DEMO
    app.extensions["fakenova"].store.put("assignment", f"{alt_user}:{demo_project}", ["reader"])
    reader = Api(app, "alt_demo", "demo")
    group = make(demo)
    assert ids(reader) == [group["id"]]
    assert reader("GET", f"/os-server-groups/{group['id']}").status_code == 200
    for method, path, body, rule in (
            ("POST", "/os-server-groups", {"server_group": {"name": "g", "policies": ["affinity"]}}, "create"),
            ("DELETE", f"/os-server-groups/{group['id']}", None, "delete")):
        response = reader(method, path, body)
        assert (response.status_code, fault(response)) == (
            403, f"Policy doesn't allow os_compute_api:os-server-groups:{rule} to be performed.")
