"""Nova and Glance on the same image records: Nova's checks of the image at server create, snapshots
(createImage, shelve) in Glance with Nova's properties, and the compute image proxy on Glance's records."""
from __future__ import annotations

import pytest
from glance_support import Glance
from support.server_api import PRIVATE, Api, fault

GIB = 1024 ** 3


def boot(api: Api, image_id: str, flavor: str = "1"):
    body = {"name": "vm", "imageRef": image_id, "flavorRef": flavor, "networks": [{"uuid": PRIVATE}]}
    return api("POST", "/servers", {"server": body})


@pytest.fixture
def glance(app):
    return Glance(app)


#: (image fields, data uploaded, flavor, Nova's 400 message; {id} is the image id)
REFUSED = [
    ({}, None, "1", "Image {id} is not active."),
    ({"min_ram": 1024}, b"x", "1", "Flavor's memory is too small for requested image."),
    ({"min_disk": 5}, b"x", "1", f"Flavor's disk is smaller than the minimum size specified in image metadata. "
                                 f"Flavor disk is {GIB} bytes, minimum size is {5 * GIB} bytes."),
]


@pytest.mark.parametrize("fields,data,flavor,message", REFUSED)
def test_create_refuses_the_image(demo, glance, fields, data, flavor, message):
    image = glance.create(**fields)
    if data is not None:
        glance.upload(image["id"], data)
    response = boot(demo, image["id"], flavor)
    assert (response.status_code, fault(response)) == (400, message.format(id=image["id"]))
    assert demo("GET", "/servers").json["servers"] == []


def test_create_boots_an_uploaded_image_and_a_fitting_flavor(demo, glance):
    image = glance.create(min_ram=512, min_disk=1)  # exactly m1.tiny's 512 MB and 1 GB
    glance.upload(image["id"], b"disk")
    response = boot(demo, image["id"], "1")
    assert response.status_code == 202
    server = demo("GET", f"/servers/{response.json['server']['id']}").json["server"]
    assert (server["status"], server["image"]["id"]) == ("ACTIVE", image["id"])


def test_another_projects_private_image_is_not_found(app, demo):
    alt = Glance(app, "alt_demo")
    image = alt.create(visibility="private")
    alt.upload(image["id"], b"x")
    response = boot(demo, image["id"])
    assert (response.status_code, fault(response)) == (400, "Can not find requested image")


def test_snapshots_appear_in_glance_with_novas_properties(demo, glance):
    server_id = demo.server()
    made = demo("POST", f"/servers/{server_id}/action", {"createImage": {"name": "snap", "metadata": {"k": "v"}}},
                version="2.45")
    image = glance("GET", f"/images/{made.json['image_id']}").get_json()
    assert (image["name"], image["instance_uuid"], image["image_type"], image["k"], image["visibility"]) == (
        "snap", server_id, "snapshot", "v", "private")
    demo("POST", f"/servers/{server_id}/action", {"shelve": None})
    shelved = [i for i in glance("GET", "/images").get_json()["images"] if i["name"] == "vm-shelved"]
    assert [i["instance_uuid"] for i in shelved] == [server_id]


def test_compute_proxy_reads_and_writes_the_same_records(demo, glance):
    image = glance.create(name="shared-record", os_distro="cirros")
    proxied = demo("GET", f"/images/{image['id']}").json["image"]
    assert (proxied["name"], proxied["metadata"]["os_distro"], proxied["status"]) == (
        "shared-record", "cirros", "SAVING")
    demo("POST", f"/images/{image['id']}/metadata", {"metadata": {"color": "red"}})
    assert glance("GET", f"/images/{image['id']}").get_json()["color"] == "red"
    assert demo("DELETE", f"/images/{image['id']}").status_code == 204
    assert glance("GET", f"/images/{image['id']}").status_code == 404
