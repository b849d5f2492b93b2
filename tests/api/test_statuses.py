"""Every status in Nova's list is reachable through the API (UNKNOWN excepted, see below).

Each row starts a server in a vm_state (set through the store, as the control plane sets one), runs an
action at a ``polls:N`` pace and reads the server ``reads`` times; the last read shows the status.
UNKNOWN is what Nova shows for a vm_state outside its map: fakenova's vm_states are a closed Enum that
the map covers, so no API call can store one; ``derive_status`` is tested for it directly.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

import pytest
from support.server_api import IMAGE, Api, make_app

from fakenova.domain.pace import AfterPolls
from fakenova.domain.states import Status, VmState, derive_status


class Reach(NamedTuple):
    status: str
    start: Optional[VmState]
    body: Any
    caller: str = "demo"
    version: str = "2.1"
    polls: int = 1
    reads: int = 1


REACH = (
    Reach("ACTIVE", VmState.STOPPED, {"os-start": None}),
    Reach("SHUTOFF", VmState.ACTIVE, {"os-stop": None}),
    Reach("REBOOT", VmState.ACTIVE, {"reboot": {"type": "SOFT"}}, polls=3),
    Reach("HARD_REBOOT", VmState.ACTIVE, {"reboot": {"type": "HARD"}}, polls=3),
    Reach("MIGRATING", VmState.PAUSED, {"os-migrateLive": {"block_migration": "auto", "host": None}}, "admin",
          "2.25", polls=2),
    Reach("PASSWORD", VmState.ACTIVE, {"changePassword": {"adminPass": "x"}}, polls=2),
    Reach("PAUSED", VmState.ACTIVE, {"pause": None}),
    Reach("SUSPENDED", VmState.ACTIVE, {"suspend": None}),
    Reach("REBUILD", VmState.STOPPED, {"rebuild": {"imageRef": IMAGE}}, polls=3),
    Reach("RESCUE", VmState.ACTIVE, {"rescue": None}),
    Reach("RESIZE", VmState.ACTIVE, {"resize": {"flavorRef": "2"}}, polls=4),
    Reach("VERIFY_RESIZE", VmState.ACTIVE, {"migrate": None}, "admin"),
    Reach("REVERT_RESIZE", VmState.RESIZED, {"revertResize": None}, polls=2),
    Reach("SHELVED", VmState.ACTIVE, {"shelve": None}, polls=4, reads=3),
    Reach("SHELVED_OFFLOADED", VmState.SUSPENDED, {"shelve": None}),
    Reach("ERROR", VmState.ACTIVE, {"os-resetState": {"state": "error"}}, "admin"),
    Reach("BUILD", None, None, polls=3),
)


@pytest.mark.parametrize("reach", REACH, ids=lambda r: r.status)
def test_status_is_reachable(reach):
    api = Api(make_app(paces={"create": AfterPolls(reach.polls)} if reach.start is None else {},
                       pace=AfterPolls(reach.polls), hosts=2))  # two hosts: migrations have somewhere to go
    if reach.start is None:
        response = api("POST", "/servers", {"server": {"name": "b", "imageRef": IMAGE, "flavorRef": "1",
                                                       "networks": "none"}}, version="2.37")
        server_id = response.json["server"]["id"]
    else:
        server_id = _active_server(api)
        api.set_state(server_id, reach.start)
        caller = api if reach.caller == "demo" else Api(api.app, "admin", "admin")
        assert caller("POST", f"/servers/{server_id}/action", reach.body, version=reach.version).status_code < 300
    shown = [api("GET", f"/servers/{server_id}").json["server"]["status"] for _ in range(reach.reads)]
    assert shown[-1] == reach.status


def _active_server(api: Api) -> str:
    response = api("POST", "/servers", {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1",
                                                   "networks": "none"}}, version="2.37")
    server_id = response.json["server"]["id"]
    while api("GET", f"/servers/{server_id}").json["server"]["status"] == "BUILD":
        pass  # each read is one poll of the create path
    return server_id


def test_soft_deleted_and_deleted_are_reachable():
    app = make_app(reclaim_instance_interval=60)
    demo, admin = Api(app), Api(app, "admin", "admin")
    soft, hard = demo.server(), demo.server()
    demo("DELETE", f"/servers/{soft}")
    assert demo("GET", f"/servers/{soft}").json["server"]["status"] == "SOFT_DELETED"
    demo("POST", f"/servers/{hard}/action", {"forceDelete": None})
    demo("GET", f"/servers/{hard}")
    listed = admin("GET", "/servers/detail?deleted=true&all_tenants=1").json["servers"]
    assert {server["id"]: server["status"] for server in listed}[hard] == "DELETED"


def test_unknown_is_derived_for_a_vm_state_outside_the_map():
    assert derive_status("migrating-to-mars", None) is Status.UNKNOWN


def test_every_status_is_covered_here():
    covered = {reach.status for reach in REACH} | {"SOFT_DELETED", "DELETED", "UNKNOWN"}
    assert covered == {status.value for status in Status}
