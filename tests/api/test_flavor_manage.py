"""``POST``, ``PUT`` and ``DELETE /flavors`` through the HTTP layer: ids, defaults and conversions, each
microversion boundary of the bodies, Nova's policy refusals and conflicts, and Nova's own response schemas."""
from __future__ import annotations

import uuid

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, PRIVATE, Api, fault

from fakenova.microversions import V

FLAVOR = {"name": "custom", "ram": 1024, "vcpus": 2, "disk": 10}
BOUNDARIES = ["2.1", "2.54", "2.55", "2.60", "2.61", "2.74", "2.75", "2.101", "2.102"]


@pytest.fixture
def alt(app):
    return Api(app, "alt_demo", "alt_demo")


def create(api: Api, version: str = "2.1", **fields):
    return api("POST", "/flavors", {"flavor": {**FLAVOR, **fields}}, version=version)


@pytest.mark.parametrize("given, stored", [(77, "77"), ("my-flavor.1", "my-flavor.1"), (1.5, "1.5"),
                                           ("0c6b2a1e-3f1d-4b5e-9a7c-2d4e6f8a0b1c",
                                            "0c6b2a1e-3f1d-4b5e-9a7c-2d4e6f8a0b1c")])
def test_create_keeps_the_given_id_as_text(admin, given, stored):
    response = create(admin, id=given)
    assert response.status_code == 200, response.json
    assert response.json["flavor"]["id"] == stored
    assert admin("GET", f"/flavors/{stored}").json["flavor"]["name"] == "custom"


@pytest.mark.parametrize("given", [None, 0, "absent"])
def test_create_generates_a_uuid_for_no_id(admin, given):
    response = create(admin) if given == "absent" else create(admin, id=given)
    assert response.status_code == 200, response.json
    assert str(uuid.UUID(response.json["flavor"]["id"])) == response.json["flavor"]["id"]


def test_create_defaults_and_conversions(admin):
    flavor = create(admin, ram="2048", vcpus="4", disk="0").json["flavor"]
    assert flavor == {
        "id": flavor["id"], "name": "custom", "ram": 2048, "disk": 0, "swap": "", "vcpus": 4,
        "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": False, "os-flavor-access:is_public": True,
        "rxtx_factor": 1.0, "links": flavor["links"]}
    full = create(admin, id="full", name="full", swap="512", rxtx_factor="2.5",
                  **{"OS-FLV-EXT-DATA:ephemeral": 5, "os-flavor-access:is_public": "no"}).json["flavor"]
    assert (full["swap"], full["rxtx_factor"], full["OS-FLV-EXT-DATA:ephemeral"]) == (512, 2.5, 5)
    assert full["os-flavor-access:is_public"] is False


@pytest.mark.parametrize("version, shown", [("2.74", ""), ("2.75", 0)])
def test_swap_default_changes_at_2_75(admin, version, shown):
    assert create(admin, version).json["flavor"]["swap"] == shown


@pytest.mark.parametrize("version, accepted", [("2.54", False), ("2.55", True)])
def test_description_arrives_at_2_55(admin, version, accepted):
    response = create(admin, version, description="for tests")
    assert response.status_code == (200 if accepted else 400), response.json
    if accepted:
        assert response.json["flavor"]["description"] == "for tests"
    else:
        assert "'description' was unexpected" in fault(response)


@pytest.mark.parametrize("version, accepted", [("2.101", True), ("2.102", False)])
def test_rxtx_factor_leaves_create_at_2_102(admin, version, accepted):
    response = create(admin, version, rxtx_factor=2)
    assert response.status_code == (200 if accepted else 400), response.json
    if accepted:
        assert response.json["flavor"]["rxtx_factor"] == 2.0


@pytest.mark.parametrize("field, value", [("ram", 0), ("vcpus", 0), ("disk", -1), ("ram", "1.5"),
                                          ("swap", 2 ** 31), ("rxtx_factor", 0), ("id", " padded"),
                                          ("id", ""), ("name", " x"), ("os-flavor-access:is_public", "maybe")])
def test_create_refuses_bad_values(admin, field, value):
    response = create(admin, **{field: value})
    assert response.status_code == 400, response.json
    assert fault(response).startswith(("Invalid input for field/attribute", "An invalid 'name' value"))


def test_a_float_size_is_refused_as_nova_refuses_it(admin):
    response = create(admin, ram=512.0)
    assert response.status_code == 400
    assert fault(response) == "Invalid input received: ram must be an integer"


def test_a_zero_rxtx_factor_string_passes_the_schema_but_not_nova(admin):
    response = create(admin, rxtx_factor="0")
    assert response.status_code == 400
    assert fault(response) == "Invalid input received: 'rxtx_factor' argument must be a float between 0 and 3.40282e+38"


def test_duplicates_conflict_with_novas_messages(admin):
    assert create(admin, id="dup").status_code == 200
    same_id = create(admin, id="dup", name="other")
    assert same_id.status_code == 409 and fault(same_id) == "Flavor with ID dup already exists."
    same_name = create(admin, id="other")
    assert same_name.status_code == 409 and fault(same_name) == "Flavor with name custom already exists."
    seeded = create(admin, id="1", name="whatever")
    assert seeded.status_code == 409 and fault(seeded) == "Flavor with ID 1 already exists."


@pytest.mark.parametrize("who", ["demo", "alt"])
@pytest.mark.parametrize("method, path, body, rule", [
    ("POST", "/flavors", {"flavor": FLAVOR}, "os_compute_api:os-flavor-manage:create"),
    ("PUT", "/flavors/1", {"flavor": {"description": "x"}}, "os_compute_api:os-flavor-manage:update"),
    ("DELETE", "/flavors/1", None, "os_compute_api:os-flavor-manage:delete"),
])
def test_members_get_novas_policy_refusal(demo, alt, who, method, path, body, rule):
    api = demo if who == "demo" else alt
    response = api(method, path, body, version="2.55")
    assert response.status_code == 403
    assert fault(response) == f"Policy doesn't allow {rule} to be performed."


def test_the_body_is_checked_before_the_role(demo):
    response = demo("POST", "/flavors", {"flavor": {"name": "x"}})
    assert response.status_code == 400


@pytest.mark.parametrize("version, status", [("2.54", 404), ("2.55", 200)])
def test_update_exists_from_2_55(admin, version, status):
    response = admin("PUT", "/flavors/1", {"flavor": {"description": "tiny"}}, version=version)
    assert response.status_code == status
    if status == 200:
        assert response.json["flavor"]["description"] == "tiny"
        assert admin("GET", "/flavors/1", version="2.55").json["flavor"]["description"] == "tiny"


def test_update_refusals(admin):
    missing = admin("PUT", "/flavors/nope", {"flavor": {"description": None}}, version="2.55")
    assert missing.status_code == 404 and fault(missing) == "Flavor nope could not be found."
    no_description = admin("PUT", "/flavors/1", {"flavor": {"name": "x"}}, version="2.55")
    assert no_description.status_code == 400
    cleared = admin("PUT", "/flavors/1", {"flavor": {"description": None}}, version="2.55")
    assert cleared.status_code == 200 and cleared.json["flavor"]["description"] is None


def test_delete_then_gone(admin):
    create(admin, id="gone")
    response = admin("DELETE", "/flavors/gone")
    assert response.status_code == 202 and response.data == b""
    assert admin("GET", "/flavors/gone").status_code == 404
    again = admin("DELETE", "/flavors/gone")
    assert again.status_code == 404 and fault(again) == "Flavor gone could not be found."
    assert create(admin, id="gone").status_code == 200  # the id and name are free again


def test_servers_keep_a_deleted_flavor(admin, demo):
    create(admin, id="used", name="used")
    server_id = demo.server(flavorRef="used")
    assert admin("DELETE", "/flavors/used").status_code == 202
    shown = demo("GET", f"/servers/{server_id}", version="2.47").json["server"]
    assert shown["flavor"]["original_name"] == "used" and shown["flavor"]["vcpus"] == 2
    assert demo("GET", f"/servers/{server_id}").json["server"]["flavor"]["id"] == "used"


def test_private_flavors_are_hidden_from_other_projects(admin, demo):
    create(admin, id="priv", name="priv", **{"os-flavor-access:is_public": False})
    assert "priv" not in [f["id"] for f in demo("GET", "/flavors").json["flavors"]]
    assert "priv" in [f["id"] for f in admin("GET", "/flavors?is_public=false").json["flavors"]]
    assert demo("GET", "/flavors/priv").status_code == 404
    boot = demo("POST", "/servers", {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "priv",
                                                "networks": [{"uuid": PRIVATE}]}})
    assert boot.status_code == 400 and fault(boot) == "Flavor priv could not be found."


@needs_shared
@pytest.mark.parametrize("version", BOUNDARIES)
def test_responses_validate_against_novas_schemas(admin, version):
    created = create(admin, version, id="schema")
    assert created.status_code == 200
    assert schema_errors("POST", "/flavors", version, created.json) == []
    if V(version) >= V("2.55"):
        updated = admin("PUT", "/flavors/schema", {"flavor": {"description": "d"}}, version=version)
        assert schema_errors("PUT", "/flavors/{id}", version, updated.json) == []
    assert admin("DELETE", "/flavors/schema", version=version).status_code == 202
