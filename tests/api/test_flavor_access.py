"""``os-flavor-access`` through the HTTP layer: listing, granting and revoking, the 2.7 boundary, who may,
Nova's messages, and what a grant changes for the granted project (lists, show and server create)."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, PRIVATE, Api, fault

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ALT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"


@pytest.fixture
def private(admin) -> str:
    body = {"flavor": {"name": "priv", "id": "priv", "ram": 256, "vcpus": 1, "disk": 1,
                       "os-flavor-access:is_public": False}}
    assert admin("POST", "/flavors", body).status_code == 200
    return "priv"


def grant(api: Api, flavor: str, tenant: str, version: str = "2.1"):
    return api("POST", f"/flavors/{flavor}/action", {"addTenantAccess": {"tenant": tenant}}, version=version)


def revoke(api: Api, flavor: str, tenant: str):
    return api("POST", f"/flavors/{flavor}/action", {"removeTenantAccess": {"tenant": tenant}})


def test_grant_list_revoke(admin, private):
    assert admin("GET", f"/flavors/{private}/os-flavor-access").json == {"flavor_access": []}
    granted = grant(admin, private, DEMO)
    assert granted.status_code == 200
    assert granted.json == {"flavor_access": [{"flavor_id": "priv", "tenant_id": DEMO}]}
    grant(admin, private, ALT)
    listed = admin("GET", f"/flavors/{private}/os-flavor-access").json["flavor_access"]
    assert [entry["tenant_id"] for entry in listed] == [DEMO, ALT]
    revoked = revoke(admin, private, DEMO)
    assert revoked.status_code == 200
    assert revoked.json == {"flavor_access": [{"flavor_id": "priv", "tenant_id": ALT}]}


def test_a_grant_makes_the_flavor_visible_and_bootable(admin, demo, private):
    boot = {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": private, "networks": [{"uuid": PRIVATE}]}}
    assert demo("GET", f"/flavors/{private}").status_code == 404
    assert demo("POST", "/servers", boot).status_code == 400
    grant(admin, private, DEMO)
    assert demo("GET", f"/flavors/{private}").json["flavor"]["os-flavor-access:is_public"] is False
    assert private in [f["id"] for f in demo("GET", "/flavors").json["flavors"]]
    assert private in [f["id"] for f in demo("GET", "/flavors/detail").json["flavors"]]
    assert demo("POST", "/servers", boot).status_code == 202
    alt = Api(demo.app, "alt_demo", "alt_demo")
    assert private not in [f["id"] for f in alt("GET", "/flavors").json["flavors"]]


def test_listing_a_public_flavor_is_404(admin):
    response = admin("GET", "/flavors/1/os-flavor-access")
    assert response.status_code == 404 and fault(response) == "Access list not available for public flavors."


@pytest.mark.parametrize("version, status", [("2.6", 200), ("2.7", 409)])
def test_granting_a_public_flavor_is_refused_from_2_7(admin, version, status):
    response = grant(admin, "1", DEMO, version)
    assert response.status_code == status
    if status == 409:
        assert fault(response) == "Can not add access to a public flavor."


def test_grant_refusals(admin, private):
    grant(admin, private, DEMO)
    again = grant(admin, private, DEMO)
    assert again.status_code == 409
    assert fault(again) == f"Flavor access already exists for flavor priv and project {DEMO} combination."
    unknown = grant(admin, private, "no-such-project")
    assert unknown.status_code == 400 and fault(unknown) == "Project ID no-such-project is not a valid project."
    missing = grant(admin, "nope", DEMO)
    assert missing.status_code == 404 and fault(missing) == "Flavor nope could not be found."


def test_revoke_refusals(admin, private):
    response = revoke(admin, private, DEMO)
    assert response.status_code == 404
    assert fault(response) == f"Flavor access not found for priv / {DEMO} combination."
    # an unknown project is no reason to refuse a revoke: Nova goes on and finds no grant
    unknown = revoke(admin, private, "no-such-project")
    assert unknown.status_code == 404
    assert fault(unknown) == "Flavor access not found for priv / no-such-project combination."


@pytest.mark.parametrize("body, message", [
    ({"frobnicate": {"tenant": DEMO}}, "There is no such action: frobnicate"),
    ({"addTenantAccess": {"tenant": DEMO}, "removeTenantAccess": {"tenant": DEMO}}, "Malformed request body"),
])
def test_unknown_or_several_actions(admin, private, body, message):
    response = admin("POST", f"/flavors/{private}/action", body)
    assert response.status_code == 400 and fault(response) == message


@pytest.mark.parametrize("body", [{"addTenantAccess": {}}, {"addTenantAccess": {"tenant": ""}},
                                  {"removeTenantAccess": {"tenant": DEMO, "extra": 1}}])
def test_bodies_are_checked(admin, private, body):
    assert admin("POST", f"/flavors/{private}/action", body).status_code == 400


@pytest.mark.parametrize("call, rule", [
    (lambda api, f: api("GET", f"/flavors/{f}/os-flavor-access"), "os_compute_api:os-flavor-access"),
    (lambda api, f: grant(api, f, DEMO), "os_compute_api:os-flavor-access:add_tenant_access"),
    (lambda api, f: revoke(api, f, DEMO), "os_compute_api:os-flavor-access:remove_tenant_access"),
])
def test_members_get_novas_policy_refusal(demo, private, call, rule):
    response = call(demo, private)
    assert response.status_code == 403 and fault(response) == f"Policy doesn't allow {rule} to be performed."


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.7", "2.101", "2.102"])
def test_responses_validate_against_novas_schemas(admin, private, version):
    granted = grant(admin, private, DEMO, version)
    assert schema_errors("POST", "/flavors/{id}/action", version, granted.json, "addTenantAccess") == []
    listed = admin("GET", f"/flavors/{private}/os-flavor-access", version=version)
    assert schema_errors("GET", "/flavors/{flavor_id}/os-flavor-access", version, listed.json) == []
    revoked = admin("POST", f"/flavors/{private}/action", {"removeTenantAccess": {"tenant": DEMO}}, version=version)
    assert schema_errors("POST", "/flavors/{id}/action", version, revoked.json, "removeTenantAccess") == []


def test_query_strings_are_refused_from_2_102(admin, private):
    assert admin("GET", f"/flavors/{private}/os-flavor-access?x=1", version="2.101").status_code == 200
    assert admin("GET", f"/flavors/{private}/os-flavor-access?x=1", version="2.102").status_code == 400
