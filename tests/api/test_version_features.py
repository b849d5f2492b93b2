"""Each named feature of the microversion history, through the HTTP API, just below and at its version.

``PROBES`` has one probe per feature in ``version_history.FEATURES`` (a test keeps the two equal, so naming a
new feature without testing it fails): the probe makes the request that tells the behaviours apart at the
given version and answers whether the newer behaviour was seen.
"""
from __future__ import annotations

from typing import Callable, Dict

import pytest
from support.server_api import IMAGE, PRIVATE, Api

from fakenova.microversions import Version
from fakenova.version_history import FEATURES, at

_VOLUME_BACKED = {"imageRef": "", "block_device_mapping_v2": [
    {"boot_index": 0, "uuid": IMAGE, "source_type": "image", "destination_type": "volume", "volume_size": 1}]}


def _description_is_its_own(api: Api, version: str) -> bool:
    """Created without a description: before the feature the name was stored as one."""
    body = {"server": {"name": "probe", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}]}}
    created = api("POST", "/servers", body, version=version)
    assert created.status_code == 202, created.json
    shown = api("GET", f"/servers/{created.json['server']['id']}", version=str(at("server-description")))
    return shown.json["server"]["description"] is None


def _deleted_server_actions_readable(api: Api, version: str) -> bool:
    server_id = api.server()
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    return api("GET", f"/servers/{server_id}/os-instance-actions", version=version).status_code == 200


def _invalid_status_rejected(api: Api, version: str) -> bool:
    response = api("GET", "/servers?status=bogus", version=version)
    assert response.status_code == 400 or response.json == {"servers": []}
    return response.status_code == 400


def _instance_actions_paged(api: Api, version: str) -> bool:
    server_id = api.server()
    api("POST", f"/servers/{server_id}/action", {"pause": None})
    response = api("GET", f"/servers/{server_id}/os-instance-actions?limit=1", version=version)
    assert response.status_code == 200, response.json
    return len(response.json["instanceActions"]) == 1 and "links" in response.json


def _action_on_volume_backed(body: dict, success: int) -> Callable[[Api, str], bool]:
    def probe(api: Api, version: str) -> bool:
        response = api("POST", f"/servers/{api.server(**_VOLUME_BACKED)}/action", body, version=version)
        assert response.status_code in (success, 400), response.json
        return response.status_code == success
    return probe


def _public_flavor_access_refused(api: Api, version: str) -> bool:
    admin = Api(api.app, "admin", "admin")
    body = {"addTenantAccess": {"tenant": "4b3e5d301c8f4e31a09f8e7d6c5b4a39"}}
    response = admin("POST", "/flavors/1/action", body, version=version)
    assert response.status_code in (200, 409), response.json
    return response.status_code == 409


def _extra_specs_validated(api: Api, version: str) -> bool:
    admin = Api(api.app, "admin", "admin")
    response = admin("POST", "/flavors/1/os-extra_specs", {"extra_specs": {"hw:cpu_policy": "x"}}, version=version)
    assert response.status_code in (200, 400), response.json
    return response.status_code == 400


PROBES: Dict[str, Callable[[Api, str], bool]] = {
    "server-description": _description_is_its_own,
    "deleted-server-actions": _deleted_server_actions_readable,
    "invalid-status-rejected": _invalid_status_rejected,
    "instance-action-paging": _instance_actions_paged,
    "rescue-volume-backed": _action_on_volume_backed({"rescue": None}, 200),
    "rebuild-volume-backed": _action_on_volume_backed({"rebuild": {"imageRef": IMAGE}}, 202),
    "public-flavor-access-refused": _public_flavor_access_refused,
    "extra-spec-validation": _extra_specs_validated,
}


#: the version Nova's REST_API_VERSION_HISTORY gives each feature, written independently of the table (whose
#: value the code follows, so probing alone could not notice the table being edited by mistake)
NOVA: Dict[str, str] = {
    "server-description": "2.19", "deleted-server-actions": "2.21", "invalid-status-rejected": "2.38",
    "instance-action-paging": "2.58", "rescue-volume-backed": "2.87", "rebuild-volume-backed": "2.93",
    "public-flavor-access-refused": "2.7", "extra-spec-validation": "2.86",
}


def test_every_named_feature_has_a_probe_and_novas_version() -> None:
    assert set(PROBES) == set(FEATURES) == set(NOVA)
    assert {name: str(version) for name, version in FEATURES.items()} == NOVA


@pytest.mark.parametrize("side", ["below", "at"])
@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_feature_starts_exactly_at_its_version(demo: Api, feature: str, side: str) -> None:
    since = FEATURES[feature]
    version = since if side == "at" else Version(since.major, since.minor - 1)
    assert PROBES[feature](demo, str(version)) is (side == "at")
