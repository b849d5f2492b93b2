"""Progress follows what the client waits on: under ``polls:N`` a snapshot's server advances when the client
reads the image (Glance or Nova's image proxy), so openstacksdk's ``create_image_snapshot(wait=True)``
finishes as it does against a real cloud."""
from __future__ import annotations

import pytest
import requests
from support.tokens import issue_token

from fakenova import create_app
from fakenova.domain.pace import parse_pace
from fakenova.serving import ServerThread
from fakenova.settings import Settings
from fakenova.testing.harness import FakeNova

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"


@pytest.fixture
def paced():
    app = create_app(Settings(seed=4, pace=parse_pace("polls:3")))
    with ServerThread(app) as server:
        yield server


def test_openstacksdk_waits_for_a_snapshot_through_glance(paced):
    conn = FakeNova(url=paced.url, app=paced.app).connection()
    server = conn.compute.create_server(name="snap-src", image_id=IMAGE, flavor_id="1",
                                        networks=[{"uuid": PRIVATE}])
    conn.compute.wait_for_server(server, wait=20, interval=0.01)
    image = conn.create_image_snapshot("snap", server.id, wait=True, timeout=20)
    assert image.status == "active"


@pytest.mark.parametrize("path", ["/image/v2/images/{id}", "/compute/v2.1/images/{id}"])
def test_reading_a_saving_snapshot_counts_as_a_poll_of_its_server(paced, path):
    headers = {"X-Auth-Token": issue_token(paced.app), "OpenStack-API-Version": "compute 2.60"}
    base = paced.url + "/compute/v2.1"
    server_id = requests.post(base + "/servers", headers=headers, json={"server": {
        "name": "s", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}]}}).json()["server"]["id"]
    while requests.get(f"{base}/servers/{server_id}", headers=headers).json()["server"]["status"] != "ACTIVE":
        pass
    answer = requests.post(f"{base}/servers/{server_id}/action", headers=headers,
                           json={"createImage": {"name": "snap"}})
    image_id = answer.json()["image_id"]
    statuses = []
    for _ in range(10):
        body = requests.get(paced.url + path.format(id=image_id),  # the image proxy ends at 2.35
                            headers={**headers, "OpenStack-API-Version": "compute 2.35"}).json()
        statuses.append((body.get("image") or body)["status"].lower())
        if statuses[-1] == "active":
            break
    assert statuses[-1] == "active" and "saving" in statuses, statuses
