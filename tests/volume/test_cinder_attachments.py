"""Cinder's attachments API: reserve, connect, complete, delete, by microversion."""
from __future__ import annotations

import pytest
from support.cinder_api import MISSING, VOL1, fault

CONNECTOR = {"initiator": "iqn.1993-08.org.debian:01:cad181614cec", "ip": "192.168.1.20", "host": "tempest-1",
             "mountpoint": "/dev/vdb"}


@pytest.mark.parametrize("version,status", [("3.26", 404), ("3.27", 200)])
def test_attachments_exist_from_3_27(demo, version, status):
    assert demo("GET", "/attachments", version=version).status_code == status


def test_reserve_connect_complete_delete(demo):
    server = demo.server()
    made = demo("POST", "/attachments", {"attachment": {"volume_uuid": VOL1, "instance_uuid": server}})
    assert made.status_code == 200
    attachment = made.json["attachment"]
    assert (attachment["status"], attachment["instance"], attachment["connection_info"]) == ("reserved", server,
                                                                                           None)
    assert demo.status(VOL1) == "reserved"
    again = demo("POST", "/attachments", {"attachment": {"volume_uuid": VOL1}})
    assert again.status_code == 400 and fault(again) == (
        f"Invalid volume: Volume {VOL1} status must be available or downloading to reserve, but the current "
        f"status is reserved.")
    updated = demo("PUT", f"/attachments/{attachment['id']}", {"attachment": {"connector": CONNECTOR}}).json
    assert updated["attachment"]["connection_info"]["driver_volume_type"] == "iscsi"
    assert demo.status(VOL1) == "attaching"
    assert demo("POST", f"/attachments/{attachment['id']}/action", {"os-complete": None},
                version="3.43").status_code == 404
    assert demo("POST", f"/attachments/{attachment['id']}/action", {"os-complete": None}).status_code == 204
    volume = demo("GET", f"/volumes/{VOL1}").json["volume"]
    assert volume["status"] == "in-use" and volume["attachments"][0]["attachment_id"] == attachment["id"]
    assert demo("GET", f"/attachments/{attachment['id']}").json["attachment"]["status"] == "attached"
    assert [a["id"] for a in demo("GET", "/attachments/detail").json["attachments"]] == [attachment["id"]]
    assert demo("DELETE", f"/attachments/{attachment['id']}").json == {"attachments": []}
    assert demo.status(VOL1) == "available"
    missing = demo("GET", f"/attachments/{MISSING}")
    assert missing.status_code == 404 and fault(missing) == (
        f"Volume attachment could not be found with filter: attachment_id = {MISSING}.")


def test_error_volumes_take_no_attachment(demo):
    demo.set_status(VOL1, "error")
    refused = demo("POST", "/attachments", {"attachment": {"volume_uuid": VOL1, "connector": CONNECTOR}})
    assert refused.status_code == 400 and fault(refused).startswith(
        "Invalid volume: Volume attachments can not be created if the volume is in an error state.")
