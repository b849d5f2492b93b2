"""Cinder snapshots, and Nova's os-volumes / os-snapshots proxies (2.1-2.35) over the same records."""
from __future__ import annotations

import pytest
from support.cinder_api import MISSING, VOL1, VOL2, fault

PROXY_PATHS = ["/os-volumes", "/os-volumes/detail", f"/os-volumes/{VOL1}", "/os-snapshots", "/os-snapshots/detail"]


@pytest.mark.parametrize("path", PROXY_PATHS)
@pytest.mark.parametrize("version,status", [("2.1", 200), ("2.35", 200), ("2.36", 404), ("2.104", 404)])
def test_proxies_exist_until_2_35(demo, path, version, status):
    assert demo.nova("GET", path, version=version).status_code == status


def test_snapshot_lifecycle_and_force_for_in_use(demo):
    made = demo("POST", "/snapshots", {"snapshot": {"volume_id": VOL1, "name": "snap"}})
    assert made.status_code == 202 and made.json["snapshot"]["status"] == "creating"
    snapshot = made.json["snapshot"]["id"]
    shown = demo("GET", f"/snapshots/{snapshot}").json["snapshot"]
    assert (shown["status"], shown["size"], shown["volume_id"], shown["name"]) == ("available", 1, VOL1, "snap")
    refused = demo("DELETE", f"/volumes/{VOL1}")
    assert refused.status_code == 400 and "have snapshots" in fault(refused)
    assert demo("PUT", f"/snapshots/{snapshot}", {"snapshot": {"name": "renamed"}}).json["snapshot"]["name"] == \
        "renamed"
    assert demo("DELETE", f"/snapshots/{snapshot}").status_code == 202
    assert demo("GET", f"/snapshots/{snapshot}").status_code == 404
    server = demo.server()
    demo.nova("POST", f"/servers/{server}/os-volume_attachments", {"volumeAttachment": {"volumeId": VOL2}})
    in_use = demo("POST", "/snapshots", {"snapshot": {"volume_id": VOL2}}, version="3.65")
    assert in_use.status_code == 400 and fault(in_use) == (
        f"Invalid volume: Volume {VOL2} status must be available, but current status is: in-use.")
    assert demo("POST", "/snapshots", {"snapshot": {"volume_id": VOL2, "force": True}}, version="3.65"
                ).status_code == 202
    assert demo("POST", "/snapshots", {"snapshot": {"volume_id": VOL2}}, version="3.66").status_code == 202
    missing = demo("GET", f"/snapshots/{MISSING}")
    assert missing.status_code == 404 and fault(missing) == f"Snapshot {MISSING} could not be found."


def test_volume_from_snapshot(demo):
    snapshot = demo("POST", "/snapshots", {"snapshot": {"volume_id": VOL2}}).json["snapshot"]["id"]
    made = demo("POST", "/volumes", {"volume": {"snapshot_id": snapshot}}).json["volume"]
    assert (made["snapshot_id"], made["size"]) == (snapshot, 2)
    small = demo("POST", "/volumes", {"volume": {"snapshot_id": snapshot, "size": 1}})
    assert small.status_code == 400 and fault(small) == (
        "Invalid input received: Volume size '1'GB cannot be smaller than the snapshot size 2GB. They must be >= "
        "original snapshot size.")


def test_os_volumes_proxy_shows_cinder_records_the_nova_way(demo):
    server = demo.server()
    demo.nova("POST", f"/servers/{server}/os-volume_attachments", {"volumeAttachment": {"volumeId": VOL1}})
    shown = demo.nova("GET", f"/os-volumes/{VOL1}", version="2.35").json["volume"]
    assert shown == {"id": VOL1, "status": "in-use", "size": 1, "availabilityZone": "nova",
                     "createdAt": "2026-01-01T00:00:00.000000", "displayName": "demo-vol-1",
                     "attachments": [{"id": VOL1, "volumeId": VOL1, "serverId": server, "device": "/dev/vdb"}],
                     "displayDescription": None, "volumeType": "__DEFAULT__", "snapshotId": None, "metadata": {}}
    refused = demo.nova("DELETE", f"/os-volumes/{VOL1}", version="2.35")
    assert refused.status_code == 400 and fault(refused).startswith("Invalid input received: Invalid volume: ")
    made = demo.nova("POST", "/os-volumes", {"volume": {"size": 1, "display_name": "proxy"}}, version="2.35")
    assert made.status_code == 200 and made.headers["Location"].endswith(made.json["volume"]["id"])
    volume_id = made.json["volume"]["id"]
    assert demo("GET", f"/volumes/{volume_id}").json["volume"]["name"] == "proxy"
    assert demo.nova("DELETE", f"/os-volumes/{volume_id}", version="2.35").status_code == 202
    missing = demo.nova("GET", f"/os-volumes/{MISSING}", version="2.35")
    assert missing.status_code == 404 and fault(missing) == f"Volume {MISSING} could not be found."


def test_os_snapshots_proxy(demo):
    made = demo.nova("POST", "/os-snapshots", {"snapshot": {"volume_id": VOL1, "display_name": "s"}}, version="2.35")
    assert made.status_code == 200
    snapshot = made.json["snapshot"]
    assert set(snapshot) == {"id", "volumeId", "status", "size", "createdAt", "displayName", "displayDescription"}
    listed = demo.nova("GET", "/os-snapshots/detail", version="2.35").json["snapshots"]
    assert [(s["id"], s["status"]) for s in listed] == [(snapshot["id"], "available")]
    assert demo.nova("DELETE", f"/os-snapshots/{snapshot['id']}", version="2.35").status_code == 202
    assert demo.nova("GET", f"/os-snapshots/{snapshot['id']}", version="2.35").status_code == 404


def test_proxy_create_over_quota_is_403(demo, admin):
    admin("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": {"volumes": 3}})
    refused = demo.nova("POST", "/os-volumes", {"volume": {"size": 1}}, version="2.35")
    assert refused.status_code == 403 and fault(refused) == (
        "Maximum number of volumes allowed (3) exceeded for quota 'volumes'.")
