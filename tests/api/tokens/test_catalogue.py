"""The compute catalogue APIs: flavors, key pairs, limits, availability zones and the image proxy.

Every microversion boundary is checked by parametrising over all versions against facts written out here
independently of the implementation's tables (nova-facts i and j); bodies are validated against Nova's own
response schemas when ``../shared`` is present (those tests skip cleanly without it). Glance and Neutron are
covered in ``test_catalogue_services.py``.
"""
from __future__ import annotations

import base64
import hashlib
import random
from typing import Any, Dict, Optional

import pytest
from support.apps import control, fresh_app
from support.nova_reference import needs_shared, schema_errors

from fakenova.domain import keypairs as keypair_domain
from fakenova.microversions import V, all_versions

COMPUTE = "/compute/v2.1"
CIRROS = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
VERSIONS = [str(version) for version in all_versions()]
# The key of Nova's v2.92 api sample and the fingerprint Nova computed for it.
SAMPLE_KEY = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/"
              "F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/"
              "0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova")
SAMPLE_FINGERPRINT = "1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c"


@pytest.fixture
def app():
    return fresh_app(seed=7)


def call(client, method: str, path: str, token: str, version: Optional[str] = None, **kwargs: Any):
    headers = {"X-Auth-Token": token}
    if version:
        headers["OpenStack-API-Version"] = f"compute {version}"
    return client.open(COMPUTE + path, method=method, headers=headers, **kwargs)


def fault(response) -> Dict[str, Any]:
    return response.get_json()


def assert_valid(method: str, path: str, version: str, body: Any) -> None:
    assert schema_errors(method, path, version, body) == []


# --- flavors ----------------------------------------------------------------------------------------

FLAVOR_BASE = {"id", "name", "ram", "disk", "swap", "OS-FLV-EXT-DATA:ephemeral", "vcpus",
               "os-flavor-access:is_public", "links"}


def expected_flavor_keys(version: str) -> set:
    ver, keys = V(version), set(FLAVOR_BASE)
    if ver < V("2.102"):
        keys |= {"OS-FLV-DISABLED:disabled", "rxtx_factor"}
    if ver >= V("2.55"):
        keys.add("description")
    if ver >= V("2.61"):
        keys.add("extra_specs")
    return keys


@pytest.mark.parametrize("version", VERSIONS)
def test_flavor_show_keys_follow_the_microversion(client, demo, version):
    flavor = call(client, "GET", "/flavors/1", demo, version).get_json()["flavor"]
    assert set(flavor) == expected_flavor_keys(version)
    assert flavor["swap"] == ("" if V(version) < V("2.75") else 0)


@pytest.mark.parametrize("version", VERSIONS)
def test_flavor_list_and_detail_keys_follow_the_microversion(client, demo, version):
    summary = call(client, "GET", "/flavors", demo, version).get_json()["flavors"][0]
    assert set(summary) == {"id", "name", "links"} | ({"description"} if V(version) >= V("2.55") else set())
    detail = call(client, "GET", "/flavors/detail", demo, version).get_json()["flavors"][0]
    assert set(detail) == expected_flavor_keys(version)


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.54", "2.55", "2.60", "2.61", "2.74", "2.75", "2.101", "2.102",
                                     "2.104"])
def test_flavor_bodies_match_novas_schemas(client, demo, version):
    assert_valid("GET", "/flavors", version, call(client, "GET", "/flavors", demo, version).get_json())
    assert_valid("GET", "/flavors/detail", version,
                 call(client, "GET", "/flavors/detail", demo, version).get_json())
    assert_valid("GET", "/flavors/{id}", version, call(client, "GET", "/flavors/42", demo, version).get_json())
    specs = call(client, "GET", "/flavors/1/os-extra_specs", demo, version).get_json()
    assert_valid("GET", "/flavors/{flavor_id}/os-extra_specs", version, specs)


def test_flavor_show_exact_body_at_2_1(client, demo):
    assert call(client, "GET", "/flavors/1", demo).get_json() == {"flavor": {
        "id": "1", "name": "m1.tiny", "ram": 512, "disk": 1, "swap": "", "OS-FLV-EXT-DATA:ephemeral": 0,
        "OS-FLV-DISABLED:disabled": False, "vcpus": 1, "os-flavor-access:is_public": True, "rxtx_factor": 1.0,
        "links": [{"rel": "self", "href": "http://localhost/compute/v2.1/flavors/1"},
                  {"rel": "bookmark", "href": "http://localhost/compute/flavors/1"}]}}


def test_flavor_links_keep_the_project_id_of_the_url(client, demo):
    flavor = call(client, "GET", f"/{DEMO_PROJECT}/flavors/2", demo).get_json()["flavor"]
    assert flavor["links"] == [
        {"rel": "self", "href": f"http://localhost/compute/v2.1/{DEMO_PROJECT}/flavors/2"},
        {"rel": "bookmark", "href": f"http://localhost/compute/{DEMO_PROJECT}/flavors/2"}]


def test_unknown_flavor_is_404(client, demo):
    response = call(client, "GET", "/flavors/nope", demo)
    assert response.status_code == 404
    assert fault(response) == {"itemNotFound": {"code": 404, "message": "Flavor nope could not be found."}}


def test_flavors_sort_by_flavorid_as_strings_by_default(client, demo):
    ids = [flavor["id"] for flavor in call(client, "GET", "/flavors", demo).get_json()["flavors"]]
    assert ids == ["1", "2", "3", "4", "42", "5", "84"]


def test_flavors_sort_key_and_direction(client, demo):
    flavors = call(client, "GET", "/flavors?sort_key=memory_mb&sort_dir=desc", demo).get_json()["flavors"]
    assert [flavor["name"] for flavor in flavors][:3] == ["m1.xlarge", "m1.large", "m1.medium"]
    response = call(client, "GET", "/flavors?sort_key=bogus", demo)
    assert response.status_code == 400
    assert response.get_json()["badRequest"]["message"].startswith("Invalid input for query parameters sort_key.")


def test_flavors_min_ram_and_min_disk(client, demo):
    flavors = call(client, "GET", "/flavors/detail?minRam=4096&minDisk=80", demo).get_json()["flavors"]
    assert [flavor["id"] for flavor in flavors] == ["4", "5"]
    response = call(client, "GET", "/flavors?minRam=lots", demo)
    assert fault(response) == {"badRequest": {"code": 400, "message": "Invalid minRam filter [lots]"}}


def test_flavor_paging_links_and_markers(client, demo):
    first = call(client, "GET", "/flavors?limit=3", demo).get_json()
    assert [flavor["id"] for flavor in first["flavors"]] == ["1", "2", "3"]
    assert first["flavors_links"] == [
        {"rel": "next", "href": "http://localhost/compute/v2.1/flavors?limit=3&marker=3"}]
    second = client.get(first["flavors_links"][0]["href"], headers={"X-Auth-Token": demo}).get_json()
    assert [flavor["id"] for flavor in second["flavors"]] == ["4", "42", "5"]
    last = call(client, "GET", "/flavors/detail?limit=3&marker=5", demo).get_json()
    assert [flavor["id"] for flavor in last["flavors"]] == ["84"] and "flavors_links" not in last
    response = call(client, "GET", "/flavors?marker=404", demo)
    assert fault(response) == {"badRequest": {"code": 400, "message": "marker [404] not found"}}


@pytest.mark.parametrize("version, status", [("2.1", 200), ("2.74", 200), ("2.75", 400), ("2.104", 400)])
def test_flavor_list_unknown_query_parameter(client, demo, version, status):
    response = call(client, "GET", "/flavors?foo=bar", demo, version)
    assert response.status_code == status
    if status == 400:
        assert fault(response) == {"badRequest": {
            "code": 400, "message": "Additional properties are not allowed ('foo' was unexpected)"}}


@pytest.mark.parametrize("version, status", [("2.101", 200), ("2.102", 400)])
def test_flavor_show_unknown_query_parameter(client, demo, version, status):
    assert call(client, "GET", "/flavors/1?foo=bar", demo, version).status_code == status
    assert call(client, "GET", "/flavors/1/os-extra_specs?foo=bar", demo, version).status_code == status


@pytest.mark.parametrize("version, status, names", [
    ("2.74", 200, 7), ("2.101", 400, None), ("2.102", 200, 2)])
def test_flavor_name_filter_from_2_102(client, demo, version, status, names):
    response = call(client, "GET", "/flavors?name=m1.(tiny|nano)", demo, version)
    assert response.status_code == status
    if names is not None:
        assert len(response.get_json()["flavors"]) == names


def add_flavor(store, **fields: Any) -> None:
    record = {"ram": 64, "vcpus": 1, "disk": 1, "ephemeral": 0, "swap": 0, "rxtx_factor": 1.0,
              "is_public": True, "disabled": False, "description": None, "extra_specs": {}, **fields}
    store.put("flavor", record["id"], record)


def test_private_flavors_are_seen_by_their_projects_and_admins(client, store, demo, alt, admin):
    add_flavor(store, id="p1", name="private", is_public=False, projects=[DEMO_PROJECT])
    def listed(token, query=""):
        return [f["id"] for f in call(client, "GET", f"/flavors{query}", token).get_json()["flavors"]]
    assert "p1" in listed(demo)
    assert "p1" not in listed(alt)
    assert call(client, "GET", "/flavors/p1", alt).status_code == 404
    assert "p1" not in listed(admin)  # the default is_public=true: public ones and those shared with admin
    assert listed(admin, "?is_public=false") == ["p1"]
    assert len(listed(admin, "?is_public=none")) == 8
    assert listed(demo, "?is_public=false") == listed(demo)  # members cannot filter on it
    response = call(client, "GET", "/flavors?is_public=maybe", admin)
    assert fault(response) == {"badRequest": {"code": 400, "message": "Invalid is_public filter [maybe]"}}


def test_disabled_flavors_are_not_listed_for_members_but_can_be_shown(client, store, demo, admin):
    add_flavor(store, id="old", name="old", disabled=True)
    assert "old" not in [f["id"] for f in call(client, "GET", "/flavors", demo).get_json()["flavors"]]
    assert "old" in [f["id"] for f in call(client, "GET", "/flavors", admin).get_json()["flavors"]]
    assert call(client, "GET", "/flavors/old", demo).get_json()["flavor"]["OS-FLV-DISABLED:disabled"] is True


def test_flavor_description_and_extra_specs(client, store, demo):
    add_flavor(store, id="7", name="m1.small.description", description="test description",
               extra_specs={"hw:cpu_policy": "shared", "hw:numa_nodes": "1"})
    flavor = call(client, "GET", "/flavors/7", demo, "2.61").get_json()["flavor"]
    assert flavor["description"] == "test description"
    assert flavor["extra_specs"] == {"hw:cpu_policy": "shared", "hw:numa_nodes": "1"}
    assert call(client, "GET", "/flavors/7/os-extra_specs", demo).get_json() == {
        "extra_specs": {"hw:cpu_policy": "shared", "hw:numa_nodes": "1"}}
    one = call(client, "GET", "/flavors/7/os-extra_specs/hw:numa_nodes", demo)
    assert one.get_json() == {"hw:numa_nodes": "1"}
    missing = call(client, "GET", "/flavors/7/os-extra_specs/hw:nope", demo)
    assert fault(missing) == {"itemNotFound": {
        "code": 404, "message": "Flavor 7 has no extra specs with key hw:nope."}}
    assert fault(call(client, "GET", "/flavors/x/os-extra_specs", demo)) == {"itemNotFound": {
        "code": 404, "message": "Flavor x could not be found."}}


# --- key pairs --------------------------------------------------------------------------------------


def create_keypair(client, token: str, version: Optional[str] = None, **keypair: Any):
    return call(client, "POST", "/os-keypairs", token, version, json={"keypair": keypair})


def md5_fingerprint(public_key: str) -> str:
    digest = hashlib.md5(base64.b64decode(public_key.split(" ")[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


@pytest.mark.parametrize("version, status, keys", [
    ("2.1", 200, {"name", "public_key", "fingerprint", "user_id", "private_key"}),
    ("2.2", 201, {"name", "public_key", "fingerprint", "user_id", "private_key", "type"}),
    ("2.91", 201, {"name", "public_key", "fingerprint", "user_id", "private_key", "type"}),
])
def test_generated_keypair(client, demo, version, status, keys):
    response = create_keypair(client, demo, version, name="gen")
    assert response.status_code == status
    pair = response.get_json()["keypair"]
    assert set(pair) == keys
    assert pair["user_id"] == DEMO_USER
    assert pair["public_key"].startswith("ssh-rsa ") and pair["public_key"].endswith(" Generated-by-Nova")
    assert pair["private_key"].startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    assert pair["fingerprint"] == md5_fingerprint(pair["public_key"])


def test_lookalike_keys_without_cryptography(monkeypatch):
    monkeypatch.setattr(keypair_domain, "_cryptography", lambda: None)
    private, public, fingerprint = keypair_domain.generate("ssh", random.Random(1).randbytes, "user", 0.0)
    assert private.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    assert fingerprint == md5_fingerprint(public) == keypair_domain.ssh_fingerprint(public)
    _, certificate, x509 = keypair_domain.generate("x509", random.Random(1).randbytes, "user", 0.0)
    assert x509 == keypair_domain.x509_fingerprint(certificate)


@pytest.mark.parametrize("version", ["2.1", "2.2", "2.10", "2.92", "2.104"])
def test_imported_keypair_gets_novas_fingerprint(client, demo, version):
    pair = create_keypair(client, demo, version, name="imported", public_key=SAMPLE_KEY).get_json()["keypair"]
    assert pair["fingerprint"] == SAMPLE_FINGERPRINT
    assert "private_key" not in pair


@pytest.mark.parametrize("key", ["", "ssh-rsa", "ssh-rsa !!!", "ssh-rsa " + base64.b64encode(b"junk").decode(),
                                 "ssh-ed25519 " + SAMPLE_KEY.split(" ")[1]])
def test_bad_public_key_is_400(client, demo, key):
    response = create_keypair(client, demo, name="bad", public_key=key)
    assert fault(response) == {"badRequest": {
        "code": 400, "message": "Keypair data is invalid: failed to generate fingerprint"}}


def test_x509_keypairs(client, demo):
    generated = create_keypair(client, demo, "2.2", name="cert", type="x509").get_json()["keypair"]
    assert generated["type"] == "x509" and generated["public_key"].startswith("-----BEGIN CERTIFICATE-----")
    imported = create_keypair(client, demo, "2.2", name="cert2", type="x509",
                              public_key=generated["public_key"]).get_json()["keypair"]
    assert imported["fingerprint"] == generated["fingerprint"]
    bad = create_keypair(client, demo, "2.2", name="cert3", type="x509", public_key="not a certificate")
    assert bad.status_code == 400
    assert fault(bad)["badRequest"]["message"].startswith(
        "Keypair data is invalid: failed to generate X509 fingerprint.")


def test_public_key_required_from_2_92(client, demo):
    response = create_keypair(client, demo, "2.92", name="gen")
    assert response.status_code == 400
    message = fault(response)["badRequest"]["message"]
    assert message.startswith("Invalid input for field/attribute keypair.")
    assert message.endswith("'public_key' is a required property")


@pytest.mark.parametrize("version, name, status", [
    ("2.91", "me@host.domain", 400), ("2.92", "me@host.domain", 201), ("2.92", "bad/name", 400),
    ("2.1", " padded", 400), ("2.1", "x" * 256, 400), ("2.1", "with space_and-dash", 200)])
def test_keypair_name_rules(client, demo, version, name, status):
    assert create_keypair(client, demo, version, name=name, public_key=SAMPLE_KEY).status_code == status


def test_duplicate_keypair_is_409(client, demo, alt):
    assert create_keypair(client, demo, name="k1", public_key=SAMPLE_KEY).status_code == 200
    response = create_keypair(client, demo, name="k1", public_key=SAMPLE_KEY)
    assert fault(response) == {"conflictingRequest": {"code": 409, "message": "Key pair 'k1' already exists."}}
    assert create_keypair(client, alt, name="k1", public_key=SAMPLE_KEY).status_code == 200  # per user


def test_keypair_quota_is_403(client, demo):
    control(client.application).seed({"quotas": {"demo": {"key_pairs": 1}}})
    assert create_keypair(client, demo, name="one", public_key=SAMPLE_KEY).status_code == 200
    response = create_keypair(client, demo, name="two", public_key="garbage")
    assert fault(response) == {"forbidden": {"code": 403, "message": "Quota exceeded, too many key pairs."}}


@pytest.mark.parametrize("version, keys", [
    ("2.1", {"name", "public_key", "fingerprint", "user_id", "created_at", "deleted", "deleted_at", "id",
             "updated_at"}),
    ("2.2", {"name", "public_key", "fingerprint", "user_id", "created_at", "deleted", "deleted_at", "id",
             "updated_at", "type"}),
])
def test_keypair_show(client, demo, version, keys):
    create_keypair(client, demo, name="k1", public_key=SAMPLE_KEY)
    pair = call(client, "GET", "/os-keypairs/k1", demo, version).get_json()["keypair"]
    assert set(pair) == keys
    assert (pair["deleted"], pair["deleted_at"], pair["updated_at"]) == (False, None, None)
    assert pair["created_at"] == "2026-01-01T00:00:00.000000"
    missing = call(client, "GET", "/os-keypairs/nope", demo, version)
    assert fault(missing) == {"itemNotFound": {
        "code": 404, "message": f"Keypair nope not found for user {DEMO_USER}"}}


@pytest.mark.parametrize("version, status", [("2.1", 202), ("2.2", 204), ("2.104", 204)])
def test_keypair_delete(client, demo, version, status):
    create_keypair(client, demo, name="k1", public_key=SAMPLE_KEY)
    response = call(client, "DELETE", "/os-keypairs/k1", demo, version)
    assert response.status_code == status and response.get_data() == b""
    assert call(client, "DELETE", "/os-keypairs/k1", demo, version).status_code == 404
    assert call(client, "GET", "/os-keypairs/k1", demo, version).status_code == 404


def test_keypair_list_is_per_user_and_wrapped(client, demo, alt):
    for name in ("b", "a"):
        create_keypair(client, demo, name=name, public_key=SAMPLE_KEY)
    body = call(client, "GET", "/os-keypairs", demo, "2.2").get_json()
    assert [item["keypair"]["name"] for item in body["keypairs"]] == ["a", "b"]
    assert set(body["keypairs"][0]["keypair"]) == {"name", "public_key", "fingerprint", "type"}
    assert call(client, "GET", "/os-keypairs", alt).get_json() == {"keypairs": []}


def test_keypair_pagination_from_2_35(client, demo):
    for name in ("k1", "k2", "k3"):
        create_keypair(client, demo, name=name, public_key=SAMPLE_KEY)
    old = call(client, "GET", "/os-keypairs?limit=1", demo, "2.34").get_json()
    assert len(old["keypairs"]) == 3 and "keypairs_links" not in old
    page = call(client, "GET", "/os-keypairs?limit=2", demo, "2.35").get_json()
    assert [item["keypair"]["name"] for item in page["keypairs"]] == ["k1", "k2"]
    assert page["keypairs_links"] == [
        {"rel": "next", "href": "http://localhost/compute/v2.1/os-keypairs?limit=2&marker=k2"}]
    rest = call(client, "GET", "/os-keypairs?limit=2&marker=k2", demo, "2.35").get_json()
    assert [item["keypair"]["name"] for item in rest["keypairs"]] == ["k3"] and "keypairs_links" not in rest
    response = call(client, "GET", "/os-keypairs?marker=zz", demo, "2.35")
    assert fault(response) == {"badRequest": {"code": 400, "message": "Marker zz could not be found."}}


@pytest.mark.parametrize("version, status", [("2.74", 200), ("2.75", 400)])
def test_keypair_unknown_query_parameter(client, demo, version, status):
    assert call(client, "GET", "/os-keypairs?foo=1", demo, version).status_code == status
    create_keypair(client, demo, name="k1", public_key=SAMPLE_KEY)
    assert call(client, "GET", "/os-keypairs/k1?foo=1", demo, version).status_code == status


def test_keypairs_of_other_users(client, demo, admin):
    create_keypair(client, demo, name="mine", public_key=SAMPLE_KEY)
    forbidden = call(client, "GET", f"/os-keypairs?user_id={DEMO_USER}x", demo, "2.10")
    assert fault(forbidden) == {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:os-keypairs:index to be performed."}}
    assert call(client, "GET", "/os-keypairs?user_id=someone", demo, "2.9").status_code == 200  # ignored
    as_admin = call(client, "GET", f"/os-keypairs?user_id={DEMO_USER}", admin, "2.10").get_json()
    assert [item["keypair"]["name"] for item in as_admin["keypairs"]] == ["mine"]
    assert call(client, "GET", f"/os-keypairs/mine?user_id={DEMO_USER}", admin, "2.10").status_code == 200
    made = create_keypair(client, admin, "2.10", name="given", public_key=SAMPLE_KEY, user_id=DEMO_USER)
    assert made.get_json()["keypair"]["user_id"] == DEMO_USER
    denied = create_keypair(client, demo, "2.10", name="x", public_key=SAMPLE_KEY, user_id="other")
    assert fault(denied)["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.")
    assert call(client, "DELETE", f"/os-keypairs/given?user_id={DEMO_USER}", admin, "2.10").status_code == 204


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.2", "2.10", "2.35", "2.91", "2.92", "2.104"])
def test_keypair_bodies_match_novas_schemas(client, demo, version):
    created = create_keypair(client, demo, version, name="k1", public_key=SAMPLE_KEY).get_json()
    assert_valid("POST", "/os-keypairs", version, created)
    assert_valid("GET", "/os-keypairs", version, call(client, "GET", "/os-keypairs", demo, version).get_json())
    assert_valid("GET", "/os-keypairs/{id}", version,
                 call(client, "GET", "/os-keypairs/k1", demo, version).get_json())
    if V(version) < V("2.92"):
        generated = create_keypair(client, demo, version, name="gen").get_json()
        assert_valid("POST", "/os-keypairs", version, generated)


# --- limits -----------------------------------------------------------------------------------------

LIMITS_2_57 = {"maxServerMeta", "maxTotalCores", "maxTotalInstances", "maxTotalKeypairs", "maxTotalRAMSize",
               "maxServerGroups", "maxServerGroupMembers", "totalCoresUsed", "totalInstancesUsed", "totalRAMUsed",
               "totalServerGroupsUsed"}


def expected_limit_keys(version: str) -> set:
    ver, keys = V(version), set(LIMITS_2_57)
    if ver < V("2.57"):
        keys |= {"maxPersonality", "maxPersonalitySize"}
    if ver < V("2.39"):
        keys.add("maxImageMeta")
    if ver < V("2.36"):
        keys |= {"maxSecurityGroups", "maxSecurityGroupRules", "maxTotalFloatingIps", "totalSecurityGroupsUsed",
                 "totalFloatingIpsUsed"}
    return keys


@pytest.mark.parametrize("version", VERSIONS)
def test_limit_keys_follow_the_microversion(client, demo, version):
    limits = call(client, "GET", "/limits", demo, version).get_json()["limits"]
    assert limits["rate"] == []
    assert set(limits["absolute"]) == expected_limit_keys(version)


def test_limits_defaults_at_2_1(client, demo):
    assert call(client, "GET", "/limits", demo).get_json()["limits"]["absolute"] == {
        "maxImageMeta": 128, "maxPersonality": 5, "maxPersonalitySize": 10240, "maxSecurityGroupRules": -1,
        "maxSecurityGroups": -1, "maxServerMeta": 128, "maxTotalCores": 20, "maxTotalFloatingIps": -1,
        "maxTotalInstances": 10, "maxTotalKeypairs": 100, "maxTotalRAMSize": 51200, "maxServerGroups": 10,
        "maxServerGroupMembers": 10, "totalCoresUsed": 0, "totalInstancesUsed": 0, "totalRAMUsed": 0,
        "totalSecurityGroupsUsed": 0, "totalFloatingIpsUsed": 0, "totalServerGroupsUsed": 0}


def boot(client, token: str, flavor: str = "2") -> str:
    body = {"server": {"name": "vm", "flavorRef": flavor, "imageRef": CIRROS, "networks": "auto"}}
    response = call(client, "POST", "/servers", token, "2.37", json=body)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["server"]["id"]


def test_limits_count_usage_and_follow_quotas(client, demo, admin):
    boot(client, demo)
    control(client.application).seed({"quotas": {"demo": {"instances": 3}}})
    absolute = call(client, "GET", "/limits", demo, "2.57").get_json()["limits"]["absolute"]
    assert (absolute["totalInstancesUsed"], absolute["totalCoresUsed"], absolute["totalRAMUsed"]) == (1, 1, 2048)
    assert absolute["maxTotalInstances"] == 3
    own = call(client, "GET", "/limits", admin).get_json()["limits"]["absolute"]
    assert own["totalInstancesUsed"] == 0
    other = call(client, "GET", f"/limits?tenant_id={DEMO_PROJECT}", admin).get_json()["limits"]["absolute"]
    assert other["totalInstancesUsed"] == 1 and other["maxTotalInstances"] == 3


@pytest.mark.parametrize("tenant", [DEMO_PROJECT, "other"])
def test_limits_of_a_project_need_admin(client, demo, tenant):
    response = call(client, "GET", f"/limits?tenant_id={tenant}", demo)
    assert fault(response) == {"forbidden": {
        "code": 403, "message": "Policy doesn't allow os_compute_api:limits:other_project to be performed."}}


@pytest.mark.parametrize("version, status", [("2.74", 200), ("2.75", 400)])
def test_limits_unknown_query_parameter(client, demo, version, status):
    assert call(client, "GET", "/limits?foo=1", demo, version).status_code == status


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.35", "2.36", "2.38", "2.39", "2.56", "2.57", "2.104"])
def test_limits_match_novas_schemas(client, demo, version):
    assert_valid("GET", "/limits", version, call(client, "GET", "/limits", demo, version).get_json())


# --- availability zones -----------------------------------------------------------------------------


def test_zone_list_for_members(client, demo):
    assert call(client, "GET", "/os-availability-zone", demo).get_json() == {"availabilityZoneInfo": [
        {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}]}


def test_zone_detail_is_admin_only(client, demo, admin):
    response = call(client, "GET", "/os-availability-zone/detail", demo)
    assert fault(response) == {"forbidden": {
        "code": 403,
        "message": "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed."}}
    zones = call(client, "GET", "/os-availability-zone/detail", admin).get_json()["availabilityZoneInfo"]
    assert [zone["zoneName"] for zone in zones] == ["internal", "nova"]
    compute = zones[1]["hosts"]["fakenova-compute"]["nova-compute"]
    assert compute == {"available": True, "active": True, "updated_at": "2026-01-01T00:00:00.000000"}
    assert set(zones[0]["hosts"]["fakenova-compute"]) == {"nova-conductor", "nova-scheduler"}


@pytest.mark.parametrize("version, status", [("2.101", 200), ("2.102", 400)])
def test_zone_unknown_query_parameter(client, admin, version, status):
    assert call(client, "GET", "/os-availability-zone?x=1", admin, version).status_code == status
    assert call(client, "GET", "/os-availability-zone/detail?x=1", admin, version).status_code == status


@needs_shared
def test_zones_match_novas_schemas(client, admin):
    for path in ("/os-availability-zone", "/os-availability-zone/detail"):
        assert_valid("GET", path, "2.1", call(client, "GET", path, admin).get_json())


# --- the image proxy --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_image_proxy_exists_until_2_35(client, demo, version):
    expected = 200 if V(version) <= V("2.35") else 404
    for path in ("/images", "/images/detail", f"/images/{CIRROS}"):
        response = call(client, "GET", path, demo, version)
        assert response.status_code == expected
    if expected == 404:
        assert fault(response) == {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}


def add_image(store, image_id: str, **fields: Any) -> None:
    record = {"id": image_id, "name": image_id, "status": "active", "visibility": "public", "protected": False,
              "tags": [], "disk_format": "qcow2", "container_format": "bare", "size": 1024, "min_disk": 0,
              "min_ram": 0, "properties": {}, "created_at": 1_767_225_700.0, "updated_at": 1_767_225_700.0,
              "owner": DEMO_PROJECT, **fields}
    store.put("image", image_id, record)


def test_image_proxy_show(client, store, demo):
    image = call(client, "GET", f"/images/{CIRROS}", demo).get_json()["image"]
    assert image == {
        "id": CIRROS, "name": "cirros", "minRam": 0, "minDisk": 0,
        "metadata": {"hw_rng_model": "virtio", "os_distro": "cirros"},
        "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z", "status": "ACTIVE",
        "progress": 100, "OS-EXT-IMG-SIZE:size": 21430272, "links": [
            {"rel": "self", "href": f"http://localhost/compute/v2.1/images/{CIRROS}"},
            {"rel": "bookmark", "href": f"http://localhost/compute/images/{CIRROS}"},
            {"rel": "alternate", "href": f"http://localhost/image/images/{CIRROS}",
             "type": "application/vnd.openstack.image"}]}
    missing = call(client, "GET", "/images/nope", demo)
    assert fault(missing) == {"itemNotFound": {"code": 404, "message": "Image not found."}}


def test_image_proxy_snapshots_and_visibility(client, store, demo, alt):
    server = "0b4b8c1e-0000-4000-8000-000000000001"
    add_image(store, "snap", status="saving", visibility="private",
              properties={"instance_uuid": server, "image_type": "snapshot", "auto_disk_config": "True"})
    image = call(client, "GET", "/images/snap", demo).get_json()["image"]
    assert (image["status"], image["progress"], image["OS-DCF:diskConfig"]) == ("SAVING", 50, "AUTO")
    assert image["server"]["id"] == server
    assert call(client, "GET", "/images/snap", alt).status_code == 404
    assert [i["id"] for i in call(client, "GET", "/images", alt).get_json()["images"]] == [CIRROS]
    by_server = call(client, "GET", f"/images?server={server}", demo).get_json()["images"]
    assert [i["id"] for i in by_server] == ["snap"]
    assert [i["id"] for i in call(client, "GET", "/images?status=ACTIVE", demo).get_json()["images"]] == [CIRROS]
    assert [i["id"] for i in call(client, "GET", "/images?name=cirros", demo).get_json()["images"]] == [CIRROS]


def test_image_proxy_paging(client, store, demo):
    add_image(store, "newer")
    page = call(client, "GET", "/images/detail?limit=1", demo).get_json()
    assert [image["id"] for image in page["images"]] == ["newer"]  # newest first
    assert page["images_links"] == [
        {"rel": "next", "href": "http://localhost/compute/v2.1/images/detail?limit=1&marker=newer"}]
    rest = call(client, "GET", "/images/detail?limit=1&marker=newer", demo).get_json()
    assert [image["id"] for image in rest["images"]] == [CIRROS]


@needs_shared
def test_image_proxy_matches_novas_schemas(client, store, demo):
    add_image(store, "70a599e0-31e7-49b7-b260-868f441e862b", properties={"instance_uuid": CIRROS})
    assert_valid("GET", "/images", "2.35", call(client, "GET", "/images?limit=1", demo, "2.35").get_json())
    assert_valid("GET", "/images/detail", "2.1", call(client, "GET", "/images/detail", demo).get_json())
    assert_valid("GET", "/images/{id}", "2.1", call(client, "GET", f"/images/{CIRROS}", demo).get_json())
