"""``/os-aggregates`` and ``/os-availability-zone`` over a three-host fleet: CRUD, host actions, metadata
with Nova's zone checks, 2.41 uuid, 2.81 image cache, and the zones that aggregates make."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, Api, fault, make_app

HOST1, HOST2, HOST3 = "fakenova-compute-1", "fakenova-compute-2", "fakenova-compute-3"


@pytest.fixture
def admin() -> Api:
    return Api(make_app(hosts=3), "admin", "admin")


def create(admin: Api, name: str = "agg", zone=None, version: str = "2.41") -> dict:
    body = {"aggregate": {"name": name, **({"availability_zone": zone} if zone is not None else {})}}
    response = admin("POST", "/os-aggregates", body, version=version)
    assert response.status_code == 200, response.json
    return response.json["aggregate"]


def act(admin: Api, aggregate_id, body, version: str = "2.41"):
    return admin("POST", f"/os-aggregates/{aggregate_id}/action", body, version=version)


def boot(admin: Api, **server) -> dict:
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "none", **server}
    response = admin("POST", "/servers", {"server": body}, version="2.74")
    assert response.status_code == 202, response.json
    return admin("GET", f"/servers/{response.json['server']['id']}", version="2.74").json["server"]


def test_create_shape_and_uuid_from_2_41(admin):
    old = create(admin, "old", version="2.40")
    assert "uuid" not in old and "hosts" not in old and "metadata" not in old
    new = create(admin, "new", "az1")
    assert new["availability_zone"] == "az1" and "uuid" in new
    shown = admin("GET", f"/os-aggregates/{new['id']}", version="2.41").json["aggregate"]
    assert (shown["hosts"], shown["metadata"]) == ([], {"availability_zone": "az1"})


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.41"])
def test_bodies_match_novas_schemas(admin, version):
    made = create(admin, "agg", "az1", version=version)
    assert schema_errors("POST", "/os-aggregates", version, {"aggregate": made}) == []
    added = act(admin, made["id"], {"add_host": {"host": HOST1}}, version).json
    assert schema_errors("POST", "/os-aggregates/{id}/action", version, added, "add_host") == []
    listed = admin("GET", "/os-aggregates", version=version).json
    assert schema_errors("GET", "/os-aggregates", version, listed) == []


def test_duplicate_name_is_409(admin):
    create(admin, "agg")
    response = admin("POST", "/os-aggregates", {"aggregate": {"name": "agg"}})
    assert (response.status_code, fault(response)) == (409, "Aggregate agg already exists.")


def test_update_and_delete(admin):
    made = create(admin)
    response = admin("PUT", f"/os-aggregates/{made['id']}", {"aggregate": {"name": "renamed"}})
    assert response.json["aggregate"]["name"] == "renamed"
    act(admin, made["id"], {"add_host": {"host": HOST1}})
    busy = admin("DELETE", f"/os-aggregates/{made['id']}")
    assert (busy.status_code, fault(busy)) == (
        400, f"Cannot remove host from aggregate {made['id']}. Reason: Host aggregate is not empty.")
    act(admin, made["id"], {"remove_host": {"host": HOST1}})
    assert admin("DELETE", f"/os-aggregates/{made['id']}").status_code == 200
    assert fault(admin("GET", f"/os-aggregates/{made['id']}")) == f"Aggregate {made['id']} could not be found."
    assert fault(admin("GET", "/os-aggregates/x")) == "Invalid input received: id must be an integer"


@pytest.mark.parametrize("body,status,message", [
    ({"add_host": {"host": "nope"}}, 404, "Compute host nope could not be found."),
    ({"remove_host": {"host": HOST2}}, 404, "Cannot remove host fakenova-compute-2 in aggregate {id}"),
    ({"bogus": {}}, 400, "There is no such action: bogus"),
])
def test_host_action_errors(admin, body, status, message):
    made = create(admin)
    response = act(admin, made["id"], body)
    assert (response.status_code, fault(response)) == (status, message.format(id=made["id"]))


def test_host_already_in_aggregate_is_409(admin):
    made = create(admin)
    act(admin, made["id"], {"add_host": {"host": HOST1}})
    response = act(admin, made["id"], {"add_host": {"host": HOST1}})
    assert (response.status_code, fault(response)) == (409, f"Aggregate {made['id']} already has host {HOST1}.")


def test_zone_conflicts(admin):
    first, second = create(admin, "a", "az1"), create(admin, "b", "az2")
    act(admin, first["id"], {"add_host": {"host": HOST1}})
    response = act(admin, second["id"], {"add_host": {"host": HOST1}})
    assert response.status_code == 409
    assert fault(response) == (f"Cannot add host to aggregate {second['id']}. Reason: One or more hosts already "
                               f"in availability zone(s) ['az1'].")
    empty = act(admin, first["id"], {"set_metadata": {"metadata": {"availability_zone": ""}}})
    assert fault(empty) == (f"Cannot update metadata of aggregate {first['id']}. Reason: Aggregate a does not "
                            f"support empty named availability zone.")


def test_zone_change_with_servers_is_refused(admin):
    boot(admin, host=HOST1)
    made = create(admin, "a", "az1")
    response = act(admin, made["id"], {"add_host": {"host": HOST1}})
    assert response.status_code == 409 and "would change from 'None' to 'az1'" in fault(response)
    plain = create(admin, "b")
    act(admin, plain["id"], {"add_host": {"host": HOST1}})
    moved = act(admin, plain["id"], {"set_metadata": {"metadata": {"availability_zone": "az2"}}})
    assert fault(moved) == (f"Cannot update metadata of aggregate {plain['id']}. Reason: One or more hosts "
                            f"contain instances in this zone.")


def test_metadata_merge_and_null_removes(admin):
    made = create(admin)
    act(admin, made["id"], {"set_metadata": {"metadata": {"a": "1", "b": "2"}}})
    response = act(admin, made["id"], {"set_metadata": {"metadata": {"a": None}}})
    assert response.json["aggregate"]["metadata"] == {"b": "2"}


def test_aggregate_zone_places_servers_and_shows_in_zones(admin):
    made = create(admin, "a", "az1")
    act(admin, made["id"], {"add_host": {"host": HOST3}})
    server = boot(admin, availability_zone="az1")
    assert (server["OS-EXT-SRV-ATTR:host"], server["OS-EXT-AZ:availability_zone"]) == (HOST3, "az1")
    zones = admin("GET", "/os-availability-zone").json["availabilityZoneInfo"]
    assert [zone["zoneName"] for zone in zones] == ["az1", "nova"]
    detail = admin("GET", "/os-availability-zone/detail").json["availabilityZoneInfo"]
    assert {zone["zoneName"]: sorted(zone["hosts"]) for zone in detail} == {
        "az1": [HOST3], "internal": [HOST1], "nova": [HOST1, HOST2]}
    unknown = admin("POST", "/servers", {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1",
                                                    "networks": "none", "availability_zone": "az9"}},
                    version="2.37")
    assert fault(unknown) == "The requested availability zone is not available"


def test_disabled_zone_is_listed_unavailable(admin):
    made = create(admin, "a", "az1")
    act(admin, made["id"], {"add_host": {"host": HOST3}})
    admin("PUT", "/os-services/disable", {"host": HOST3, "binary": "nova-compute"})
    zones = admin("GET", "/os-availability-zone").json["availabilityZoneInfo"]
    assert zones == [{"zoneName": "nova", "zoneState": {"available": True}, "hosts": None},
                     {"zoneName": "az1", "zoneState": {"available": False}, "hosts": None}]


def test_image_cache_from_2_81(admin):
    made = create(admin)
    body = {"cache": [{"id": IMAGE}]}
    assert admin("POST", f"/os-aggregates/{made['id']}/images", body, version="2.80").status_code == 404
    assert admin("POST", f"/os-aggregates/{made['id']}/images", body, version="2.81").status_code == 202
    twice = admin("POST", f"/os-aggregates/{made['id']}/images", {"cache": [{"id": IMAGE}] * 2}, version="2.81")
    assert (twice.status_code, fault(twice)) == (400, "Duplicate images in request")


def test_member_is_refused(admin):
    member = Api(admin.app)
    made = create(admin)
    response = act(member, made["id"], {"add_host": {"host": HOST1}})
    assert fault(response) == "Policy doesn't allow os_compute_api:os-aggregates:add_host to be performed."
