"""A deleted server releases its volumes as its delete ends, as Nova does (detach, then delete_on_termination),
at every pace and on the one injected clock; not before, and without reading the server again."""
from __future__ import annotations

from typing import Callable, Dict, List

import pytest
from support.apps import control
from support.cinder_api import IMAGE, VOL1, Cinder, make_app

PACES = ["immediate", "polls:2", "seconds:10", "manual"]


def drive(pace: str, demo: Cinder, server: str) -> None:
    """Move the server's current action one stretch on, as its pace needs (reads, the clock, a step)."""
    drivers: Dict[str, Callable[[], object]] = {
        "immediate": lambda: None,
        "polls:2": lambda: demo.nova("GET", f"/servers/{server}"),
        "seconds:10": lambda: control(demo.app).clock.advance(10),
        "manual": lambda: control(demo.app).step_server(server),
    }
    drivers[pace]()


def boot(pace: str, demo: Cinder) -> str:
    """A server booted from a new image volume (deleted on termination) with VOL1 attached (kept), ACTIVE."""
    bdm = [{"source_type": "image", "uuid": IMAGE, "destination_type": "volume", "boot_index": 0,
            "volume_size": 1, "delete_on_termination": True},
           {"source_type": "volume", "uuid": VOL1, "destination_type": "volume", "boot_index": 1,
            "delete_on_termination": False}]
    body = {"name": "vm", "imageRef": "", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": bdm}
    made = demo.nova("POST", "/servers", {"server": body}, version="2.37")
    assert made.status_code == 202, made.json
    server = made.json["server"]["id"]
    for _ in range(10):
        if demo.nova("GET", f"/servers/{server}").json["server"]["status"] == "ACTIVE":
            return server
        drive(pace, demo, server)
    raise AssertionError(f"server never became ACTIVE at pace {pace}")


def root_of(demo: Cinder, server: str) -> str:
    attached = demo.nova("GET", f"/servers/{server}").json["server"]["os-extended-volumes:volumes_attached"]
    (root,) = [v["id"] for v in attached if v["id"] != VOL1]
    return root


def shown(demo: Cinder, volume: str) -> object:
    response = demo("GET", f"/volumes/{volume}")
    if response.status_code == 404:
        return 404
    assert response.status_code == 200
    body = response.json["volume"]
    return body["status"], [a["server_id"] for a in body["attachments"]]


#: pace -> what reads of the root volume show once the server is gone (its Cinder delete runs at the same pace)
ROOT_AFTER: Dict[str, List[object]] = {
    "immediate": [404, 404],
    "polls:2": [("deleting", []), 404],
    "seconds:10": [("deleting", []), ("deleting", [])],
    "manual": [("deleting", []), ("deleting", [])],
}


@pytest.mark.parametrize("pace", PACES)
def test_server_delete_releases_its_volumes_as_the_delete_ends(pace):
    demo = Cinder(make_app(pace=pace))
    server = boot(pace, demo)
    root = root_of(demo, server)
    assert shown(demo, VOL1) == ("in-use", [server]) and shown(demo, root) == ("in-use", [server])
    assert demo.nova("DELETE", f"/servers/{server}").status_code == 204
    if pace != "immediate":  # Nova releases them as the delete ends: while it runs they stay attached
        assert shown(demo, VOL1) == ("in-use", [server]) and shown(demo, root) == ("in-use", [server])
        # the clock driver ends the delete without reading the server; polls and steps act on the server
        drive(pace, demo, server)
        if pace == "polls:2":
            assert demo.nova("GET", f"/servers/{server}").status_code == 404
    assert shown(demo, VOL1) == ("available", [])
    assert [shown(demo, root) for _ in range(2)] == ROOT_AFTER[pace]
    if pace == "seconds:10":
        control(demo.app).clock.advance(10)
        assert shown(demo, root) == 404


def test_the_release_is_listed_at_once_with_the_server_gone():
    demo = Cinder(make_app())
    server = boot("immediate", demo)
    root = root_of(demo, server)
    assert demo.nova("DELETE", f"/servers/{server}").status_code == 204
    listed = {v["id"]: v["status"] for v in demo("GET", "/volumes/detail").json["volumes"]}
    assert root not in listed and listed[VOL1] == "available"
    assert demo.nova("GET", f"/servers/{server}").status_code == 404


def test_a_volume_with_snapshots_is_detached_but_kept():
    demo = Cinder(make_app())
    server = boot("immediate", demo)
    root = root_of(demo, server)
    made = demo("POST", "/snapshots", {"snapshot": {"volume_id": root, "force": True}})
    assert made.status_code == 202
    assert demo.nova("DELETE", f"/servers/{server}").status_code == 204
    # Cinder refuses to delete a volume with snapshots; Nova logs it and the volume stays, detached
    assert shown(demo, root) == ("available", [])


def test_a_soft_deleted_server_keeps_its_volumes_until_reclaimed():
    demo = Cinder(make_app(reclaim_instance_interval=60))
    server = boot("immediate", demo)
    root = root_of(demo, server)
    assert demo.nova("DELETE", f"/servers/{server}").status_code == 204
    assert demo.nova("GET", f"/servers/{server}").json["server"]["status"] == "SOFT_DELETED"
    assert shown(demo, VOL1) == ("in-use", [server])
    control(demo.app).clock.advance(59)
    assert shown(demo, VOL1) == ("in-use", [server])
    control(demo.app).clock.advance(1)
    assert shown(demo, VOL1) == ("available", []) and shown(demo, root) == 404
