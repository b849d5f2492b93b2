"""Request validation: Nova's messages and formats, the schema tables, a cross-check with Nova's schemas.

The cross-check needs Nova's generated schemas in ``../shared`` and skips cleanly without them; everything
else runs on a fresh clone.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from jsonschema import Draft202012Validator

from fakenova.api.compute.schemas import servers
from fakenova.api.schema_types import extend
from fakenova.api.validation import FORMAT_CHECKER, validate_body, validate_query, validator_for
from fakenova.domain import errors
from fakenova.microversions import MAX_VERSION, V, Version, Versioned, all_versions

REPO_ROOT = Path(__file__).resolve().parents[2]
NOVA_GENERATED = REPO_ROOT.parent / "shared" / "reference" / "nova" / "generated"

IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"
NET = "3cb9bc59-5699-4588-a4b1-b87f96708bc6"
PORT = "ce531f90-199f-48c0-816c-13e38010b442"
GOOD_NETWORKS = [{"uuid": NET}]


def server(*, drop: Tuple[str, ...] = (), **fields: Any) -> Dict[str, Any]:
    """A create body valid at every version, with ``fields`` added or replaced and ``drop`` removed."""
    base = {"name": "web-1", "flavorRef": "1", "imageRef": IMAGE, "networks": GOOD_NETWORKS}
    return {"server": {key: value for key, value in {**base, **fields}.items() if key not in drop}}


def bdm(**fields: Any) -> Dict[str, Any]:
    return server(block_device_mapping_v2=[{"boot_index": 0, "uuid": IMAGE, "source_type": "image",
                                            "destination_type": "volume", "volume_size": 1, **fields}])


CREATE_CORPUS: Dict[str, Any] = {
    "minimal": server(),
    "no-image-with-bdm": bdm(),
    "networks-missing": server(drop=("networks",)),
    "networks-auto": server(networks="auto"),
    "networks-none": server(networks="none"),
    "networks-bad-word": server(networks="all"),
    "networks-empty-list": server(networks=[]),
    "network-uuid-not-uuid": server(networks=[{"uuid": "private"}]),
    "network-uuid-upper": server(networks=[{"uuid": NET.upper()}]),
    "network-uuid-no-hyphens": server(networks=[{"uuid": NET.replace("-", "")}]),
    "network-port-null": server(networks=[{"uuid": NET, "port": None}]),
    "network-port-bad": server(networks=[{"port": "port-1"}]),
    "network-fixed-ip-v4": server(networks=[{"uuid": NET, "fixed_ip": "10.0.0.5"}]),
    "network-fixed-ip-v6": server(networks=[{"uuid": NET, "fixed_ip": "fd00::5"}]),
    "network-fixed-ip-bad": server(networks=[{"uuid": NET, "fixed_ip": "10.0.0.300"}]),
    "network-tag": server(networks=[{"uuid": NET, "tag": "nic1"}]),
    "network-unknown-key": server(networks=[{"uuid": NET, "mac": "fa:16:3e:00:00:01"}]),
    "name-missing": server(drop=("name",)),
    "name-leading-space": server(name=" web"),
    "name-trailing-space": server(name="web "),
    "name-inner-space": server(name="web server"),
    "name-empty": server(name=""),
    "name-256": server(name="a" * 256),
    "name-int": server(name=123),
    "name-tab": server(name="web\t1"),
    "name-unicode": server(name="сервер-é"),
    "name-emoji": server(name="web\U0001F600"),
    "flavor-int": server(flavorRef=1),
    "flavor-empty": server(flavorRef=""),
    "flavor-null": server(flavorRef=None),
    "flavor-list": server(flavorRef=["1"]),
    "flavor-url": server(flavorRef="http://openstack.example.com/flavors/1"),
    "flavor-missing": server(drop=("flavorRef",)),
    "image-empty": server(imageRef=""),
    "image-not-uuid": server(imageRef="cirros"),
    "image-upper": server(imageRef=IMAGE.upper()),
    "image-url": server(imageRef=f"http://glance.example.com/images/{IMAGE}"),
    "description": server(description="my server"),
    "description-null": server(description=None),
    "description-256": server(description="d" * 256),
    "description-control-char": server(description="bell\x07"),
    "tags": server(tags=["a", "b"]),
    "tags-comma": server(tags=["a,b"]),
    "tags-51": server(tags=[f"t{i}" for i in range(51)]),
    "personality": server(personality=[{"path": "/etc/motd", "contents": "aGVsbG8="}]),
    "personality-not-base64": server(personality=[{"path": "/etc/motd", "contents": "hello!"}]),
    "user-data": server(user_data="IyEvYmluL3NoCmVjaG8gaGk="),
    "user-data-wrapped": server(user_data="IyEvYmluL3No\nCmVjaG8gaGk="),
    "user-data-not-base64": server(user_data="hello!"),
    "user-data-only-junk": server(user_data="%%%"),  # valid in Nova: b64decode skips non-alphabet characters
    "user-data-bad-padding": server(user_data="abc"),
    "user-data-too-long": server(user_data="A" * 65536),
    "user-data-max": server(user_data="A" * 65532),
    "user-data-null": server(user_data=None),
    "metadata": server(metadata={"role": "web", "a b:c.d_e-f": "x"}),
    "metadata-bad-key": server(metadata={"bad/key": "v"}),
    "metadata-long-value": server(metadata={"k": "v" * 256}),
    "metadata-int-value": server(metadata={"k": 1}),
    "min-count-0": server(min_count=0),
    "min-count-str": server(min_count="2"),
    "min-count-str-0": server(min_count="0"),
    "min-count-word": server(min_count="two"),
    "max-count-negative": server(max_count=-1),
    "max-count-float": server(max_count=1.5),
    "reservation-yes": server(return_reservation_id="yes"),
    "reservation-maybe": server(return_reservation_id="maybe"),
    "config-drive-on": server(config_drive="On"),
    "config-drive-int": server(config_drive=1),
    "bdm-tag": bdm(tag="disk1"),
    "bdm-volume-type": bdm(volume_type="ssd"),
    "bdm-volume-type-null": bdm(volume_type=None),
    "bdm-boot-index-str": bdm(boot_index="0"),
    "bdm-boot-index-null": bdm(boot_index=None),
    "bdm-boot-index-word": bdm(boot_index="first"),
    "bdm-volume-size-0": bdm(volume_size="0"),
    "bdm-unknown-key": bdm(size=1),
    "bdm-legacy": server(block_device_mapping=[{"device_name": "vda", "volume_id": NET,
                                                 "volume_size": "10"}]),
    "bdm-legacy-device-space": server(block_device_mapping=[{"device_name": "vd a", "volume_id": NET}]),
    "host": server(host="compute-1"),
    "host-bad": server(host="compute 1"),
    "hypervisor-hostname": server(hypervisor_hostname="compute-1.example.com"),
    "trusted-certs": server(trusted_image_certificates=["cert-1"]),
    "trusted-certs-empty": server(trusted_image_certificates=[]),
    "trusted-certs-null": server(trusted_image_certificates=None),
    "trusted-certs-dup": server(trusted_image_certificates=["a", "a"]),
    "hostname-label": server(hostname="web-1"),
    "hostname-fqdn": server(hostname="web-1.example.com"),
    "hostname-one-char": server(hostname="w"),
    "hostname-leading-dash": server(hostname="-web"),
    "security-groups": server(security_groups=[{"name": "default"}]),
    "security-groups-space": server(security_groups=[{"name": " default"}]),
    "az": server(availability_zone="nova"),
    "az-host": server(availability_zone="nova:compute-1"),
    "az-leading-space": server(availability_zone=" nova"),
    "access-ipv4": server(accessIPv4="192.0.2.1", accessIPv6="2001:db8::1"),
    "access-ipv4-bad": server(accessIPv4="192.0.2"),
    "access-ipv6-bad": server(accessIPv6="2001:db8::g"),
    "disk-config": server(**{"OS-DCF:diskConfig": "AUTO"}),
    "disk-config-lower": server(**{"OS-DCF:diskConfig": "auto"}),
    "admin-pass": server(adminPass="s3cret"),
    "unknown-server-key": server(flavor="1"),
    "unknown-top-key": {**server(), "foo": 1},
    "hints": {**server(), "os:scheduler_hints": {"group": IMAGE, "custom": 1}},
    "hints-group-list": {**server(), "OS-SCH-HNT:scheduler_hints": {"group": [IMAGE]}},
    "hints-bad-ip": {**server(), "os:scheduler_hints": {"build_near_host_ip": "near"}},
    "hints-bad-cidr": {**server(), "os:scheduler_hints": {"cidr": "24"}},
    "server-missing": {},
    "server-not-object": {"server": "web-1"},
    "body-list": [server()],
    "body-null": None,
}

UPDATE_CORPUS: Dict[str, Any] = {
    "empty-server": {"server": {}},
    "name": {"server": {"name": "web-2"}},
    "name-leading-space": {"server": {"name": " web"}},
    "name-empty": {"server": {"name": ""}},
    "description": {"server": {"description": "hello"}},
    "description-null": {"server": {"description": None}},
    "hostname-label": {"server": {"hostname": "web-2"}},
    "hostname-fqdn": {"server": {"hostname": "web-2.example.com"}},
    "hostname-64": {"server": {"hostname": "h" * 64}},
    "pinned-az": {"server": {"pinned_availability_zone": "nova"}},
    "pinned-az-null": {"server": {"pinned_availability_zone": None}},
    "pinned-az-empty": {"server": {"pinned_availability_zone": ""}},
    "access-ipv4-bad": {"server": {"accessIPv4": "300.1.1.1"}},
    "disk-config": {"server": {"OS-DCF:diskConfig": "MANUAL"}},
    "unknown-key": {"server": {"flavorRef": "2"}},
    "server-missing": {},
    "top-level-extra": {"server": {}, "extra": True},
    "server-null": {"server": None},
}

QUERY_CORPUS: Dict[str, Dict[str, List[str]]] = {
    "limit": {"limit": ["10"]},
    "limit-negative": {"limit": ["-1"]},
    "limit-word": {"limit": ["ten"]},
    "marker": {"marker": [IMAGE]},
    "name-regex": {"name": ["^web-[0-9]+$"]},
    "name-bad-regex": {"name": ["(unclosed"]},
    "status": {"status": ["ACTIVE", "ERROR"]},
    "all-tenants": {"all_tenants": [""]},
    "sort-locked": {"sort_key": ["locked"]},
    "sort-id": {"sort_key": ["id"]},
    "sort-bogus": {"sort_key": ["bogus"]},
    "changes-since": {"changes-since": ["2015-08-27T09:49:58-05:00"]},
    "changes-since-bad": {"changes-since": ["yesterday"]},
    "changes-before": {"changes-before": ["2015-08-27T09:49:58Z"]},
    "tags": {"tags": ["a,b"]},
    "locked": {"locked": ["true"]},
    "unknown": {"foo": ["1"]},
    "underscore": {"_private": ["1"]},
}


def messages(schema: Dict[str, Any], instance: Any) -> List[str]:
    """Every error (path and message), sorted: an order-free picture of what a schema says of a body."""
    return sorted(f"{list(e.path)} {e.message}" for e in validator_for(schema).iter_errors(instance))


# --- cross-check against Nova's own schemas (needs ../shared) ----------------------------------------

class NovaSchemas:
    """Nova's generated request/query schemas, picked per microversion as operations.json maps them."""

    def __init__(self, generated: Path) -> None:
        self.operations = json.loads((generated / "operations.json").read_text())["operations"]
        self.schemas = json.loads((generated / "schemas" / "servers.json").read_text())

    def pick(self, method: str, path: str, kind: str, version: Version) -> Dict[str, Any]:
        operation = next(op for op in self.operations if op.get("method") == method and op["path"] == path)
        for row in operation[kind]:
            low, high = row["min_version"], row["max_version"]
            if (low is None or V(low) <= version) and (high is None or version <= V(high)):
                return self.schemas[row["schema"]]
        raise LookupError(f"{method} {path} has no {kind} at {version}")


@pytest.fixture(scope="module")
def nova() -> NovaSchemas:
    if not (NOVA_GENERATED / "operations.json").is_file():
        pytest.skip("../shared (Nova reference schemas) is absent")
    return NovaSchemas(NOVA_GENERATED)


def _disagreements(ours: Versioned[Dict[str, Any]], theirs: Dict[str, Any], version: Version,
                   corpus: Dict[str, Any], *, exact: bool) -> List[str]:
    schema = ours.get(version)
    assert schema is not None
    found = []
    for name, instance in corpus.items():
        mine, nova_says = messages(schema, instance), messages(theirs, instance)
        if (bool(mine) != bool(nova_says)) or (exact and mine != nova_says):
            found.append(f"{name}: fakenova {mine or 'valid'} / nova {nova_says or 'valid'}")
    return found


@pytest.mark.parametrize("version", all_versions(), ids=str)
def test_create_matches_nova(nova: NovaSchemas, version: Version) -> None:
    theirs = nova.pick("POST", "/servers", "request_body_schemas", version)
    assert _disagreements(servers.CREATE, theirs, version, CREATE_CORPUS, exact=True) == []


@pytest.mark.parametrize("version", all_versions(), ids=str)
def test_update_matches_nova(nova: NovaSchemas, version: Version) -> None:
    theirs = nova.pick("PUT", "/servers/{id}", "request_body_schemas", version)
    assert _disagreements(servers.UPDATE, theirs, version, UPDATE_CORPUS, exact=True) == []


@pytest.mark.parametrize("version", all_versions(), ids=str)
def test_list_query_matches_nova(nova: NovaSchemas, version: Version) -> None:
    theirs = nova.pick("GET", "/servers/detail", "query_schemas", version)
    # Verdicts only: Nova builds the 2.73+ sort_key enums from sets, so their order (and message) varies.
    assert _disagreements(servers.LIST_QUERY, theirs, version, QUERY_CORPUS, exact=False) == []


def test_corpus_exercises_both_verdicts() -> None:
    at = {version: [name for name, body in CREATE_CORPUS.items()
                    if not messages(servers.CREATE.get(version), body)]
          for version in (V("2.1"), MAX_VERSION)}
    assert 20 < len(at[V("2.1")]) < len(CREATE_CORPUS) - 20
    assert "networks-auto" in at[MAX_VERSION] and "networks-auto" not in at[V("2.1")]


# --- the tables themselves ---------------------------------------------------------------------------

@pytest.mark.parametrize("table", [servers.CREATE, servers.UPDATE, servers.LIST_QUERY], ids=lambda t: t.name)
def test_every_schema_is_a_valid_draft_2020_12_schema(table: Versioned[Dict[str, Any]]) -> None:
    for _, schema in table.ranges():
        Draft202012Validator.check_schema(schema)


def test_tables_change_where_nova_changes() -> None:
    starts = [str(r.since) for r, _ in servers.CREATE.ranges()]
    assert starts == ["2.1", "2.19", "2.32", "2.33", "2.37", "2.42", "2.52", "2.57", "2.63", "2.67", "2.74",
                      "2.90", "2.94"]
    assert [str(r.since) for r, _ in servers.UPDATE.ranges()] == ["2.1", "2.19", "2.90", "2.94", "2.104"]
    assert [str(r.since) for r, _ in servers.LIST_QUERY.ranges()] == ["2.1", "2.26", "2.66", "2.73", "2.75"]


def test_extend_returns_a_new_dict_and_leaves_its_base_alone() -> None:
    base = {"type": "object", "properties": {"a": {"type": "string"}, "b": {}}, "required": ["a"]}
    before = json.dumps(base)
    derived = extend(base, add={"c": {}}, remove=["b"], require=["c"])
    assert json.dumps(base) == before
    assert derived == {"type": "object", "properties": {"a": {"type": "string"}, "c": {}},
                       "required": ["a", "c"]}
    nested = extend({"properties": {"x": base}}, ("properties", "x"), add={"a": {"type": "integer"}})
    assert list(nested["properties"]["x"]["properties"]) == ["a", "b"]
    assert json.dumps(base) == before


def test_versions_do_not_leak_into_each_other() -> None:
    v232, v233 = (servers.CREATE.get(V(v))["properties"]["server"]["properties"] for v in ("2.32", "2.33"))
    assert "tag" in v232["block_device_mapping_v2"]["items"]["properties"]
    assert "tag" not in v233["block_device_mapping_v2"]["items"]["properties"]
    assert "description" not in servers.CREATE.get(V("2.18"))["properties"]["server"]["properties"]


def test_validator_is_compiled_once_per_schema() -> None:
    schema = servers.CREATE.get(V("2.1"))
    assert validator_for(schema) is validator_for(schema)


# --- exact messages (no ../shared needed) ------------------------------------------------------------

def _bad(table: Versioned[Dict[str, Any]], version: str, body: Any) -> str:
    with pytest.raises(errors.BadRequest) as caught:
        validate_body(table, V(version), body)
    assert caught.value.code == 400
    return caught.value.message


MIN_COUNT_MESSAGE = "Invalid input for field/attribute min_count. Value: 0. 0 is less than the minimum of 1"
NAME_MESSAGE = ("An invalid 'name' value was provided. The name must be: printable characters. "
                "Can not start or end with whitespace.")


@pytest.mark.parametrize("version, body, expected", [
    ("2.1", {}, "'server' is a required property"),
    ("2.1", None, "None is not of type 'object'"),
    ("2.1", {**server(), "foo": 1}, "Additional properties are not allowed ('foo' was unexpected)"),
    ("2.1", {"server": {"flavorRef": "1"}},
     "Invalid input for field/attribute server. Value: {'flavorRef': '1'}. 'name' is a required property"),
    ("2.1", server(name=" web"), NAME_MESSAGE),
    ("2.1", server(min_count=0), MIN_COUNT_MESSAGE),
    ("2.1", server(min_count="0"), MIN_COUNT_MESSAGE),  # Nova compares digit strings as numbers
    ("2.1", server(user_data="hello!"),
     "Invalid input for field/attribute user_data. Value: hello!. 'hello!' is not a 'base64'"),
    ("2.1", server(metadata={"bad/key": "v"}),
     "Invalid input for field/attribute metadata. Value: {'bad/key': 'v'}. 'bad/key' does not match any of "
     "the "
     "regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
    ("2.1", server(imageRef="cirros"),
     "Invalid input for field/attribute imageRef. Value: cirros. "
     "'cirros' is not valid under any of the given schemas"),
    ("2.37", server(networks="all"),
     "Invalid input for field/attribute networks. Value: all. 'all' is not valid under any of the given "
     "schemas"),
    ("2.37", {"server": {"name": "a", "flavorRef": 1}},
     "Invalid input for field/attribute server. Value: {'name': 'a', 'flavorRef': 1}. "
     "'networks' is a required property"),
    ("2.57", server(personality=[]),
     "Invalid input for field/attribute server. Value: " + str(server(personality=[])["server"])
     + ". Additional properties are not allowed ('personality' was unexpected)"),
    ("2.1", server(flavorRef=None),
     "Invalid input for field/attribute flavorRef. Value: None. None is not of type 'string', 'integer'"),
])
def test_create_messages(version: str, body: Any, expected: str) -> None:
    assert _bad(servers.CREATE, version, body) == expected


def test_too_short_message_keeps_nova_prefix() -> None:
    # The tail ("should be non-empty" / "is too short") depends on the jsonschema release, as in Nova.
    assert _bad(servers.CREATE, "2.1", server(flavorRef="")).startswith(
        "Invalid input for field/attribute flavorRef. Value: . ")


def test_update_messages() -> None:
    assert _bad(servers.UPDATE, "2.1", {"server": {"name": "web "}}) == NAME_MESSAGE
    assert _bad(servers.UPDATE, "2.18", {"server": {"description": "x"}}) == (
        "Invalid input for field/attribute server. Value: {'description': 'x'}. "
        "Additional properties are not allowed ('description' was unexpected)")
    validate_body(servers.UPDATE, V("2.19"), {"server": {"description": None}})


def test_az_name_format_message() -> None:
    zone = {"type": "object", "properties": {"zone": {"type": "string", "format": "az_name"}}}
    table = Versioned([("2.1", zone)])
    assert _bad(table, "2.1", {"zone": "nova:host"}) == (
        "An invalid 'name' value was provided. The name must be: printable characters except :."
        "Can not start or end with whitespace.")


def test_missing_version_row_is_not_found() -> None:
    table = Versioned([("2.50", {})], allow_late_start=True)
    with pytest.raises(errors.NotFound):
        validate_body(table, V("2.49"), {})


# --- lenient formats ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
    False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"])
def test_boolean_like_values_are_accepted(value: Any) -> None:
    validate_body(servers.CREATE, V("2.1"), server(config_drive=value, return_reservation_id=value))


@pytest.mark.parametrize("value", ["maybe", "tRuE", "y", "", 1, 0, None])
def test_other_boolean_values_are_refused(value: Any) -> None:
    assert _bad(servers.CREATE, "2.1", server(config_drive=value)).startswith(
        "Invalid input for field/attribute config_drive.")


@pytest.mark.parametrize("value, ok", [
    (IMAGE, True), (IMAGE.upper(), True), (IMAGE.replace("-", ""), True), ("{%s}" % IMAGE, True),
    ("urn:uuid:" + IMAGE, True), (IMAGE[:-1], False), ("g" * 32, False), ("", False), ("cirros", False),
    (IMAGE + "0", False), (42, True),  # formats only judge strings; "type" refuses the rest
])
def test_uuid_like(value: Any, ok: bool) -> None:
    assert FORMAT_CHECKER.conforms(value, "uuid") is ok


@pytest.mark.parametrize("fmt, value, ok", [
    ("date-time", "2015-08-27T09:49:58-05:00", True), ("date-time", "2015-08-27T09:49:58Z", True),
    ("date-time", "2013-09-23T13:37:00.880302", True), ("date-time", "2015-08-27", True),
    ("date-time", "2015-13-27T00:00:00", False), ("date-time", "yesterday", False),
    ("base64", "aGVsbG8=", True), ("base64", "aGVs\nbG8=", True), ("base64", "aGVsbG8", False),
    ("base64", "héllo===", False),
    ("ipv4", "10.0.0.1", True), ("ipv4", "10.0.0.256", False), ("ipv6", "fd00::1", True),
    ("ipv6", "fe80::1%eth0", False), ("cidr", "10.0.0.0/24", True), ("cidr", "10.0.0.0", False),
    ("cidr", "10.0.0.0/ 24", False), ("regex", "^web", True), ("regex", "", False), ("regex", "(", False),
    ("uri", "http://example.com/v2.1", True), ("uri", "example.com", False), ("uri", "http://a b", False),
    ("mac-address", "fa:16:3e:00:00:01", True), ("mac-address", "fa:16:3e:00:00", False),
    ("name", "web 1", True), ("name", " web", False), ("name", "web\u00a0", False), ("name", "", True),
    ("name", "web\U0001F600", False), ("name", "web-1\n", True), ("name", "\n", False),
    ("name", "web \n", False),
    ("name_with_leading_trailing_spaces", " web ", True), ("name_with_leading_trailing_spaces", "   ", False),
    ("az_name", "nova", True), ("az_name", "no:va", False),
    ("az_name_with_leading_trailing_spaces", " nova ", True),
    ("az_name_with_leading_trailing_spaces", " no:va", False),
])
def test_formats(fmt: str, value: str, ok: bool) -> None:
    assert FORMAT_CHECKER.conforms(value, fmt) is ok


def test_description_pattern_is_nova_printable_class() -> None:
    validate_body(servers.UPDATE, V("2.19"), {"server": {"description": "spaces, é and ☃ are fine"}})
    assert _bad(servers.UPDATE, "2.19", {"server": {"description": "a\tb"}}).startswith(
        "Invalid input for field/attribute description. Value: a\tb. 'a\\tb' does not match '^[")


# --- query strings -----------------------------------------------------------------------------------

def _bad_query(version: str, args: Dict[str, List[str]]) -> str:
    with pytest.raises(errors.BadRequest) as caught:
        validate_query(servers.LIST_QUERY, V(version), args)
    return caught.value.message


def test_negative_limit_is_refused_with_nova_message() -> None:
    assert _bad_query("2.1", {"limit": ["-1"]}) == (
        "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'")


def test_unknown_parameters_are_dropped_before_2_75() -> None:
    args = {"foo": ["1"], "limit": ["5"], "marker": [IMAGE], "name": ["web"], "status": ["ACTIVE"],
            "all_tenants": ["1"], "_internal": ["x"]}
    kept = validate_query(servers.LIST_QUERY, V("2.74"), args)
    assert kept == {key: value for key, value in args.items() if key != "foo"}
    assert "foo" in args  # the caller's dict is not changed


def test_unknown_parameters_are_refused_from_2_75() -> None:
    # Nova's 2.75 schema has patternProperties "^_", so jsonschema words the refusal this way, not as
    # "Additional properties are not allowed".
    assert _bad_query("2.75", {"foo": ["1"]}) == "'foo' does not match any of the regexes: '^_'"
    assert validate_query(servers.LIST_QUERY, V("2.75"), {"limit": ["0"], "locked": ["true"]}) == {
        "limit": ["0"], "locked": ["true"]}


def test_ignored_sort_keys_become_errors_at_2_75() -> None:
    assert validate_query(servers.LIST_QUERY, V("2.74"), {"sort_key": ["id"]}) == {"sort_key": ["id"]}
    assert _bad_query("2.75", {"sort_key": ["id"]}).startswith(
        "Invalid input for query parameters sort_key. Value: id. 'id' is not one of [")

