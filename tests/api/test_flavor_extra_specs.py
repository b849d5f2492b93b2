"""``/flavors/{id}/os-extra_specs`` through the HTTP layer: set, read, update and delete, who may, the 2.61
embedding in flavor bodies and the 2.86 validation, with Nova's messages."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import fault

from fakenova.domain import extra_spec_rules

SPECS = "/flavors/1/os-extra_specs"


def put_specs(api, specs, version="2.1"):
    return api("POST", SPECS, {"extra_specs": specs}, version=version)


def test_set_read_update_delete(admin, demo):
    created = put_specs(admin, {"hw:cpu_policy": "dedicated", "answer": 42})
    assert created.status_code == 200
    assert created.json == {"extra_specs": {"hw:cpu_policy": "dedicated", "answer": 42}}  # echoed as sent
    assert demo("GET", SPECS).json == {"extra_specs": {"hw:cpu_policy": "dedicated", "answer": "42"}}
    assert demo("GET", f"{SPECS}/answer").json == {"answer": "42"}
    updated = admin("PUT", f"{SPECS}/answer", {"answer": "43"})
    assert updated.status_code == 200 and updated.json == {"answer": "43"}
    deleted = admin("DELETE", f"{SPECS}/answer")
    assert deleted.status_code == 200 and deleted.data == b""
    assert demo("GET", SPECS).json == {"extra_specs": {"hw:cpu_policy": "dedicated"}}


@pytest.mark.parametrize("version, embedded", [("2.60", False), ("2.61", True)])
def test_flavor_bodies_embed_extra_specs_from_2_61(admin, demo, version, embedded):
    put_specs(admin, {"k": "v"})
    shown = demo("GET", "/flavors/1", version=version).json["flavor"]
    assert ("extra_specs" in shown) is embedded
    if embedded:
        assert shown["extra_specs"] == {"k": "v"}
        created = admin("POST", "/flavors", {"flavor": {"name": "n", "ram": 1, "vcpus": 1, "disk": 0}},
                        version=version)
        assert created.json["flavor"]["extra_specs"] == {}


def test_missing_keys_and_flavors(admin):
    missing = admin("GET", f"{SPECS}/nope")
    assert missing.status_code == 404 and fault(missing) == "Flavor 1 has no extra specs with key nope."
    gone = admin("DELETE", f"{SPECS}/nope")
    assert gone.status_code == 404 and fault(gone) == "Flavor 1 has no extra specs with key nope."
    no_flavor = admin("POST", "/flavors/none/os-extra_specs", {"extra_specs": {"a": "b"}})
    assert no_flavor.status_code == 404 and fault(no_flavor) == "Flavor none could not be found."


def test_update_refusals(admin):
    mismatch = admin("PUT", f"{SPECS}/a", {"b": "1"})
    assert mismatch.status_code == 400 and fault(mismatch) == "Request body and URI mismatch"
    assert admin("PUT", f"{SPECS}/a", {"a": "1", "b": "2"}).status_code == 400
    assert admin("PUT", f"{SPECS}/a", {}).status_code == 400


@pytest.mark.parametrize("specs", [{"bad/key": "v"}, {"k": "x" * 256}, {"k": True}, {"k": None}, {"k": {}}])
def test_bodies_are_checked(admin, specs):
    assert put_specs(admin, specs).status_code == 400


def test_a_long_number_is_measured_as_text(admin):
    response = put_specs(admin, {"k": 10 ** 300})
    assert response.status_code == 400
    assert fault(response) == "Invalid input received: extra_specs value has more than 255 characters."


@pytest.mark.parametrize("method, path, body, rule", [
    ("POST", SPECS, {"extra_specs": {"a": "b"}}, "os_compute_api:os-flavor-extra-specs:create"),
    ("PUT", f"{SPECS}/a", {"a": "b"}, "os_compute_api:os-flavor-extra-specs:update"),
    ("DELETE", f"{SPECS}/a", None, "os_compute_api:os-flavor-extra-specs:delete"),
])
def test_members_may_read_but_not_write(demo, method, path, body, rule):
    response = demo(method, path, body)
    assert response.status_code == 403
    assert fault(response) == f"Policy doesn't allow {rule} to be performed."
    assert demo("GET", SPECS).status_code == 200


@pytest.mark.parametrize("key, value, message", [
    ("hw:cpu_policy", "x", "'x' is not one of: dedicated, shared, mixed."),
    ("hw:numa_nodes", "0", "'0' is less than the min value of '1'."),
    ("hw:redirected_usb_ports", "16", "'16' is greater than the max value of '15'."),
    ("hw:numa_nodes", "two", "'two' is not a valid integer value."),
    ("hw:cpu_realtime", "maybe", "'maybe' is not a valid boolean-like value."),
    ("hw:mem_page_size", "huge", "'huge' is not of the format '(large|small|any|\\d+([kKMGT]i?)?(b|bit|B)?)'."),
    ("hw:numa_mem.0", "0", "'0' is less than the min value of '1'."),
    ("resources1:VCPU", "a", "'a' is not a valid integer value."),
    ("resources:CUSTOM_GOLD", "a", "'a' is not a valid integer value."),
    ("trait:CUSTOM_FAST", "maybe", "'maybe' is not one of: required, forbidden."),
    ("hw:no_such_thing", "1", "extra spec 'hw:no_such_thing' does not appear to be a valid extra spec."),
    ("quota:nope", "1", "extra spec 'quota:nope' does not appear to be a valid extra spec."),
    ("resources_G1:NOT_A_CLASS", "1",
     "extra spec 'resources_G1:NOT_A_CLASS' does not appear to be a valid extra spec."),
])
@pytest.mark.parametrize("version", ["2.85", "2.86"])
def test_known_namespaces_are_validated_from_2_86(admin, key, value, message, version):
    response = put_specs(admin, {key: value}, version)
    if version == "2.85":
        assert response.status_code == 200
    else:
        assert response.status_code == 400 and fault(response) == f"Validation failed; {message}"
        assert admin("PUT", f"{SPECS}/{key}", {key: value}, version=version).status_code == 400


@pytest.mark.parametrize("key, value", [
    ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", 2), ("hw:cpu_realtime", "yes"), ("hw:mem_page_size", "2MB"),
    ("hw:numa_cpus.1", "0-3,^2"), ("resources:VCPU", "0"), ("resources_gpu:CUSTOM_X", "1"),
    ("trait:HW_CPU_X86_AVX2", "required"), ("group_policy", "none"), ("capabilities:cpu_info:vendor", "Intel"),
    ("aggregate_instance_extra_specs:ssd", "true"), ("pci_passthrough:alias", "a1:2, b:1"),
    ("unknown:anything", "x"), ("plain", "x"), ("quota:cpu_quota", "-1"),
])
def test_valid_and_unknown_namespace_specs_pass_at_2_86(admin, key, value):
    assert put_specs(admin, {key: value}, "2.86").status_code == 200


@pytest.mark.parametrize("rule", [rule for rule in extra_spec_rules.RULES if rule.enum],
                         ids=lambda rule: rule.name)
def test_every_enum_rule_takes_its_choices_only(rule):
    name = rule.name.format(**{param: "1" for param in rule.params})
    for choice in rule.enum:
        extra_spec_rules.validate(name, choice)
    with pytest.raises(extra_spec_rules.InvalidExtraSpec, match="is not one of"):
        extra_spec_rules.validate(name, "not-a-choice")


@pytest.mark.parametrize("rule", [rule for rule in extra_spec_rules.RULES if rule.kind == "int"],
                         ids=lambda rule: rule.name)
def test_every_integer_rule_holds_its_bounds(rule):
    name = rule.name.format(**{param: "X" if param == "resource" else "1" for param in rule.params})
    assert extra_spec_rules.rule_for(name) is rule
    extra_spec_rules.validate(name, str(rule.minimum if rule.minimum is not None else -5))
    if rule.minimum is not None:
        with pytest.raises(extra_spec_rules.InvalidExtraSpec, match="less than the min"):
            extra_spec_rules.validate(name, str(rule.minimum - 1))


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.86", "2.102"])
def test_responses_validate_against_novas_schemas(admin, version):
    created = put_specs(admin, {"hw:cpu_policy": "shared", "n": 1}, version)
    assert schema_errors("POST", "/flavors/{flavor_id}/os-extra_specs", version, created.json) == []
    listed = admin("GET", SPECS, version=version)
    assert schema_errors("GET", "/flavors/{flavor_id}/os-extra_specs", version, listed.json) == []
    shown = admin("GET", f"{SPECS}/n", version=version)
    assert schema_errors("GET", "/flavors/{flavor_id}/os-extra_specs/{id}", version, shown.json) == []
    updated = admin("PUT", f"{SPECS}/n", {"n": 2}, version=version)
    assert schema_errors("PUT", "/flavors/{flavor_id}/os-extra_specs/{id}", version, updated.json) == []
    detail = admin("GET", "/flavors/detail", version=version)
    assert schema_errors("GET", "/flavors/detail", version, detail.json) == []
