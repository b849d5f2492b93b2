"""The action request schemas against Nova's own: the same verdict on a corpus of bodies at every version.

Needs Nova's generated schemas from ``../shared`` and skips cleanly without them.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, Optional

import pytest
from support.nova_reference import NOVA_REF, needs_shared, operation

from fakenova.api.compute.actions import ACTIONS
from fakenova.api.validation import first_error
from fakenova.microversions import MAX_VERSION, MIN_VERSION, V

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"

#: per action key, values to put under the key: Nova and fakenova must agree on each one
CORPUS: Dict[str, list] = {
    "reboot": [{"type": "SOFT"}, {"type": "hard"}, {"type": "GENTLE"}, {}, None],
    "resize": [{"flavorRef": "2"}, {"flavorRef": 2, "OS-DCF:diskConfig": "AUTO"}, {"flavorRef": ""}, {}],
    "rebuild": [{"imageRef": IMAGE}, {"imageRef": IMAGE, "description": "d"}, {"imageRef": IMAGE, "key_name": None},
                {"imageRef": IMAGE, "personality": []}, {"imageRef": IMAGE, "user_data": "aGk="},
                {"imageRef": IMAGE, "hostname": "a.b"}, {"imageRef": IMAGE, "hostname": "ab"},
                {"imageRef": IMAGE, "trusted_image_certificates": ["x"]}, {"name": "x"}],
    "createImage": [{"name": "s"}, {"name": "s", "metadata": {"k": "v"}}, {"metadata": {}}],
    "createBackup": [{"name": "b", "backup_type": "daily", "rotation": 1}, {"name": "b", "backup_type": "d",
                                                                           "rotation": -1}],
    "rescue": [None, {}, {"rescue_image_ref": IMAGE}, {"bogus": 1}],
    "unshelve": [None, {}, {"availability_zone": "nova"}, {"availability_zone": None}, {"host": "h"}],
    "lock": [None, {}, {"locked_reason": "r"}, {"locked_reason": ""}],
    "changePassword": [{"adminPass": "x"}, {}],
    "os-getConsoleOutput": [{}, {"length": 5}, {"length": "-1"}, {"length": -2}, {"length": None}],
    "trigger_crash_dump": [None, {}],
    "migrate": [None, {"host": "h"}, {"host": None}, {"bogus": 1}],
    "os-migrateLive": [{"block_migration": "auto", "host": None},
                       {"block_migration": False, "disk_over_commit": False, "host": None},
                       {"block_migration": True, "host": "h", "force": True}],
    "evacuate": [{}, {"onSharedStorage": False}, {"host": "h", "force": False}, {"adminPass": "x"}],
    "os-resetState": [{"state": "active"}, {"state": "paused"}],
    "addSecurityGroup": [{"name": "web"}, {"name": ""}],
    "addFixedIp": [{"networkId": "n"}, {}],
    "addFloatingIp": [{"address": "10.0.0.1"}, {"address": "x"}],
    "os-getVNCConsole": [{"type": "novnc"}, {"type": "serial"}],
    "pause": [None, {}, 1],
}


@lru_cache(maxsize=None)
def _nova_schema(module: str, name: str) -> Any:
    return json.loads((NOVA_REF / "generated" / "schemas" / f"{module}.json").read_text())[name]


def nova_request_schema(key: str, version: str) -> Optional[Any]:
    """Nova's request schema for an action key at ``version`` (None when Nova validates nothing)."""
    ver = V(version)
    for row in operation("POST", "/servers/{id}/action", key)["request_body_schemas"]:
        low, high = row["min_version"], row["max_version"]
        if (low is None or V(low) <= ver) and (high is None or ver <= V(high)):
            return _nova_schema(row["schema_module"], row["schema"])
    return None


def _boundaries(key: str):
    """The versions where the key's table or Nova's might change: each row's first and last version."""
    entry = ACTIONS[key]
    edges = {MIN_VERSION, MAX_VERSION, V("2.56"), V("2.25"), V("2.95")}
    for versions, _ in entry.schemas.ranges():
        edges |= {versions.since, versions.until or MAX_VERSION}
    return sorted(version for version in edges if version in entry.versions)


CHECKS = [(key, str(version)) for key in CORPUS for version in _boundaries(key)]


@needs_shared
@pytest.mark.parametrize("key,version", CHECKS)
def test_same_verdicts_as_nova(key, version):
    nova = nova_request_schema(key, version)
    ours = ACTIONS[key].schemas.get(V(version))
    for value in CORPUS[key]:
        body = {key: value}
        expected = True if nova in (None, {}) else first_error(nova, body) is None
        assert (first_error(ours, body) is None) == expected, (body, version)
