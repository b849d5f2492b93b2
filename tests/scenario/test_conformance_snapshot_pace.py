"""The conformance run's one slower action (conformance/snapshot-pace.yaml): a snapshot is in progress until the
server or its image is read once, so a second createImage sent before that is Nova's 409, and the first look
(at the server, or at the image through Glance) sees it done."""
from __future__ import annotations

from pathlib import Path

import pytest
from support.apps import control
from support.server_api import Api, fault, make_app

SCENARIO = Path(__file__).resolve().parents[2] / "conformance" / "snapshot-pace.yaml"


@pytest.fixture
def demo():
    app = make_app()
    handle = control(app)
    handle.load_scenario(str(SCENARIO))
    try:
        yield Api(app)
    finally:
        handle.unload_scenario("conformance-snapshot-pace")


def _snapshot(demo: Api, server_id: str, name: str):
    return demo("POST", f"/servers/{server_id}/action", {"createImage": {"name": name}})


@pytest.mark.parametrize("look", ["server", "image"])
def test_a_second_snapshot_before_any_look_is_409_and_the_first_look_ends_it(demo, look):
    server_id = demo.server()
    first = _snapshot(demo, server_id, "one")
    assert first.status_code == 202
    image_id = first.headers["Location"].rsplit("/", 1)[-1]
    second = _snapshot(demo, server_id, "two")
    assert second.status_code == 409
    assert fault(second) == (f"Cannot 'createImage' instance {server_id} while it is in task_state "
                             f"image_snapshot_pending")
    if look == "server":
        server = demo("GET", f"/servers/{server_id}").json["server"]
        assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    glance = demo.client.get(f"/image/v2/images/{image_id}", headers={"X-Auth-Token": demo.token})
    assert (glance.status_code, glance.get_json()["status"]) == (200, "active")
    server = demo("GET", f"/servers/{server_id}").json["server"]
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert _snapshot(demo, server_id, "three").status_code == 202
