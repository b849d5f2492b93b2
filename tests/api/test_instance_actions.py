"""``os-instance-actions``: every action is logged with its request id; events, paging and visibility."""
from __future__ import annotations

import pytest
from support.apps import control
from support.nova_reference import needs_shared, schema_errors
from support.server_api import MISSING, Api, fault, make_app

from fakenova.microversions import all_versions


def actions(api: Api, server_id: str, version: str = "2.1", query: str = ""):
    return api("GET", f"/servers/{server_id}/os-instance-actions{query}", version=version)


def test_every_action_is_logged_with_the_request_id_that_did_it(demo):
    server_id = demo.server()
    ids = [demo("POST", f"/servers/{server_id}/action", body).headers["x-openstack-request-id"]
           for body in ({"os-stop": None}, {"os-start": None}, {"lock": None}, {"unlock": None})]
    listed = actions(demo, server_id).json["instanceActions"]
    assert [a["action"] for a in listed] == ["unlock", "lock", "start", "stop", "create"]
    assert [a["request_id"] for a in listed[:4]] == list(reversed(ids))
    assert set(listed[0]) == {"action", "instance_uuid", "request_id", "user_id", "project_id", "start_time",
                              "message"}


def test_refused_actions_are_not_logged(demo):
    server_id = demo.server()
    assert demo("POST", f"/servers/{server_id}/action", {"os-start": None}).status_code == 409
    assert [a["action"] for a in actions(demo, server_id).json["instanceActions"]] == ["create"]


def test_show_with_events_for_admins_always_and_members_from_2_51(demo, admin):
    server_id = demo.server()
    request_id = demo("POST", f"/servers/{server_id}/action", {"os-stop": None}).headers["x-compute-request-id"]
    path = f"/servers/{server_id}/os-instance-actions/{request_id}"
    assert "events" not in demo("GET", path, version="2.50").json["instanceAction"]
    (event,) = demo("GET", path, version="2.51").json["instanceAction"]["events"]
    assert event["event"] == "compute_stop_instance" and event["result"] == "Success"
    assert "traceback" not in event
    admin_event = admin("GET", path, version="2.84").json["instanceAction"]["events"][0]
    assert admin_event["host"] == "fakenova-compute" and len(admin_event["hostId"]) == 56
    assert admin_event["traceback"] is None and admin_event["details"] is None
    assert set(demo("GET", path, version="2.84").json["instanceAction"]["events"][0]) == {
        "event", "start_time", "finish_time", "result", "hostId"}


def test_unknown_request_id_and_server(demo):
    server_id = demo.server()
    missing = demo("GET", f"/servers/{server_id}/os-instance-actions/req-nope")
    assert missing.status_code == 404 and fault(missing) == "Action req-nope not found"
    assert actions(demo, MISSING).status_code == 404


def test_deleted_servers_are_readable_from_2_21(demo):
    server_id = demo.server()
    demo("DELETE", f"/servers/{server_id}")
    assert actions(demo, server_id, "2.20").status_code == 404
    assert [a["action"] for a in actions(demo, server_id, "2.21").json["instanceActions"]] == ["delete", "create"]


def test_paging_with_limit_marker_and_links_from_2_58(demo):
    server_id = demo.server()
    for body in ({"pause": None}, {"unpause": None}):
        demo("POST", f"/servers/{server_id}/action", body)
    first = actions(demo, server_id, "2.58", "?limit=2").json
    assert [a["action"] for a in first["instanceActions"]] == ["unpause", "pause"]
    assert "updated_at" in first["instanceActions"][0]
    marker = first["instanceActions"][-1]["request_id"]
    assert first["links"][0]["href"].endswith(f"os-instance-actions?limit=2&marker={marker}")
    rest = actions(demo, server_id, "2.58", f"?limit=2&marker={marker}").json
    assert [a["action"] for a in rest["instanceActions"]] == ["create"] and "links" not in rest
    bad = actions(demo, server_id, "2.58", "?marker=req-unknown")
    assert bad.status_code == 400 and fault(bad) == "Marker req-unknown could not be found."


def test_changes_since_and_before():
    demo = Api(make_app())
    clock = control(demo.app).clock
    server_id = demo.server()
    clock.advance(600)
    demo("POST", f"/servers/{server_id}/action", {"pause": None})
    stamp = demo("GET", f"/servers/{server_id}", version="2.1").json["server"]["updated"]
    since = actions(demo, server_id, "2.58", f"?changes-since={stamp}").json["instanceActions"]
    assert [a["action"] for a in since] == ["pause"]
    before = actions(demo, server_id, "2.66", f"?changes-before={stamp}").json["instanceActions"]
    assert [a["action"] for a in before] == ["pause", "create"]
    assert actions(demo, server_id, "2.65", f"?changes-before={stamp}").status_code == 400


@needs_shared
@pytest.mark.parametrize("version", [str(v) for v in all_versions()][::7] + ["2.51", "2.62", "2.84", "2.104"])
@pytest.mark.parametrize("who", ["demo", "admin"])
def test_bodies_match_novas_schemas(demo, admin, version, who):
    api = {"demo": demo, "admin": admin}[who]
    server_id = api.server()
    request_id = api("POST", f"/servers/{server_id}/action", {"os-stop": None}).headers["x-compute-request-id"]
    listed = actions(api, server_id, version).json
    assert schema_errors("GET", "/servers/{server_id}/os-instance-actions", version, listed) == []
    shown = api("GET", f"/servers/{server_id}/os-instance-actions/{request_id}", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/os-instance-actions/{id}", version, shown) == []
