"""Per-volume-type quotas (``volumes_<type>``, ``gigabytes_<type>``, ``snapshots_<type>``): shown in os-quota-sets
with Cinder's -1 defaults, counted per type, and enforced with Cinder's OverQuota messages, storing nothing."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.cinder_api import Cinder, fault

PER_TYPE_KEYS = ("volumes_gold", "gigabytes_gold", "snapshots_gold")


@pytest.fixture
def gold(admin) -> str:
    made = admin("POST", "/types", {"volume_type": {"name": "gold"}})
    assert made.status_code == 200, made.json
    return made.json["volume_type"]["id"]


def limit(admin: Cinder, demo: Cinder, **limits: int) -> None:
    response = admin("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": limits})
    assert response.status_code == 200, response.json
    assert {key: response.json["quota_set"][key] for key in limits} == limits


def gold_volume(demo: Cinder, size: int = 1) -> str:
    made = demo("POST", "/volumes", {"volume": {"size": size, "volume_type": "gold"}})
    assert made.status_code == 202, made.json
    return made.json["volume"]["id"]


@pytest.mark.parametrize("path", ["", "/defaults"])
def test_every_type_has_its_quotas_at_minus_one(demo, gold, path):
    quota = demo("GET", f"/os-quota-sets/{demo.project_id}{path}")
    assert quota.status_code == 200
    shown = quota.json["quota_set"]
    assert {key: shown[key] for key in (*PER_TYPE_KEYS, "volumes___DEFAULT__")} == {
        **{key: -1 for key in PER_TYPE_KEYS}, "volumes___DEFAULT__": -1}


def test_usage_is_counted_per_type(demo, gold):
    volume = gold_volume(demo, 3)
    assert demo("POST", "/snapshots", {"snapshot": {"volume_id": volume}}).status_code == 202
    shown = demo("GET", f"/os-quota-sets/{demo.project_id}?usage=true").json["quota_set"]
    in_use = {key: shown[key]["in_use"] for key in (*PER_TYPE_KEYS, "volumes___DEFAULT__", "gigabytes___DEFAULT__",
                                                    "volumes", "gigabytes", "snapshots")}
    assert in_use == {"volumes_gold": 1, "gigabytes_gold": 6, "snapshots_gold": 1, "volumes___DEFAULT__": 3,
                      "gigabytes___DEFAULT__": 8, "volumes": 4, "gigabytes": 14, "snapshots": 1}
    assert shown["volumes_gold"] == {"limit": -1, "in_use": 1, "reserved": 0, "allocated": 0}


#: (limits, existing gold volumes, size asked, Cinder's message); Cinder reports the first over key in sorted order
CREATE_REFUSALS = [
    ({"volumes_gold": 1}, 1, 1, "Maximum number of volumes allowed (1) exceeded for quota 'volumes_gold'."),
    ({"volumes_gold": 0}, 0, 1, "Maximum number of volumes allowed (0) exceeded for quota 'volumes_gold'."),
    ({"gigabytes_gold": 3}, 0, 4, "Requested volume or snapshot exceeds allowed gigabytes_gold quota. Requested "
                                  "4G, quota is 3G and 0G has been consumed."),
    ({"gigabytes_gold": 5}, 1, 3, "Requested volume or snapshot exceeds allowed gigabytes_gold quota. Requested "
                                  "3G, quota is 5G and 3G has been consumed."),
    ({"gigabytes_gold": 1, "volumes_gold": 0}, 0, 2, "Requested volume or snapshot exceeds allowed gigabytes_gold "
                                                     "quota. Requested 2G, quota is 1G and 0G has been consumed."),
    ({"gigabytes": 9, "gigabytes_gold": 1}, 0, 2, "Requested volume or snapshot exceeds allowed gigabytes quota. "
                                                  "Requested 2G, quota is 9G and 8G has been consumed."),
    ({"volumes": 3, "volumes_gold": 0}, 0, 1, "Maximum number of volumes allowed (3) exceeded for quota 'volumes'."),
]


@pytest.mark.parametrize("limits,existing,size,message", CREATE_REFUSALS)
def test_a_create_over_a_type_quota_is_cinders_413_and_stores_nothing(demo, admin, gold, limits, existing, size,
                                                                       message):
    for _ in range(existing):
        gold_volume(demo, 3)
    limit(admin, demo, **limits)
    before = demo("GET", "/volumes/detail").json
    refused = demo("POST", "/volumes", {"volume": {"size": size, "volume_type": "gold"}})
    assert refused.status_code == 413 and refused.headers["Retry-After"] == "0"
    assert refused.json == {"overLimit": {"code": 413, "message": message, "retryAfter": "0"}}
    assert demo("GET", "/volumes/detail").json == before


def test_a_type_quota_leaves_other_types_alone(demo, admin, gold):
    limit(admin, demo, volumes_gold=0, gigabytes_gold=0)
    assert demo("POST", "/volumes", {"volume": {"size": 1}}).status_code == 202


#: (limits, Cinder's message) for a snapshot of a 2 GB gold volume
SNAPSHOT_REFUSALS = [
    ({"snapshots_gold": 0}, "Maximum number of snapshots allowed (0) exceeded"),
    ({"gigabytes_gold": 3}, "Requested volume or snapshot exceeds allowed gigabytes_gold quota. Requested 2G, "
                            "quota is 3G and 2G has been consumed."),
    ({"gigabytes_gold": 3, "snapshots_gold": 0}, "Requested volume or snapshot exceeds allowed gigabytes_gold "
                                                 "quota. Requested 2G, quota is 3G and 2G has been consumed."),
]


@pytest.mark.parametrize("limits,message", SNAPSHOT_REFUSALS)
def test_a_snapshot_over_a_type_quota_is_refused(demo, admin, gold, limits: Dict[str, Any], message):
    volume = gold_volume(demo, 2)
    limit(admin, demo, **limits)
    refused = demo("POST", "/snapshots", {"snapshot": {"volume_id": volume}})
    assert refused.status_code == 413 and fault(refused) == message
    assert demo("GET", "/snapshots").json == {"snapshots": []}


def test_an_extend_over_a_type_quota_is_worded_as_the_project_gigabytes(demo, admin, gold):
    volume = gold_volume(demo, 2)
    assert demo.status(volume) == "available"
    limit(admin, demo, gigabytes_gold=3)
    refused = demo("POST", f"/volumes/{volume}/action", {"os-extend": {"new_size": 4}})
    # Cinder's extend re-raises any OverQuota with the project's gigabytes figures (volume/api.py _extend)
    assert refused.status_code == 413 and fault(refused) == (
        "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 2G, quota is 1000G and 10G has "
        "been consumed.")
    shown = demo("GET", f"/volumes/{volume}").json["volume"]
    assert (shown["size"], shown["status"]) == (2, "available")
    assert demo("POST", f"/volumes/{volume}/action", {"os-extend": {"new_size": 3}}).status_code == 202


def test_a_bad_per_type_key_is_refused(demo, admin, gold):
    refused = admin("PUT", f"/os-quota-sets/{demo.project_id}", {"quota_set": {"volumes_silver": 1}})
    assert refused.status_code == 400 and fault(refused) == "Bad key(s) in quota set: volumes_silver"
    assert "volumes_silver" not in demo("GET", f"/os-quota-sets/{demo.project_id}").json["quota_set"]
