"""Cinder v3 through the HTTP layer: version documents, negotiation, volumes CRUD, lists, errors and policies."""
from __future__ import annotations

import pytest
from support.cinder_api import ALT_VOL, MISSING, VOL1, VOL2, Cinder, fault

CINDER_VERSION = {"id": "v3.0", "status": "CURRENT", "version": "3.71", "min_version": "3.0",
                  "updated": "2023-08-31T00:00:00Z"}


@pytest.mark.parametrize("path,status", [("/volume", 300), ("/volume/", 300), ("/volume/v3", 200),
                                         ("/volume/v3/", 200)])
def test_version_documents_need_no_token(app, path, status):
    response = app.test_client().get(path)
    assert response.status_code == status
    (document,) = response.json["versions"]
    assert {key: document[key] for key in CINDER_VERSION} == CINDER_VERSION
    assert document["links"][-1] == {"rel": "self", "href": "http://localhost/volume/v3/"}
    assert document["media-types"] == [{"base": "application/json",
                                        "type": "application/vnd.openstack.volume+json;version=3"}]


#: (OpenStack-API-Version header, status, negotiated version or error message)
NEGOTIATION = [
    (None, 200, "3.0"),
    ("volume 3.0", 200, "3.0"),
    ("volume 3.42", 200, "3.42"),
    ("volume 3.71", 200, "3.71"),
    ("volume latest", 200, "3.71"),
    ("compute 2.1, volume 3.27", 200, "3.27"),
    ("volume 3.72", 406, "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71."),
    ("volume 2.99", 406, "Version 2.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71."),
    ("volume 3.x", 400, "API Version String 3.x is of invalid format. Must be of format MajorNum.MinorNum."),
    ("compute 2.1", 400, "API version None is not supported on this method."),
]


@pytest.mark.parametrize("header,status,expected", NEGOTIATION)
def test_negotiation(demo, header, status, expected):
    headers = {"OpenStack-API-Version": header} if header else {}
    response = demo("GET", "/volumes", version=None, headers=headers)
    assert response.status_code == status
    assert "x-openstack-request-id" in response.headers and "x-compute-request-id" not in response.headers
    if status == 200:
        assert response.headers["OpenStack-API-Version"] == f"volume {expected}"
        assert response.headers["Vary"] == "OpenStack-API-Version"
    else:
        assert fault(response) == expected


def test_the_project_in_the_url_must_be_the_tokens(demo, admin):
    response = demo.client.get(f"/volume/v3/{admin.project_id}/volumes", headers={"X-Auth-Token": demo.token})
    assert response.status_code == 400 and response.json == {
        "badRequest": {"code": 400, "message": "Malformed request url"}}
    assert demo.client.get("/volume/v3/volumes", headers={"X-Auth-Token": demo.token}).status_code == 200


def test_no_token_is_keystones_401(app):
    response = app.test_client().get("/volume/v3/volumes")
    assert response.status_code == 401 and response.json["error"]["code"] == 401


#: (first version, keys the detail view adds from then on, for a non-admin)
DETAIL_KEYS = [("3.0", set()), ("3.13", {"group_id"}), ("3.48", {"group_id", "shared_targets", "service_uuid"}),
               ("3.63", {"group_id", "shared_targets", "service_uuid", "volume_type_id"}),
               ("3.65", {"group_id", "shared_targets", "service_uuid", "volume_type_id", "consumes_quota"})]
BASE_KEYS = {"id", "status", "size", "availability_zone", "created_at", "updated_at", "name", "description",
             "volume_type", "snapshot_id", "source_volid", "metadata", "links", "user_id", "bootable",
             "encrypted", "replication_status", "consistencygroup_id", "multiattach", "attachments",
             "os-vol-tenant-attr:tenant_id"}


@pytest.mark.parametrize("version", ["3.0", "3.12", "3.13", "3.47", "3.48", "3.62", "3.63", "3.64", "3.65", "3.71"])
def test_detail_keys_per_microversion(demo, version):
    added = [keys for since, keys in DETAIL_KEYS if tuple(map(int, since.split("."))) <=
             tuple(map(int, version.split(".")))][-1]
    shown = demo("GET", f"/volumes/{VOL1}", version=version).json["volume"]
    assert set(shown) == BASE_KEYS | added
    assert (shown["name"], shown["size"], shown["status"], shown["bootable"]) == ("demo-vol-1", 1, "available",
                                                                                   "true")


def test_create_is_202_creating_then_available(demo):
    response = demo("POST", "/volumes", {"volume": {"size": "3", "name": "data", "description": "d",
                                                    "metadata": {"k": "v"}}})
    assert response.status_code == 202
    made = response.json["volume"]
    assert (made["status"], made["size"], made["name"], made["description"], made["metadata"],
            made["volume_type"], made["availability_zone"]) == ("creating", 3, "data", "d", {"k": "v"},
                                                                 "__DEFAULT__", "nova")
    assert made["links"][0]["href"] == f"http://localhost/volume/v3/{demo.project_id}/volumes/{made['id']}"
    assert demo.status(made["id"]) == "available"


#: (body of the volume, status, message)
CREATE_ERRORS = [
    ({}, 400, "Invalid input received: Invalid volume size provided for create request: None (size argument must "
              "be an integer (or string representation of an integer) and greater than zero)."),
    ({"size": 0}, 400, "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"),
    ({"size": 1, "volume_type": "gold"}, 404, "Volume type with name gold could not be found."),
    ({"size": 1, "source_volid": MISSING}, 404, f"Volume {MISSING} could not be found."),
    ({"size": 1, "source_volid": ALT_VOL}, 404, f"Volume {ALT_VOL} could not be found."),
    ({"size": 1, "imageRef": MISSING}, 400, "Invalid image identifier or unable to access requested image."),
    ({"size": 1, "availability_zone": "elsewhere"}, 400, "Invalid input received: Availability zone 'elsewhere' "
                                                         "is invalid."),
    ({"size": 1, "multiattach": True}, 400, "multiattach parameter has been removed. The default behavior is to "
     "use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume "
     "type and use it to create multiattach volumes."),
]


@pytest.mark.parametrize("body,status,message", CREATE_ERRORS)
def test_create_errors_store_nothing(demo, body, status, message):
    before = demo("GET", "/volumes").json["volumes"]
    response = demo("POST", "/volumes", {"volume": body})
    assert response.status_code == status and fault(response) == message
    assert demo("GET", "/volumes").json["volumes"] == before


def test_unknown_keys_are_refused_from_3_53(demo):
    assert demo("POST", "/volumes", {"volume": {"size": 1, "colour": "red"}}, version="3.52").status_code == 202
    refused = demo("POST", "/volumes", {"volume": {"size": 1, "colour": "red"}}, version="3.53")
    assert refused.status_code == 400 and "colour" in fault(refused)


def test_create_from_image_and_from_volume(demo):
    from_image = demo("POST", "/volumes", {"volume": {"size": 1, "imageRef": "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"}})
    shown = demo("GET", f"/volumes/{from_image.json['volume']['id']}").json["volume"]
    assert shown["bootable"] == "true" and shown["volume_image_metadata"]["image_id"].startswith("8a6f")
    clone = demo("POST", "/volumes", {"volume": {"source_volid": VOL2}}).json["volume"]
    assert (clone["size"], clone["source_volid"]) == (2, VOL2)


def test_update_and_metadata(demo):
    updated = demo("PUT", f"/volumes/{VOL1}", {"volume": {"name": "renamed", "metadata": {"a": "1"}}})
    assert updated.status_code == 200 and updated.json["volume"]["name"] == "renamed"
    assert demo("POST", f"/volumes/{VOL1}/metadata", {"metadata": {"b": "2"}}).json == {
        "metadata": {"a": "1", "b": "2"}}
    assert demo("GET", f"/volumes/{VOL1}/metadata/b").json == {"meta": {"b": "2"}}
    assert demo("PUT", f"/volumes/{VOL1}/metadata/b", {"meta": {"b": "3"}}).json == {"meta": {"b": "3"}}
    assert demo("DELETE", f"/volumes/{VOL1}/metadata/a").status_code == 200
    assert demo("PUT", f"/volumes/{VOL1}/metadata", {"metadata": {"z": "9"}}).json == {"metadata": {"z": "9"}}
    missing = demo("GET", f"/volumes/{VOL1}/metadata/a")
    assert missing.status_code == 404 and fault(missing) == f"Volume {VOL1} has no metadata with key a."
    empty = demo("PUT", f"/volumes/{VOL1}", {"volume": {}}, version="3.53")
    assert empty.status_code == 400


def test_list_filters_sort_and_paging(demo):
    names = [volume["name"] for volume in demo("GET", "/volumes?sort=name:asc").json["volumes"]]
    assert names == ["demo-vol-1", "demo-vol-2", "demo-vol-3"]
    assert [v["name"] for v in demo("GET", "/volumes/detail?size=2").json["volumes"]] == ["demo-vol-2"]
    page = demo("GET", "/volumes?sort=name:asc&limit=2").json
    assert [v["name"] for v in page["volumes"]] == ["demo-vol-1", "demo-vol-2"]
    (link,) = page["volumes_links"]
    assert link["rel"] == "next" and f"marker={VOL2}" in link["href"]
    rest = demo("GET", f"/volumes?sort=name:asc&limit=2&marker={VOL2}").json
    assert [v["name"] for v in rest["volumes"]] == ["demo-vol-3"] and "volumes_links" not in rest
    counted = demo("GET", "/volumes?with_count=true&limit=1", version="3.45").json
    assert counted["count"] == 3 and len(counted["volumes"]) == 1
    assert "count" not in demo("GET", "/volumes?with_count=true", version="3.44").json
    missing = demo("GET", f"/volumes?marker={MISSING}")
    assert missing.status_code == 404 and fault(missing) == f"Marker {MISSING} could not be found."


def test_other_projects_volumes_are_404_and_admins_see_all_tenants(demo, admin):
    response = demo("GET", f"/volumes/{ALT_VOL}")
    assert response.status_code == 404 and response.json == {
        "itemNotFound": {"code": 404, "message": f"Volume {ALT_VOL} could not be found."}}
    assert ALT_VOL not in {v["id"] for v in demo("GET", "/volumes?all_tenants=1").json["volumes"]}
    assert ALT_VOL in {v["id"] for v in admin("GET", "/volumes?all_tenants=1").json["volumes"]}
    shown = admin("GET", f"/volumes/{ALT_VOL}").json["volume"]
    assert shown["os-vol-host-attr:host"] and "migration_status" in shown


def test_readers_may_read_but_not_write(app):
    from support.roles import grant

    grant(app, "demo", "demo", "reader")
    reader = Cinder(app)
    assert reader("GET", "/volumes").status_code == 200
    refused = reader("POST", "/volumes", {"volume": {"size": 1}})
    assert refused.status_code == 403 and refused.json == {
        "forbidden": {"code": 403, "message": "Policy doesn't allow volume:create to be performed."}}


def test_delete_states(demo):
    volume = demo.volume()
    demo.set_status(volume, "creating")
    refused = demo("DELETE", f"/volumes/{volume}")
    assert refused.status_code == 400 and fault(refused) == (
        "Invalid volume: Volume status must be available or error or error_restoring or error_extending or "
        "error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a "
        "transfer, or be disassociated from snapshots after volume transfer.")
    demo.set_status(volume, "error")
    assert demo("DELETE", f"/volumes/{volume}").status_code == 202
    assert demo("GET", f"/volumes/{volume}").status_code == 404


def test_types_default_and_admin_crud(demo, admin):
    (default,) = demo("GET", "/types").json["volume_types"]
    assert default["name"] == "__DEFAULT__" and default["extra_specs"] == {} and "qos_specs_id" not in default
    assert demo("GET", "/types/default").json["volume_type"]["id"] == default["id"]
    refused = demo("POST", "/types", {"volume_type": {"name": "gold"}})
    assert refused.status_code == 403 and fault(refused) == (
        "Policy doesn't allow volume_extension:type_create to be performed.")
    gold = admin("POST", "/types", {"volume_type": {"name": "gold", "extra_specs": {"tier": "1"}}}).json
    gold_id = gold["volume_type"]["id"]
    assert gold["volume_type"]["extra_specs"] == {"tier": "1"} and "qos_specs_id" not in gold["volume_type"]
    assert demo("GET", f"/types/{gold_id}").json["volume_type"]["extra_specs"] == {}  # not user-visible
    assert admin("GET", f"/types/{gold_id}").json["volume_type"]["qos_specs_id"] is None
    assert admin("POST", f"/types/{gold_id}/extra_specs", {"extra_specs": {"x": "y"}}).json == {
        "extra_specs": {"x": "y"}}
    assert admin("GET", f"/types/{gold_id}/extra_specs/x").json == {"x": "y"}
    typed = demo("POST", "/volumes", {"volume": {"size": 1, "volume_type": "gold"}}).json["volume"]
    assert typed["volume_type"] == "gold"
    in_use = admin("DELETE", f"/types/{gold_id}")
    assert in_use.status_code == 400 and fault(in_use) == "Target volume type is still in use."


def test_limits_zones_and_quota_sets(demo, admin):
    absolute = demo("GET", "/limits").json["limits"]["absolute"]
    assert (absolute["maxTotalVolumes"], absolute["totalVolumesUsed"], absolute["totalGigabytesUsed"]) == (10, 3, 8)
    assert demo("GET", "/os-availability-zone").json == {
        "availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True}}]}
    quota = demo("GET", f"/os-quota-sets/{demo.project_id}?usage=true").json["quota_set"]
    assert quota["volumes"] == {"limit": 10, "in_use": 3, "reserved": 0, "allocated": 0}
    assert quota["volumes___DEFAULT__"]["limit"] == -1
    assert demo("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": {"volumes": 4}}).status_code == 403
    assert admin("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": {"volumes": 4, "gigabytes": 12}}
                 ).json["quota_set"]["volumes"] == 4
    assert demo("POST", "/volumes", {"volume": {"size": 1}}).status_code == 202
    over = demo("POST", "/volumes", {"volume": {"size": 1}})
    assert over.status_code == 413 and over.headers["Retry-After"] == "0" and over.json == {"overLimit": {
        "code": 413, "message": "Maximum number of volumes allowed (4) exceeded for quota 'volumes'.",
        "retryAfter": "0"}}
    admin("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": {"volumes": 10}})
    big = demo("POST", "/volumes", {"volume": {"size": 5}})
    assert big.status_code == 413 and fault(big) == (
        "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5G, quota is 12G and 9G has "
        "been consumed.")
