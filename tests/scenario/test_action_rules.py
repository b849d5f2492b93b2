"""A rule's ``when.action`` names exactly what the handler does: each action variant fires its own rule only.

One row per variant a request can resolve to (the reboot type, the evacuate microversion, delete or soft delete
by the reclaim setting). Every rule is tried against every request; the status and the journal's verdict say
whether it fired.
"""
from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

import pytest
from support.tokens import auth_headers

from fakenova import Settings, create_app
from fakenova.clock import ManualClock

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
SCRIPTED = 599  # no handler answers this: only the rule can


class Variant(NamedTuple):
    name: str                        # the Action value a rule names
    method: str
    body: Optional[Dict[str, Any]]   # None for DELETE /servers/{id}; the create body for POST /servers
    version: str = "2.1"
    reclaim: bool = False            # run with reclaim_instance_interval > 0 (DELETE soft-deletes)


def _action(key: str, value: Any = None, version: str = "2.1") -> Variant:
    return Variant("", "POST", {key: value}, version)


VARIANTS = (
    Variant("create", "POST", {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1"}}),
    Variant("delete", "DELETE", None),
    Variant("soft_delete", "DELETE", None, reclaim=True),
    _action("forceDelete")._replace(name="force_delete"),
    _action("reboot", {"type": "SOFT"})._replace(name="reboot_soft"),
    _action("reboot", {"type": "hard"})._replace(name="reboot_hard"),
    _action("resize", {"flavorRef": "2"})._replace(name="resize"),
    _action("confirmResize")._replace(name="confirm_resize"),
    _action("revertResize")._replace(name="revert_resize"),
    _action("evacuate", {}, "2.94")._replace(name="evacuate"),
    _action("evacuate", {}, "2.95")._replace(name="evacuate_stopped"),
    _action("os-stop")._replace(name="stop"),
    _action("migrate")._replace(name="migrate"),
)


class Cloud:
    def __init__(self) -> None:
        self.app = create_app(Settings(quota={"instances": -1, "cores": -1, "ram": -1}), clock=ManualClock())
        self.client = self.app.test_client()
        self.headers = auth_headers(self.app)

    def load(self, name: str, document: Dict[str, Any]) -> None:
        response = self.client.post("/_fakenova/scenarios", json={"scenario": {"name": name, **document}})
        assert response.status_code == 201, response.json

    def api(self, method: str, path: str, version: str, body: Any = None):
        headers = {**self.headers, "OpenStack-API-Version": f"compute {version}"}
        return self.client.open("/compute/v2.1" + path, method=method, headers=headers, json=body)

    def rules(self, document: Dict[str, Any]) -> None:
        """Load the rules under test, with a fresh server for each request to come (made before they apply)."""
        self.client.delete("/_fakenova/scenarios")
        create = {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1"}}
        self.servers = [self.api("POST", "/servers", "2.1", create).json["server"]["id"] for _ in VARIANTS]
        self.load("rules", document)

    def send(self, variant: Variant) -> int:
        """Send ``variant``'s request (on a new server for actions); its status."""
        if variant.reclaim:
            self.load("reclaim", {"config": {"reclaim_instance_interval": 60}})
        if variant.name == "create":
            status = self.api("POST", "/servers", variant.version, variant.body).status_code
        else:
            path = f"/servers/{self.servers.pop()}"
            status = (self.api("DELETE", path, variant.version).status_code if variant.body is None
                      else self.api("POST", path + "/action", variant.version, variant.body).status_code)
        if variant.reclaim:
            assert self.client.delete("/_fakenova/scenarios/reclaim").status_code in (200, 204)
        return status

    def verdict(self) -> Dict[str, Any]:
        """The rule's verdict on the last compute request."""
        journal = self.client.get("/_fakenova/journal").json["journal"]
        return next(v for e in reversed(journal) for v in e.get("rules") or () if v["rule"] == "rules/r")


@pytest.fixture(scope="module")
def cloud() -> Cloud:
    return Cloud()


@pytest.mark.parametrize("named", VARIANTS, ids=[v.name for v in VARIANTS])
def test_a_rule_for_one_variant_fires_on_it_and_on_no_other(cloud: Cloud, named: Variant) -> None:
    cloud.rules({"rules": [{"name": "r", "when": {"action": named.name}, "then": {"respond": {"status": SCRIPTED}}}]})
    for variant in VARIANTS:
        status = cloud.send(variant)
        verdict = cloud.verdict()
        mine = variant is named
        assert (status == SCRIPTED) is mine, (variant.name, status)
        assert verdict["fired"] is mine, (variant.name, verdict)
        if not mine:
            assert verdict["reason"] == f"skipped: action {variant.name} is not {named.name}"


@pytest.mark.parametrize("name, fires_on", [
    ("reboot", {"reboot_soft", "reboot_hard"}),
    ("evacuate", {"evacuate"}),
    ("confirmResize", {"confirm_resize"}),
    ("os-stop", set()),  # not a name of any action: the loader refuses it (below)
])
def test_a_nova_name_covers_every_variant_it_names(cloud: Cloud, name: str, fires_on: set) -> None:
    document = {"rules": [{"name": "r", "when": {"action": name}, "then": {"respond": {"status": SCRIPTED}}}]}
    if not fires_on:
        answer = cloud.client.post("/_fakenova/scenarios", json={"scenario": {"name": "rules", **document}})
        assert answer.status_code == 400
        return
    cloud.rules(document)
    fired = {variant.name for variant in VARIANTS if cloud.send(variant) == SCRIPTED}
    assert fired == fires_on


def test_an_outcome_rule_for_soft_reboot_leaves_a_hard_reboot_alone(cloud: Cloud) -> None:
    cloud.rules({"rules": [{"name": "r", "when": {"action": "reboot_soft"}, "then": {"outcome": "error"}}]})
    hard = next(v for v in VARIANTS if v.name == "reboot_hard")
    assert cloud.send(hard) == 202
    verdict = cloud.verdict()
    assert verdict["fired"] is False and verdict["reason"] == "skipped: action reboot_hard is not reboot_soft"
