"""``/os-quota-sets`` and ``/os-quota-class-sets`` through the HTTP layer: shapes per microversion, Nova's
validation and messages, member versus admin, per-user limits, and Nova's own response schemas."""
from __future__ import annotations

from typing import Any

import pytest
from support import server_api
from support.nova_reference import needs_shared, schema_errors

from fakenova.microversions import V, all_versions

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ALT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
VERSIONS = [str(version) for version in all_versions()]
ALWAYS = {"cores", "instances", "key_pairs", "metadata_items", "ram", "server_groups", "server_group_members"}
PERSONALITY = {"injected_files", "injected_file_content_bytes", "injected_file_path_bytes"}
NETWORK = {"fixed_ips", "floating_ips", "security_groups", "security_group_rules"}


class Api(server_api.Api):
    """The shared test API, plus a server boot with no network."""

    def boot(self, flavor: str = "1", **server: Any):
        body = {"name": "vm", "imageRef": IMAGE, "flavorRef": flavor, "networks": "none", **server}
        return self("POST", "/servers", {"server": body}, version="2.37")


# ``app`` is the shared one (tests/api/conftest.py); demo and admin use this module's Api
@pytest.fixture
def demo(app):
    return Api(app)


@pytest.fixture
def admin(app):
    return Api(app, "admin", "admin")


def fault(response) -> tuple:
    (name, body), = response.json.items()
    return response.status_code, name, body["message"]


def set_keys(version: str) -> set:
    keys = set(ALWAYS)
    keys |= PERSONALITY if V(version) < V("2.57") else set()
    keys |= NETWORK if V(version) < V("2.36") else set()
    return keys


def class_keys(version: str) -> set:
    keys = set(ALWAYS) - ({"server_groups", "server_group_members"} if V(version) < V("2.50") else set())
    keys |= PERSONALITY if V(version) < V("2.57") else set()
    keys |= NETWORK if V(version) < V("2.50") else set()
    return keys


@pytest.mark.parametrize("version", VERSIONS)
def test_every_body_has_novas_keys_at_every_version(demo, admin, version):
    for path in (f"/os-quota-sets/{DEMO}", f"/os-quota-sets/{DEMO}/defaults"):
        assert demo("GET", path, version=version).json["quota_set"].keys() == set_keys(version) | {"id"}
    detail = demo("GET", f"/os-quota-sets/{DEMO}/detail", version=version).json["quota_set"]
    assert detail.keys() == set_keys(version) | {"id"}
    assert all(row.keys() == {"in_use", "limit", "reserved"} for key, row in detail.items() if key != "id")
    updated = admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": 12}}, version=version)
    assert updated.status_code == 200 and updated.json["quota_set"].keys() == set_keys(version)  # no id
    shown = admin("GET", "/os-quota-class-sets/default", version=version).json["quota_class_set"]
    assert shown.keys() == class_keys(version) | {"id"} and shown["id"] == "default"
    changed = admin("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"cores": 30}}, version=version)
    assert changed.status_code == 200 and changed.json["quota_class_set"].keys() == class_keys(version)


@needs_shared
@pytest.mark.parametrize("version", VERSIONS)
def test_responses_validate_against_novas_schemas(demo, admin, version):
    demo.boot()
    calls = [
        (admin, "GET", "/os-quota-sets/{id}", f"/os-quota-sets/{DEMO}", None),
        (demo, "GET", "/os-quota-sets/{id}/detail", f"/os-quota-sets/{DEMO}/detail", None),
        (demo, "GET", "/os-quota-sets/{id}/defaults", f"/os-quota-sets/{DEMO}/defaults", None),
        (admin, "PUT", "/os-quota-sets/{id}", f"/os-quota-sets/{DEMO}", {"quota_set": {"cores": "25"}}),
        (admin, "GET", "/os-quota-class-sets/{id}", "/os-quota-class-sets/default", None),
        (admin, "PUT", "/os-quota-class-sets/{id}", "/os-quota-class-sets/default", {"quota_class_set": {"ram": 1}}),
    ]
    for api, method, template, path, body in calls:
        response = api(method, path, body, version=version)
        assert response.status_code == 200, (path, response.json)
        assert schema_errors(method, template, version, response.json) == [], (method, path)
    deleted = admin("DELETE", f"/os-quota-sets/{DEMO}", version=version)
    assert deleted.status_code == 202 and deleted.data == b""
    assert schema_errors("DELETE", "/os-quota-sets/{id}", version, None) == []


def test_defaults_are_novas(demo):
    quota_set = demo("GET", f"/os-quota-sets/{DEMO}/defaults").json["quota_set"]
    assert quota_set == {
        "id": DEMO, "instances": 10, "cores": 20, "ram": 51200, "metadata_items": 128, "key_pairs": 100,
        "server_groups": 10, "server_group_members": 10, "injected_files": 5, "injected_file_content_bytes": 10240,
        "injected_file_path_bytes": 255, "fixed_ips": -1, "floating_ips": -1, "security_groups": -1,
        "security_group_rules": -1}


def test_project_id_in_the_url_works_too(demo):
    response = demo.client.get(f"/compute/v2.1/{DEMO}/os-quota-sets/{DEMO}", headers={"X-Auth-Token": demo.token})
    assert response.status_code == 200 and response.json["quota_set"]["id"] == DEMO


@pytest.mark.parametrize("method, path, body, operation", [
    ("GET", f"/os-quota-sets/{ALT}", None, "os-quota-sets:show"),
    ("GET", f"/os-quota-sets/{ALT}/detail", None, "os-quota-sets:detail"),
    ("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": 1}}, "os-quota-sets:update"),
    ("DELETE", f"/os-quota-sets/{DEMO}", None, "os-quota-sets:delete"),
    ("GET", "/os-quota-class-sets/default", None, "os-quota-class-sets:show"),
    ("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"instances": 1}}, "os-quota-class-sets:update"),
])
def test_members_are_refused_with_novas_policy_message(demo, method, path, body, operation):
    rule = "os_compute_api:" + operation
    assert fault(demo(method, path, body)) == (403, "forbidden", f"Policy doesn't allow {rule} to be performed.")


def test_members_read_their_own_project_and_any_defaults(demo):
    assert demo("GET", f"/os-quota-sets/{DEMO}").status_code == 200
    assert demo("GET", f"/os-quota-sets/{DEMO}/detail").status_code == 200
    # Keystone will not tell a member whether another project exists, so Nova shows the defaults anyway
    assert demo("GET", "/os-quota-sets/anything/defaults").json["quota_set"]["id"] == "anything"


def test_admins_read_any_project_and_are_told_of_unknown_ones(admin):
    assert admin("GET", f"/os-quota-sets/{ALT}").json["quota_set"]["id"] == ALT
    for path in ("/os-quota-sets/demo", "/os-quota-sets/demo/detail", "/os-quota-sets/demo/defaults"):
        assert fault(admin("GET", path)) == (400, "badRequest", "Project ID demo is not a valid project.")
    refused = admin("PUT", "/os-quota-sets/nope", {"quota_set": {"instances": 1}})
    assert fault(refused) == (400, "badRequest", "Project ID nope is not a valid project.")
    assert admin("DELETE", "/os-quota-sets/nope").status_code == 202  # Nova does not check on delete


@pytest.mark.parametrize("version, quota_set, message", [
    ("2.1", {"instances": "ten"}, "Invalid input for field/attribute instances. Value: ten. 'ten' does not match "
                                  "'^-?[0-9]+$'"),
    ("2.1", {"cores": 1.5}, "Invalid input for field/attribute cores. Value: 1.5. 1.5 is not of type 'integer', "
                            "'string'"),
    ("2.1", {"ram": -2}, "Invalid input for field/attribute ram. Value: -2. -2 is less than the minimum of -1"),
    ("2.1", {"ram": "2147483648"}, "Invalid input for field/attribute ram. Value: 2147483648. 2147483648 is "
                                   "greater than the maximum of 2147483647"),
    ("2.1", {"force": "maybe"}, "Invalid input for field/attribute force. Value: maybe. 'maybe' is not one of "
                                "[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, "
                                "'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']"),
    ("2.1", {"networks": 1}, "Invalid input for field/attribute quota_set. Value: {'networks': 1}. Additional "
                             "properties are not allowed ('networks' was unexpected)"),
    ("2.36", {"floating_ips": 1}, "Invalid input for field/attribute quota_set. Value: {'floating_ips': 1}. "
                                  "Additional properties are not allowed ('floating_ips' was unexpected)"),
    ("2.57", {"injected_files": 1}, "Invalid input for field/attribute quota_set. Value: {'injected_files': 1}. "
                                    "Additional properties are not allowed ('injected_files' was unexpected)"),
])
def test_update_validation_messages(admin, version, quota_set, message):
    assert fault(admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": quota_set}, version=version)) == (
        400, "badRequest", message)


def test_update_without_quota_set_and_with_extra_keys(admin):
    assert fault(admin("PUT", f"/os-quota-sets/{DEMO}", {})) == (
        400, "badRequest", "'quota_set' is a required property")
    assert fault(admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {}, "x": 1})) == (
        400, "badRequest", "Additional properties are not allowed ('x' was unexpected)")


def test_update_accepts_strings_and_unlimited(admin, demo):
    body = admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": "-1", "cores": "50"}}).json
    assert body["quota_set"]["instances"] == -1 and body["quota_set"]["cores"] == 50
    assert demo("GET", f"/os-quota-sets/{DEMO}").json["quota_set"]["instances"] == -1


def test_update_below_usage_needs_force(admin, demo):
    for _ in range(3):
        assert demo.boot().status_code == 202
    refused = admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"ram": 100000, "instances": 2}})
    assert fault(refused) == (400, "badRequest", "Quota limit 2 for instances must be greater than or equal to "
                                                 "already used and reserved 3.")
    assert demo("GET", f"/os-quota-sets/{DEMO}").json["quota_set"]["ram"] == 51200  # nothing written
    forced = admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": 2, "force": "True"}})
    assert forced.status_code == 200 and forced.json["quota_set"]["instances"] == 2
    assert fault(demo.boot()) == (403, "forbidden", "Quota exceeded for instances: Requested 1, but already used "
                                                    "3 of 2 instances")


def test_per_user_limits_round_trip(app, admin, demo):
    path = f"/os-quota-sets/{DEMO}?user_id={DEMO_USER}"
    assert admin("PUT", path, {"quota_set": {"instances": 11}}).json == fault_body(
        "badRequest", "Quota limit 11 for instances must be less than or equal to 10.")
    assert admin("PUT", path, {"quota_set": {"instances": 1}}).json["quota_set"]["instances"] == 1
    assert demo("GET", path).json["quota_set"]["instances"] == 1
    assert demo("GET", f"/os-quota-sets/{DEMO}").json["quota_set"]["instances"] == 10
    assert demo.boot().status_code == 202
    detail = demo("GET", f"/os-quota-sets/{DEMO}/detail?user_id={DEMO_USER}").json["quota_set"]
    assert detail["instances"] == {"in_use": 1, "limit": 1, "reserved": 0}
    assert fault(demo.boot()) == (403, "forbidden", "Quota exceeded for instances: Requested 1, but already used "
                                                    "1 of 1 instances")
    assert Api(app, "admin", "demo").boot().status_code == 202  # other users of demo still can
    assert admin("DELETE", path).status_code == 202
    assert demo("GET", path).json["quota_set"]["instances"] == 10
    assert demo.boot().status_code == 202


def fault_body(name: str, message: str) -> dict:
    code = {"badRequest": 400, "forbidden": 403}[name]
    return {name: {"code": code, "message": message}}


def test_delete_drops_project_and_user_limits(admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"cores": 5}})
    admin("PUT", f"/os-quota-sets/{DEMO}?user_id={DEMO_USER}", {"quota_set": {"cores": 4}})
    assert admin("DELETE", f"/os-quota-sets/{DEMO}").status_code == 202
    assert demo("GET", f"/os-quota-sets/{DEMO}?user_id={DEMO_USER}").json["quota_set"]["cores"] == 20


def test_class_default_moves_every_projects_defaults(admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": 7}})
    changed = admin("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"instances": 3, "cores": "4"}})
    assert changed.json["quota_class_set"]["instances"] == 3 and changed.json["quota_class_set"]["cores"] == 4
    assert demo("GET", f"/os-quota-sets/{DEMO}/defaults").json["quota_set"]["instances"] == 3
    shown = demo("GET", f"/os-quota-sets/{DEMO}").json["quota_set"]
    assert (shown["instances"], shown["cores"]) == (7, 4)  # the project's own limit wins over the class
    assert admin("GET", f"/os-quota-sets/{ALT}").json["quota_set"]["instances"] == 3
    assert admin("GET", "/os-quota-class-sets/gold").json["quota_class_set"]["instances"] == 10


def test_class_sets_accept_server_groups_before_showing_them(admin):
    body = {"quota_class_set": {"server_groups": 3, "fixed_ips": 2}}
    assert "server_groups" not in admin("PUT", "/os-quota-class-sets/default", body, version="2.49").json[
        "quota_class_set"]
    assert admin("GET", "/os-quota-class-sets/default", version="2.50").json["quota_class_set"]["server_groups"] == 3
    refused = admin("PUT", "/os-quota-class-sets/default", body, version="2.50")
    assert refused.status_code == 400 and "'fixed_ips' was unexpected" in refused.json["badRequest"]["message"]
    long_name = admin("PUT", "/os-quota-class-sets/" + "x" * 256, {"quota_class_set": {}})
    assert fault(long_name) == (400, "badRequest", "Invalid input received: quota_class_name has more than 255 "
                                                   "characters.")


@pytest.mark.parametrize("path", [f"/os-quota-sets/{DEMO}", f"/os-quota-sets/{DEMO}/detail"])
def test_unknown_query_parameters_are_refused_from_2_75(demo, path):
    assert demo("GET", path + "?foo=1", version="2.74").status_code == 200
    refused = demo("GET", path + "?foo=1", version="2.75")
    assert fault(refused) == (400, "badRequest", "Additional properties are not allowed ('foo' was unexpected)")
    assert demo("GET", f"/os-quota-sets/{DEMO}/defaults?foo=1", version="2.102").status_code == 200


def test_class_show_refuses_unknown_query_parameters_from_2_102(admin):
    assert admin("GET", "/os-quota-class-sets/default?foo=1", version="2.101").status_code == 200
    assert admin("GET", "/os-quota-class-sets/default?foo=1", version="2.102").status_code == 400


def test_blank_user_id_means_the_project(admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}?user_id=", {"quota_set": {"cores": 9}})
    assert demo("GET", f"/os-quota-sets/{DEMO}").json["quota_set"]["cores"] == 9
    assert demo("GET", f"/os-quota-sets/{DEMO}/detail?user_id=").json["quota_set"]["cores"]["limit"] == 9
