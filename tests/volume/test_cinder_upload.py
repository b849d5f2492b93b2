"""``os-volume_upload_image``: a Glance image from a volume, with Cinder's answer, status path and refusals."""
from __future__ import annotations

import pytest
from support.cinder_api import VOL1, fault

UPLOAD = "os-volume_upload_image"

#: (microversion, action body, image fields Glance then shows)
UPLOADS = [
    ("3.0", {"image_name": "img", "disk_format": "qcow2"},
     {"name": "img", "disk_format": "qcow2", "container_format": "bare", "visibility": "shared",
      "status": "active"}),
    ("3.0", {"image_name": "raw-img"}, {"name": "raw-img", "disk_format": "raw", "visibility": "shared"}),
    ("3.1", {"image_name": "v31"}, {"name": "v31", "visibility": "private", "protected": False}),
    ("3.1", {"image_name": "pub", "visibility": "shared", "protected": True},
     {"visibility": "shared", "protected": True}),
]


@pytest.mark.parametrize("version,body,image_fields", UPLOADS)
def test_upload_makes_a_glance_image(demo, version, body, image_fields):
    response = demo("POST", f"/volumes/{VOL1}/action", {UPLOAD: body}, version=version)
    assert response.status_code == 202
    answer = response.json[UPLOAD]
    assert answer["id"] == VOL1 and answer["status"] == "uploading" and answer["image_name"] == body["image_name"]
    assert ("visibility" in answer) == (version == "3.1")
    image = demo.client.get(f"/image/v2/images/{answer['image_id']}", headers={"X-Auth-Token": demo.token})
    assert image.status_code == 200
    assert {key: image.json[key] for key in image_fields} == image_fields
    assert image.json["owner"] == demo.project_id
    assert demo("GET", f"/volumes/{VOL1}").json["volume"]["status"] in ("uploading", "available")


#: (action body, status, Cinder's message)
REFUSALS = [
    ({}, 400, None),
    ({"image_name": ""}, 400, None),
    ({"image_name": "x", "disk_format": "iso"}, 400, None),
    ({"image_name": "x", "visibility": "private"}, 400, None),  # 3.1's parameter at 3.0
]


@pytest.mark.parametrize("body,status,message", REFUSALS)
def test_upload_refusals_store_nothing(demo, body, status, message):
    before = demo.client.get("/image/v2/images", headers={"X-Auth-Token": demo.token}).json["images"]
    response = demo("POST", f"/volumes/{VOL1}/action", {UPLOAD: body}, version="3.0")
    assert response.status_code == status
    if message is not None:
        assert fault(response) == message
    assert demo.client.get("/image/v2/images", headers={"X-Auth-Token": demo.token}).json["images"] == before
    assert demo("GET", f"/volumes/{VOL1}").json["volume"]["status"] == "available"


@pytest.mark.parametrize("force,allowed", [(False, "available"), (True, "available or in-use")])
def test_a_busy_volume_is_refused(demo, force, allowed):
    assert demo("POST", f"/volumes/{VOL1}/action", {"os-reserve": {}}).status_code == 202
    refused = demo("POST", f"/volumes/{VOL1}/action", {UPLOAD: {"image_name": "x", "force": force}})
    assert refused.status_code == 400
    assert fault(refused) == f"Invalid volume: Volume {VOL1} status must be {allowed}"
    assert demo("GET", f"/volumes/{VOL1}").json["volume"]["status"] == "attaching"
