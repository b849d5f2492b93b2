"""Boot volumes over Cinder's quota: the create is accepted (202) and the server's build aborts as Nova's does.

Nova's compute manager creates a server's boot volumes; Cinder's 413 there becomes OverQuota, then a
BuildAbortException: the server ends in ERROR with the fault ``Build of instance <id> aborted: <Cinder's
message>`` and no volume is made. The check runs inside the create's one transaction, counting the volumes the
create itself makes (a multiple create's first server can take the last of the quota). A multiple create
cannot attach one existing volume to every server (Nova's 400, before anything is stored).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import pytest
from support.apps import control
from support.cinder_api import IMAGE, PRIVATE, VOL1, VOL2, Cinder, make_app

from fakenova.domain.cinder_paths import VolumeAction
from fakenova.domain.pace import AfterSeconds

Usage = Dict[str, Dict[str, int]]

#: (quota an admin sets, from the project's usage; volume size; servers; status of each server; the Cinder
#: message of the aborted builds, from the usage)
CASES: List[Tuple[Callable[[Usage], Dict[str, int]], int, int, Tuple[str, ...], Callable[[Usage], str]]] = [
    (lambda used: {"volumes": used["volumes"]["in_use"]}, 1, 1, ("ERROR",),
     lambda used: f"Maximum number of volumes allowed ({used['volumes']['in_use']}) exceeded for quota 'volumes'."),
    (lambda used: {"gigabytes": used["gigabytes"]["in_use"] + 1}, 2, 1, ("ERROR",),
     lambda used: f"Requested volume or snapshot exceeds allowed gigabytes quota. Requested 2G, quota is "
                  f"{used['gigabytes']['in_use'] + 1}G and {used['gigabytes']['in_use']}G has been consumed."),
    (lambda used: {"per_volume_gigabytes": 1}, 2, 1, ("ERROR",),
     lambda used: "Requested volume size 2G is larger than maximum allowed limit 1G."),
    # the first server takes the last volume the quota allows; the second counts it
    (lambda used: {"volumes": used["volumes"]["in_use"] + 1}, 1, 2, ("ACTIVE", "ERROR"),
     lambda used: f"Maximum number of volumes allowed ({used['volumes']['in_use'] + 1}) exceeded for quota "
                  f"'volumes'."),
    (lambda used: {"volumes": used["volumes"]["in_use"] + 2}, 1, 2, ("ACTIVE", "ACTIVE"), lambda used: ""),
]


def _usage(demo: Cinder) -> Usage:
    response = demo("GET", f"/os-quota-sets/{demo.project_id}?usage=True")
    assert response.status_code == 200
    return {key: value for key, value in response.json["quota_set"].items() if isinstance(value, dict)}


def _boot(demo: Cinder, size: int, count: int) -> List[Dict[str, Any]]:
    bdm = {"source_type": "image", "uuid": IMAGE, "destination_type": "volume", "boot_index": 0,
           "volume_size": size, "delete_on_termination": True}
    body = {"name": "bfv", "imageRef": "", "flavorRef": "1", "networks": [{"uuid": PRIVATE}], "min_count": count,
            "max_count": count, "return_reservation_id": True, "block_device_mapping_v2": [bdm]}
    made = demo.nova("POST", "/servers", {"server": body})
    assert made.status_code == 202, made.json
    listed = demo.nova("GET", f"/servers/detail?reservation_id={made.json['reservation_id']}")
    assert listed.status_code == 200
    return sorted(listed.json["servers"], key=lambda server: server["name"])


@pytest.mark.parametrize("limits, size, count, statuses, message", CASES,
                         ids=["volumes", "gigabytes", "per-volume", "second-over", "both-fit"])
def test_boot_volumes_over_cinder_quota_abort_the_build(limits, size, count, statuses, message):
    app = make_app()
    demo, admin = Cinder(app), Cinder(app, "admin", "admin")
    used = _usage(demo)
    wanted = limits(used)
    assert admin("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": wanted}).status_code == 200
    servers = _boot(demo, size, count)
    assert tuple(server["status"] for server in servers) == statuses
    made = 0
    for server in servers:
        attached = server["os-extended-volumes:volumes_attached"]
        if server["status"] == "ACTIVE":
            assert "fault" not in server and len(attached) == 1
            made += 1
            continue
        assert attached == [] and server["OS-EXT-STS:task_state"] is None
        assert server["fault"] == {"code": 500, "created": server["fault"]["created"],
                                   "message": f"Build of instance {server['id']} aborted: {message(used)}"}
    after = _usage(demo)
    assert after["volumes"]["in_use"] == used["volumes"]["in_use"] + made
    assert after["gigabytes"]["in_use"] == used["gigabytes"]["in_use"] + made * size


def test_a_multiple_create_cannot_attach_one_volume_to_every_server():
    app = make_app()
    demo = Cinder(app)
    bdm = {"source_type": "volume", "uuid": VOL1, "destination_type": "volume", "boot_index": 0}
    body = {"name": "bfv", "imageRef": "", "flavorRef": "1", "networks": [{"uuid": PRIVATE}], "min_count": 1,
            "max_count": 2, "block_device_mapping_v2": [bdm]}
    refused = demo.nova("POST", "/servers", {"server": body})
    assert refused.status_code == 400
    assert refused.json == {"badRequest": {"code": 400,
                                           "message": "Cannot attach one or more volumes to multiple instances"}}
    assert demo.nova("GET", "/servers").json["servers"] == []
    assert demo("GET", f"/volumes/{VOL1}").json["volume"]["status"] == "available"


def test_a_volume_whose_delete_has_ended_frees_its_share_for_the_boot_volume():
    """The check inside the create counts the records as stored, so the create first ends the project's volume
    transitions that are due: a delete finished by the clock, but not yet read, no longer counts."""
    app = make_app(paces={VolumeAction.VOLUME_DELETE: AfterSeconds(10)})
    demo, admin = Cinder(app), Cinder(app, "admin", "admin")
    assert demo("DELETE", f"/volumes/{VOL2}").status_code == 202
    used = _usage(demo)  # VOL2 still counts while it is deleting
    assert admin("PUT", f"/os-quota-sets/{demo.project_id}",
                 {"quota_set": {"volumes": used["volumes"]["in_use"]}}).status_code == 200
    control(app).clock.advance(10)
    (server,) = _boot(demo, 1, 1)
    assert server["status"] == "ACTIVE" and len(server["os-extended-volumes:volumes_attached"]) == 1
    assert demo("GET", f"/volumes/{VOL2}").status_code == 404
    assert _usage(demo)["volumes"]["in_use"] == used["volumes"]["in_use"]
