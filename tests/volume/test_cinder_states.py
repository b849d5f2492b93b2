"""Cinder's volume state machine: every action from every status, paced transitions, and Nova's attach/detach."""
from __future__ import annotations

import pytest
from support.apps import control
from support.cinder_api import IMAGE, MISSING, VOL1, VOL2, Cinder, fault, make_app

STATUSES = ["available", "in-use", "error", "creating", "attaching", "detaching"]
#: action -> (body, {start status: (HTTP status, status after)}); statuses not named are refused (400, unchanged)
ACTIONS = {
    "os-extend": ({"new_size": 9}, {"available": (202, "available"), "in-use": (202, "in-use")}),
    "os-reserve": ({}, {"available": (202, "attaching")}),
    "os-unreserve": ({}, {status: (202, "available" if status == "attaching" else status) for status in STATUSES}),
    "os-begin_detaching": ({}, {"in-use": (202, "detaching")}),
    "os-roll_detaching": ({}, {status: (202, "available" if status == "detaching" else status)
                               for status in STATUSES}),
    "os-update_readonly_flag": ({"readonly": True}, {"available": (202, "available")}),
    "os-set_bootable": ({"bootable": True}, {status: (200, status) for status in STATUSES}),
}
CASES = [(action, start) for action in ACTIONS for start in STATUSES]


@pytest.mark.parametrize("action,start", CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_action_by_status(demo, action, start):
    body, outcomes = ACTIONS[action]
    demo.set_status(VOL1, start)
    response = demo("POST", f"/volumes/{VOL1}/action", {action: body})
    code, after = outcomes.get(start, (400, start))
    assert response.status_code == code, response.json
    if code == 400:
        assert fault(response).startswith(("Invalid volume: ", "Invalid volume: Volume"))
    assert demo.status(VOL1) == after


@pytest.mark.parametrize("version,code", [("3.41", 400), ("3.42", 202)])
def test_extending_an_attached_volume_needs_3_42(demo, version, code):
    server = demo.server()
    assert demo.nova("POST", f"/servers/{server}/os-volume_attachments", {"volumeAttachment": {"volumeId": VOL1}}
                     ).status_code == 200
    response = demo("POST", f"/volumes/{VOL1}/action", {"os-extend": {"new_size": 2}}, version=version)
    assert response.status_code == code
    if code == 400:
        assert fault(response) == (f"Invalid volume: Volume {VOL1} status must be '{{'status': 'available'}}' to "
                                   f"extend, currently in-use.")
    expected = 2 if code == 202 else 1
    assert demo("GET", f"/volumes/{VOL1}").json["volume"]["size"] == expected


def test_extend_must_grow(demo):
    response = demo("POST", f"/volumes/{VOL2}/action", {"os-extend": {"new_size": 2}})
    assert response.status_code == 400 and fault(response) == (
        "Invalid input received: New size for extend must be greater than current size. (current: 2, "
        "extended: 2).")


#: (admin action, body, status after or None when gone)
ADMIN_ACTIONS = [
    ("os-reset_status", {"status": "error"}, "error"),
    ("os-reset_status", {"status": "maintenance"}, "maintenance"),
    ("os-force_delete", {}, None),
]


@pytest.mark.parametrize("action,body,after", ADMIN_ACTIONS)
def test_admin_actions(app, demo, admin, action, body, after):
    refused = demo("POST", f"/volumes/{VOL1}/action", {action: body})
    rule = {"os-reset_status": "reset_status", "os-force_delete": "force_delete"}[action]
    assert refused.status_code == 403 and fault(refused) == (
        f"Policy doesn't allow volume_extension:volume_admin_actions:{rule} to be performed.")
    assert admin("POST", f"/volumes/{VOL1}/action", {action: body}).status_code == 202
    shown = admin("GET", f"/volumes/{VOL1}")
    assert (shown.json["volume"]["status"] if after else shown.status_code) == (after or 404)


@pytest.mark.parametrize("status,message", [("deleting", "Cannot reset-state to deleting"),
                                            ("in-use", "Cannot reset-state to in-use because volume does not "
                                                       "have any attachments.")])
def test_reset_status_refusals(admin, status, message):
    response = admin("POST", f"/volumes/{VOL1}/action", {"os-reset_status": {"status": status}})
    assert response.status_code == 400 and fault(response) == message


def test_unknown_action(demo):
    response = demo("POST", f"/volumes/{VOL1}/action", {"os-fly": {}})
    assert response.status_code == 400 and fault(response) == "There is no such action: os-fly"


@pytest.mark.parametrize("pace,reads", [("polls:3", 3), ("immediate", 1)])
def test_creating_lasts_as_many_reads_as_the_pace_says(pace, reads):
    demo = Cinder(make_app(pace=pace))
    volume = demo("POST", "/volumes", {"volume": {"size": 1}}).json["volume"]["id"]
    seen = [demo.status(volume) for _ in range(reads)]
    assert seen == ["creating"] * (reads - 1) + ["available"]


def test_seconds_pace_follows_the_injected_clock():
    app = make_app(pace="seconds:10")
    demo = Cinder(app)
    volume = demo("POST", "/volumes", {"volume": {"size": 1}}).json["volume"]["id"]
    control(app).clock.advance(9)
    assert demo.status(volume) == "creating"
    control(app).clock.advance(1)
    assert demo.status(volume) == "available"
    assert demo("DELETE", f"/volumes/{volume}").status_code == 202
    assert demo.status(volume) == "deleting"
    control(app).clock.advance(10)
    assert demo("GET", f"/volumes/{volume}").status_code == 404


def test_nova_attach_and_detach_move_the_volume_and_record_both_sides():
    app = make_app(pace="polls:1")
    demo = Cinder(app)
    server = demo.server()
    made = demo.nova("POST", f"/servers/{server}/os-volume_attachments", {"volumeAttachment": {"volumeId": VOL1}})
    assert made.status_code == 200
    assert demo.status(VOL1) == "in-use"  # attaching was seen by no read: the first read ends it
    (attachment,) = demo("GET", f"/volumes/{VOL1}").json["volume"]["attachments"]
    assert (attachment["server_id"], attachment["device"], attachment["volume_id"]) == (server, "/dev/vdb", VOL1)
    refused = demo("DELETE", f"/volumes/{VOL1}")
    assert refused.status_code == 400 and "must not be migrating, attached" in fault(refused)
    assert demo.nova("DELETE", f"/servers/{server}/os-volume_attachments/{VOL1}").status_code == 202
    assert demo.status(VOL1) == "available"
    assert demo("GET", f"/volumes/{VOL1}").json["volume"]["attachments"] == []


def test_nova_refuses_a_volume_cinder_will_not_reserve(demo):
    server = demo.server()
    demo.set_status(VOL1, "error")
    response = demo.nova("POST", f"/servers/{server}/os-volume_attachments", {"volumeAttachment": {"volumeId": VOL1}})
    assert response.status_code == 400
    assert fault(response).startswith(f"Invalid input received: Invalid volume: Volume {VOL1} status must be "
                                      f"available or downloading to reserve, but the current status is error.")


#: (block device mapping, status, message) for boot from volume that Nova refuses
BFV_ERRORS = [
    ({"source_type": "volume", "uuid": "00000000-0000-4000-8000-000000000000"}, 400,
     "Block Device Mapping is Invalid: failed to get volume 00000000-0000-4000-8000-000000000000."),
    ({"source_type": "image", "uuid": IMAGE}, 400, "Block Device Mapping is Invalid: Images with "
     "destination_type 'volume' need to have a non-zero size specified"),
    ({"source_type": "blank"}, 400, "Block Device Mapping is Invalid: Blank volumes (source: 'blank', dest: "
     "'volume') need to have non-zero size"),
    ({"source_type": "snapshot", "uuid": "00000000-0000-4000-8000-000000000000", "volume_size": 1}, 400,
     "Block Device Mapping is Invalid: failed to get snapshot 00000000-0000-4000-8000-000000000000."),
    ({"source_type": "volume", "uuid": VOL2}, 400, f"Block Device {VOL2} is not bootable."),
]


@pytest.mark.parametrize("bdm,status,message", BFV_ERRORS)
def test_boot_from_volume_errors(demo, bdm, status, message):
    before = demo("GET", "/volumes").json
    body = {"name": "vm", "imageRef": "", "flavorRef": "1", "networks": "none",
            "block_device_mapping_v2": [{"destination_type": "volume", "boot_index": 0, **bdm}]}
    response = demo.nova("POST", "/servers", {"server": body}, version="2.37")
    assert response.status_code == status and fault(response) == message
    assert demo("GET", "/volumes").json == before


@pytest.mark.parametrize("source", ["image", "blank", "volume"])
def test_boot_from_volume_makes_or_takes_volumes_and_server_delete_honours_delete_on_termination(demo, source):
    bdm = {"source_type": source, "destination_type": "volume", "boot_index": 0, "volume_size": 4,
           "delete_on_termination": source != "volume", **({"uuid": IMAGE} if source == "image" else {}),
           **({"uuid": VOL1} if source == "volume" else {})}
    server = demo.server(imageRef="", block_device_mapping_v2=[bdm])
    shown = demo.nova("GET", f"/servers/{server}").json["server"]
    ((volume_id, _),) = [(v["id"], v) for v in shown["os-extended-volumes:volumes_attached"]]
    volume = demo("GET", f"/volumes/{volume_id}").json["volume"]
    assert volume["status"] == "in-use" and volume["attachments"][0]["server_id"] == server
    assert volume["bootable"] == ("false" if source == "blank" else "true")
    assert volume["size"] == (1 if source == "volume" else 4)
    assert demo.nova("DELETE", f"/servers/{server}").status_code == 204
    after = demo("GET", f"/volumes/{volume_id}")
    if source == "volume":
        assert after.json["volume"]["status"] == "available" and after.json["volume"]["attachments"] == []
    else:
        assert after.status_code == 404


def test_readonly_flag_shows_in_metadata_and_summary_from_3_12(demo):
    for flag in (True, False):
        assert demo("POST", f"/volumes/{VOL1}/action", {"os-update_readonly_flag": {"readonly": flag}}
                    ).status_code == 202
        assert demo("GET", f"/volumes/{VOL1}").json["volume"]["metadata"]["readonly"] == str(flag)
    assert demo("GET", "/volumes/summary", version="3.11").status_code == 404
    summary = demo("GET", "/volumes/summary", version="3.12").json
    assert summary == {"volume-summary": {"total_count": 3, "total_size": 8}}
    assert demo("GET", "/volumes/summary", version="3.36").json["volume-summary"]["metadata"] == {}


def test_create_and_update_bodies_carry_no_extension_attributes(demo):
    made = demo("POST", "/volumes", {"volume": {"size": 1, "imageRef": IMAGE}}).json["volume"]
    assert "os-vol-tenant-attr:tenant_id" not in made and "volume_image_metadata" not in made
    shown = demo("GET", f"/volumes/{made['id']}").json["volume"]
    assert shown["os-vol-tenant-attr:tenant_id"] == demo.project_id and shown["volume_image_metadata"]
    updated = demo("PUT", f"/volumes/{made['id']}", {"volume": {"name": "n"}}).json["volume"]
    assert "os-vol-tenant-attr:tenant_id" not in updated


def test_assisted_volume_snapshots_are_for_the_service_role_and_need_an_attached_volume(demo, admin):
    body = {"snapshot": {"volume_id": VOL1, "create_info": {"snapshot_id": MISSING, "type": "qcow2",
                                                            "new_file": "f", "id": MISSING}}}
    refused = demo.nova("POST", "/os-assisted-volume-snapshots", body)
    assert refused.status_code == 403 and fault(refused) == (
        "Policy doesn't allow os_compute_api:os-assisted-volume-snapshots:create to be performed.")
    unattached = admin.nova("POST", "/os-assisted-volume-snapshots", body)
    assert unattached.status_code == 400 and fault(unattached) == f"No volume Block Device Mapping with id {VOL1}."
    server = demo.server()
    demo.nova("POST", f"/servers/{server}/os-volume_attachments", {"volumeAttachment": {"volumeId": VOL1}})
    made = admin.nova("POST", "/os-assisted-volume-snapshots", body)
    assert made.status_code == 200 and made.json == {"snapshot": {"id": MISSING, "volumeId": VOL1}}
    info = '{"volume_id": "%s", "type": "qcow2"}' % VOL1
    assert admin.client.delete(f"/compute/v2.1/os-assisted-volume-snapshots/{MISSING}?delete_info={info}",
                               headers={"X-Auth-Token": admin.token}).status_code == 204
    missing = admin.client.delete(f"/compute/v2.1/os-assisted-volume-snapshots/{MISSING}",
                                  headers={"X-Auth-Token": admin.token})
    assert missing.status_code == 400 and fault(missing) == "'delete_info'"


def test_extend_while_another_volume_is_still_creating():
    demo = Cinder(make_app(pace="polls:5"))
    demo("POST", "/volumes", {"volume": {"size": 1}})  # stays creating for five reads
    response = demo("POST", f"/volumes/{VOL2}/action", {"os-extend": {"new_size": 3}})
    assert response.status_code == 202
