"""The compute image proxy's writes: ``DELETE /images/{id}`` (to 2.35) and the image metadata API (to 2.38),
on the same records Glance's API shows."""
from __future__ import annotations

import pytest
from support.server_api import IMAGE, MISSING, Api, fault


@pytest.fixture
def snapshot(demo):
    response = demo("POST", f"/servers/{demo.server()}/action",
                    {"createImage": {"name": "snap", "metadata": {"purpose": "test"}}}, version="2.45")
    return response.json["image_id"]


def glance(api: Api, image_id: str):
    return api.client.get(f"/image/v2/images/{image_id}", headers={"X-Auth-Token": api.token})


def test_metadata_crud_shows_in_glance(demo, snapshot):
    path = f"/images/{snapshot}/metadata"
    assert demo("GET", path).json["metadata"]["purpose"] == "test"
    merged = demo("POST", path, {"metadata": {"os_distro": "cirros"}}).json["metadata"]
    assert merged["os_distro"] == "cirros" and merged["purpose"] == "test"
    assert demo("GET", f"{path}/os_distro").json == {"meta": {"os_distro": "cirros"}}
    assert demo("PUT", f"{path}/os_distro", {"meta": {"os_distro": "ubuntu"}}).json == {"meta": {"os_distro": "ubuntu"}}
    assert glance(demo, snapshot).json["os_distro"] == "ubuntu"
    assert demo("DELETE", f"{path}/os_distro").status_code == 204
    assert "os_distro" not in glance(demo, snapshot).json
    assert demo("PUT", path, {"metadata": {"only": "this"}}).json == {"metadata": {"only": "this"}}
    assert demo("GET", path).json == {"metadata": {"only": "this"}}


def test_metadata_errors(demo, snapshot):
    path = f"/images/{snapshot}/metadata"
    missing = demo("GET", f"/images/{MISSING}/metadata")
    assert missing.status_code == 404 and fault(missing) == "Image not found."
    assert fault(demo("GET", f"{path}/nope")) == "The resource could not be found."
    assert fault(demo("DELETE", f"{path}/nope")) == "Invalid metadata key"
    mismatch = demo("PUT", f"{path}/a", {"meta": {"b": "1"}})
    assert mismatch.status_code == 400 and fault(mismatch) == "Request body and URI mismatch"
    assert demo("PUT", f"{path}/a", {"meta": {"a": "1", "b": "2"}}).status_code == 400
    assert demo("POST", path, {"metadata": {"k": 1}}).status_code == 400


def test_metadata_quota(app, demo, snapshot):
    app.extensions["fakenova"].store.put("quota", "3a2d4c2f0b7e4d209f8e7d6c5b4a3928", {"metadata_items": 2})
    response = demo("POST", f"/images/{snapshot}/metadata", {"metadata": {"a": "1", "b": "2"}})
    assert response.status_code == 403 and fault(response) == "Image metadata limit exceeded"


def test_a_public_image_is_not_the_members_to_change(demo):
    response = demo("POST", f"/images/{IMAGE}/metadata", {"metadata": {"a": "1"}})
    assert response.status_code == 403 and fault(response) == f"Not authorized for image {IMAGE}."
    refused = demo("DELETE", f"/images/{IMAGE}")
    assert refused.status_code == 403 and fault(refused) == "You are not allowed to delete the image."


@pytest.mark.parametrize("version, code", [("2.38", 200), ("2.39", 404)])
def test_metadata_ends_at_2_38(demo, snapshot, version, code):
    assert demo("GET", f"/images/{snapshot}/metadata", version=version).status_code == code


@pytest.mark.parametrize("version, code", [("2.35", 204), ("2.36", 404)])
def test_delete_until_2_35_and_gone_from_glance(demo, snapshot, version, code):
    assert demo("DELETE", f"/images/{snapshot}", version=version).status_code == code
    assert glance(demo, snapshot).status_code == (404 if code == 204 else 200)


def test_delete_missing_and_other_projects_image(app, demo, snapshot):
    assert fault(demo("DELETE", f"/images/{MISSING}")) == "Image not found."
    other = Api(app, "alt_demo", "alt_demo")
    assert other("DELETE", f"/images/{snapshot}").status_code == 404  # private: not visible
    assert Api(app, "admin", "admin")("DELETE", f"/images/{snapshot}").status_code == 204
