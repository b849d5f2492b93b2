"""Bad input against a live server: each case gets Nova's (or Keystone's) exact error, never a 500 or HTML."""
from __future__ import annotations

import json

import pytest
import requests

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
MISSING = "00000000-0000-4000-8000-000000000000"


def server(**changes):
    body = {"name": "bad", "imageRef": IMAGE, "flavorRef": "1", "networks": "auto"}
    body.update(changes)
    return {"server": {k: v for k, v in body.items() if v is not DROP}}


DROP = object()
BIG = json.dumps(server(metadata={f"k{i}": "v" * 250 for i in range(460)}))

# (id, method, path, version header, body (dict, or raw str), extra headers, status, fault key, message)
CASES = [
    ("malformed-json", "POST", "/servers", "2.37", "{not json", {}, 400, "badRequest", "Malformed request body"),
    ("empty-body", "POST", "/servers", "2.37", "", {}, 400, "badRequest",
     "None is not of type 'object'"),
    ("no-server-key", "POST", "/servers", "2.37", {"servers": {}}, {}, 400, "badRequest",
     "'server' is a required property"),
    ("missing-name", "POST", "/servers", "2.37", server(name=DROP), {}, 400, "badRequest",
     "Invalid input for field/attribute server. Value: {'imageRef': '8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f', "
     "'flavorRef': '1', 'networks': 'auto'}. 'name' is a required property"),
    ("name-leading-space", "POST", "/servers", "2.37", server(name=" x"), {}, 400, "badRequest",
     "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end "
     "with whitespace."),
    ("unknown-flavor", "POST", "/servers", "2.37", server(flavorRef="999"), {}, 400, "badRequest",
     "Flavor 999 could not be found."),
    ("flavor-url", "POST", "/servers", "2.37", server(flavorRef="http://x/flavors/998"), {}, 400, "badRequest",
     "Flavor 998 could not be found."),
    ("unknown-image", "POST", "/servers", "2.37", server(imageRef=MISSING), {}, 400, "badRequest",
     "Can not find requested image"),
    ("missing-image", "POST", "/servers", "2.37", server(imageRef=DROP), {}, 400, "badRequest",
     "Missing imageRef attribute"),
    ("unknown-network", "POST", "/servers", "2.37", server(networks=[{"uuid": MISSING}]), {}, 400,
     "badRequest", f"Network {MISSING} could not be found."),
    ("external-network", "POST", "/servers", "2.37", server(networks=[{"uuid": PUBLIC}]), {}, 403,
     "forbidden", "Policy doesn't allow network:attach_external_network to be performed."),
    ("networks-missing-2.37", "POST", "/servers", "2.37", server(networks=DROP), {}, 400, "badRequest",
     "Invalid input for field/attribute server. Value: {'name': 'bad', 'imageRef': "
     "'8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f', 'flavorRef': '1'}. 'networks' is a required property"),
    ("unknown-key-name", "POST", "/servers", "2.37", server(key_name="nokey"), {}, 400, "badRequest",
     "Invalid key_name provided."),
    ("min-over-max", "POST", "/servers", "2.37", server(min_count=3, max_count=2), {}, 400, "badRequest",
     "min_count must be <= max_count"),
    ("min-count-zero", "POST", "/servers", "2.37", server(min_count=0), {}, 400, "badRequest",
     "Invalid input for field/attribute min_count. Value: 0. 0 is less than the minimum of 1"),
    ("personality-2.57", "POST", "/servers", "2.57", server(personality=[]), {}, 400, "badRequest",
     "Invalid input for field/attribute server. Value: {'name': 'bad', 'imageRef': "
     "'8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f', 'flavorRef': '1', 'networks': 'auto', 'personality': []}. "
     "Additional properties are not allowed ('personality' was unexpected)"),
    ("user-data-too-long", "POST", "/servers", "2.37", server(user_data="QUFB" * 16384), {}, 400,
     "badRequest", None),
    ("metadata-over-quota", "POST", "/servers", "2.37",
     server(metadata={f"k{i}": "v" for i in range(129)}), {}, 403, "forbidden",
     "Maximum number of metadata items exceeds 128"),
    ("hostname-multi", "POST", "/servers", "2.90", server(hostname="web", max_count=2), {}, 400,
     "badRequest", "Unable to allocate a single hostname to multiple instances"),
    ("host-member-2.74", "POST", "/servers", "2.74", server(host="fakenova-compute"), {}, 403, "forbidden",
     "Policy doesn't allow compute:servers:create:requested_destination to be performed."),
    ("unknown-zone", "POST", "/servers", "2.37", server(availability_zone="mars"), {}, 400, "badRequest",
     "The requested availability zone is not available"),
    ("both-bdm-syntaxes", "POST", "/servers", "2.37",
     server(block_device_mapping=[{"volume_id": MISSING, "device_name": "vda"}],
            block_device_mapping_v2=[{"uuid": MISSING, "source_type": "volume", "boot_index": 0,
                                      "destination_type": "volume"}]), {}, 400, "badRequest",
     "Using different block_device_mapping syntaxes is not allowed in the same request."),
    ("bad-version", "GET", "/servers", "2.01", None, {}, 400, "badRequest",
     "API Version String 2.01 is of invalid format. Must be of format MajorNum.MinorNum."),
    ("version-too-high", "GET", "/servers", "2.200", None, {}, 406, "computeFault",
     "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.104."),
    ("version-3", "GET", "/servers", "3.0", None, {}, 406, "computeFault",
     "Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.104."),
    ("legacy-bad-version", "GET", "/servers", None, None, {"X-OpenStack-Nova-API-Version": "v2.1"}, 400,
     "badRequest", "API Version String v2.1 is of invalid format. Must be of format MajorNum.MinorNum."),
    ("xml-content-type", "POST", "/servers", "2.37", "<server/>", {"Content-Type": "application/xml"}, 415,
     "badMediaType", "Unsupported Content-Type"),
    ("body-too-large", "POST", "/servers", "2.37", BIG, {}, 413, "overLimit",
     "Request is too large. Larger than max_request_body_size (114688)."),
    ("unknown-server", "GET", f"/servers/{MISSING}", "2.1", None, {}, 404, "itemNotFound",
     f"Instance {MISSING} could not be found."),
    ("non-uuid-server", "GET", "/servers/abc", "2.1", None, {}, 404, "itemNotFound",
     "Instance abc could not be found."),
    ("delete-unknown", "DELETE", f"/servers/{MISSING}", "2.1", None, {}, 404, "itemNotFound",
     f"Instance {MISSING} could not be found."),
    ("update-unknown-field", "PUT", f"/servers/{MISSING}", "2.1", {"server": {"color": "red"}}, {}, 400,
     "badRequest", "Invalid input for field/attribute server. Value: {'color': 'red'}. Additional properties "
     "are not allowed ('color' was unexpected)"),
    ("all-tenants-member", "GET", "/servers/detail?all_tenants=1", "2.1", None, {}, 403, "forbidden",
     "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."),
    ("limit-negative", "GET", "/servers?limit=-1", "2.1", None, {}, 400, "badRequest", None),
    ("unknown-marker", "GET", f"/servers?marker={MISSING}", "2.1", None, {}, 400, "badRequest",
     f"marker [{MISSING}] not found"),
    ("bad-status-2.38", "GET", "/servers?status=bogus", "2.38", None, {}, 400, "badRequest",
     "Invalid status value"),
    ("unknown-route", "GET", "/nonsense", "2.1", None, {}, 404, "itemNotFound",
     "The resource could not be found."),
    ("wrong-method", "PATCH", "/servers", "2.1", None, {}, 405, "badMethod",
     "The method specified is not allowed for this resource."),
    ("project-mismatch", "GET", "/4b3e5d301c8f4e31a09f8e7d6c5b4a39/servers", "2.1", None, {}, 400,
     "badRequest", "Malformed request URL: URL's project_id '4b3e5d301c8f4e31a09f8e7d6c5b4a39' doesn't match "
     "Context's project_id '3a2d4c2f0b7e4d209f8e7d6c5b4a3928'"),
]


@pytest.fixture
def token(cloud):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "domain": {"id": "default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}
    response = requests.post(f"{cloud.url}/identity/v3/auth/tokens", json=body, timeout=10)
    assert response.status_code == 201
    return response.headers["X-Subject-Token"]


def _send(cloud, token, method, path, version, body, headers):
    sent = {"X-Auth-Token": token, **headers}
    if version is not None:
        sent["OpenStack-API-Version"] = f"compute {version}"
    data = None
    if isinstance(body, dict):
        data = json.dumps(body)
        sent.setdefault("Content-Type", "application/json")
    elif body is not None:
        data = body
    return requests.request(method, f"{cloud.url}/compute/v2.1{path}", data=data, headers=sent, timeout=30)


def assert_nova_fault(response, status, key, message):
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    assert "<html" not in response.text.lower()
    body = response.json()
    assert list(body) == [key] and body[key]["code"] == status
    if message is not None:
        assert body[key]["message"] == message
    else:
        assert body[key]["message"].startswith("Invalid input for ")
    assert response.headers["x-openstack-request-id"] == response.headers["x-compute-request-id"]
    assert response.headers["x-openstack-request-id"].startswith("req-")


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_bad_input_gets_novas_error(cloud, token, case):
    _, method, path, version, body, headers, status, key, message = case
    response = _send(cloud, token, method, path, version, body, headers)
    assert_nova_fault(response, status, key, message)


@pytest.mark.parametrize("headers", [{}, {"X-Auth-Token": "gAAAAAnot-a-token"}], ids=["no-token", "unknown"])
def test_missing_or_unknown_token_is_keystone_401(cloud, headers):
    response = requests.get(f"{cloud.url}/compute/v2.1/servers", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": 401, "title": "Unauthorized",
                                         "message": "The request you have made requires authentication."}}
    assert response.headers["WWW-Authenticate"] == f'Keystone uri="{cloud.url}/identity"'
    assert "OpenStack-API-Version" not in response.headers


def test_expired_token_is_keystone_401(cloud, token):
    assert _send(cloud, token, "GET", "/servers", "2.1", None, {}).status_code == 200
    cloud.app.extensions["fakenova"].clock.advance(3601)
    response = _send(cloud, token, "GET", "/servers", "2.1", None, {})
    assert response.status_code == 401 and response.json()["error"]["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Keystone uri=")


def test_other_projects_server_is_404_like_a_missing_one(cloud, token):
    created = _send(cloud, token, "POST", "/servers", "2.37", server(), {})
    assert created.status_code == 202
    server_id = created.json()["server"]["id"]
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "alt_demo", "domain": {"name": "Default"}, "password": "alt_demo"}}},
        "scope": {"project": {"name": "alt_demo", "domain": {"name": "Default"}}}}}
    alt = requests.post(f"{cloud.url}/identity/v3/auth/tokens", json=body, timeout=10).headers["X-Subject-Token"]
    for method in ("GET", "DELETE"):
        response = _send(cloud, alt, method, f"/servers/{server_id}", "2.1", None, {})
        assert_nova_fault(response, 404, "itemNotFound", f"Instance {server_id} could not be found.")


def test_version_headers_on_errors_and_successes(cloud, token):
    for version, status in (("2.79", 200), ("2.200", 406)):
        response = _send(cloud, token, "GET", "/servers", version, None, {})
        assert response.status_code == status
        if status == 200:
            assert response.headers["OpenStack-API-Version"] == "compute 2.79"
            assert response.headers["X-OpenStack-Nova-API-Version"] == "2.79"
            assert response.headers["Vary"] == "OpenStack-API-Version, X-OpenStack-Nova-API-Version"
    response = _send(cloud, token, "GET", "/servers", None, None, {})
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"
