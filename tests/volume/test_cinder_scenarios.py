"""Scenario rules choose the outcome and pace of Cinder's volume and snapshot actions, as they do a server's."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.apps import control
from support.cinder_api import VOL1, Cinder, fault, make_app

from fakenova.domain.cinder_paths import PATHS, VolumeAction
from fakenova.domain.lifecycle.engine import Outcome
from fakenova.domain.pace import Manual
from fakenova.scenario import ScenarioError, load, loader


def scenario(action: str, then: Dict[str, Any], times: Any = "always", name: str = "cinder-rule",
             **when: Any) -> Dict[str, Any]:
    return {"name": name, "rules": [{"name": "r", "when": {"action": action, **when}, "then": then,
                                     "times": times}]}


def with_scenario(document: Dict[str, Any], **settings: Any) -> Cinder:
    app = make_app(**settings)
    control(app).load_scenario(document)
    return Cinder(app)


def new_snapshot(demo: Cinder, volume: str = VOL1, name: str = "snap") -> str:
    made = demo("POST", "/snapshots", {"snapshot": {"volume_id": volume, "name": name}})
    assert made.status_code == 202, made.json
    return made.json["snapshot"]["id"]


def snapshot_status(demo: Cinder, snapshot: str) -> str:
    return demo("GET", f"/snapshots/{snapshot}").json["snapshot"]["status"]


#: (action, outcome, the status each read shows after the request): ok ends come from PATHS as well
OUTCOME_CASES = [
    ("volume_create", "error", "error"),
    ("volume_create", "ok", "available"),
    ("volume_delete", "error", "error_deleting"),
    ("volume_extend", "error", "error_extending"),
    ("volume_extend", "ok", "available"),
]


def _volume_request(demo: Cinder, action: str) -> str:
    """Run ``action`` through Cinder's API and return the volume it started on."""
    requests = {
        "volume_create": lambda: demo("POST", "/volumes", {"volume": {"size": 1, "name": "v"}}),
        "volume_delete": lambda: demo("DELETE", f"/volumes/{VOL1}"),
        "volume_extend": lambda: demo("POST", f"/volumes/{VOL1}/action", {"os-extend": {"new_size": 3}}),
    }
    response = requests[action]()
    assert response.status_code == 202, response.json
    return response.json["volume"]["id"] if action == "volume_create" else VOL1


@pytest.mark.parametrize("action,outcome,after", OUTCOME_CASES)
def test_an_outcome_rule_decides_how_a_volume_action_ends(action, outcome, after):
    demo = with_scenario(scenario(action, {"outcome": outcome}))
    volume = _volume_request(demo, action)
    shown = demo("GET", f"/volumes/{volume}")
    assert shown.status_code == 200 and shown.json["volume"]["status"] == after
    assert demo.status(volume) == after  # an end is final: later reads keep it


def test_an_errored_create_is_a_volume_cinder_lets_you_delete():
    demo = with_scenario(scenario("volume_create", {"outcome": "error"}))
    volume = _volume_request(demo, "volume_create")
    assert demo.status(volume) == "error"
    assert demo("DELETE", f"/volumes/{volume}").status_code == 202
    assert demo("GET", f"/volumes/{volume}").status_code == 404


def test_a_volume_that_failed_to_delete_needs_force():
    demo = with_scenario(scenario("volume_delete", {"outcome": "error"}, times="once"))
    _volume_request(demo, "volume_delete")
    assert demo.status(VOL1) == "error_deleting"
    again = demo("DELETE", f"/volumes/{VOL1}")
    assert again.status_code == 400 and fault(again).startswith(
        "Invalid volume: Volume status must be available or error or error_restoring or error_extending or "
        "error_managing and must not be migrating")
    assert demo.status(VOL1) == "error_deleting"


@pytest.mark.parametrize("pace_by", ["rule", "file"])
def test_a_manual_delete_pace_leaves_the_volume_deleting_whatever_the_clock(pace_by):
    document = (scenario("volume_delete", {"pace": "manual"}) if pace_by == "rule"
                else {"name": "cinder-rule", "pace": {"volume_delete": "manual"}})
    demo = with_scenario(document, pace="seconds:5")
    assert demo("DELETE", f"/volumes/{VOL1}").status_code == 202
    control(demo.app).clock.advance(600)
    assert [demo.status(VOL1) for _ in range(3)] == ["deleting"] * 3
    listed = demo("GET", "/volumes/detail").json["volumes"]
    assert {v["id"]: v["status"] for v in listed}[VOL1] == "deleting"
    # other actions keep the settings' pace
    made = demo("POST", "/volumes", {"volume": {"size": 1}}).json["volume"]["id"]
    assert demo.status(made) == "creating"
    control(demo.app).clock.advance(5)
    assert demo.status(made) == "available"


@pytest.mark.parametrize("action,outcome,after", [("snapshot_create", "error", "error"),
                                                  ("snapshot_create", "ok", "available"),
                                                  ("snapshot_delete", "error", "error_deleting")])
def test_an_outcome_rule_decides_how_a_snapshot_action_ends(action, outcome, after):
    demo = with_scenario(scenario(action, {"outcome": outcome}))
    snapshot = new_snapshot(demo)
    if action == "snapshot_delete":
        assert demo("DELETE", f"/snapshots/{snapshot}").status_code == 202
    assert snapshot_status(demo, snapshot) == after


def test_a_manual_snapshot_delete_stays_deleting():
    demo = with_scenario(scenario("snapshot_delete", {"pace": "manual"}), pace="polls:1")
    snapshot = new_snapshot(demo)
    assert snapshot_status(demo, snapshot) == "available"
    assert demo("DELETE", f"/snapshots/{snapshot}").status_code == 202
    control(demo.app).clock.advance(600)
    assert [snapshot_status(demo, snapshot) for _ in range(3)] == ["deleting"] * 3


def test_rules_test_the_volume_name_and_metadata_and_leave_others_alone():
    demo = with_scenario(scenario("volume_create", {"outcome": "error"}, server_name="^doomed-",
                                  metadata={"fate": "bad"}))
    cases = [({"name": "doomed-1", "metadata": {"fate": "bad"}}, "error"),
             ({"name": "doomed-2"}, "available"), ({"name": "fine", "metadata": {"fate": "bad"}}, "available")]
    for wanted, expected in cases:
        made = demo("POST", "/volumes", {"volume": {"size": 1, **wanted}})
        assert made.status_code == 202 and made.json["volume"]["status"] == "creating"
        assert demo.status(made.json["volume"]["id"]) == expected


def test_a_rule_fires_as_many_times_as_it_may_and_the_journal_says_on_what():
    demo = with_scenario(scenario("volume_create", {"outcome": "error"}, times="once", name="once"))
    first, second = (_volume_request(demo, "volume_create") for _ in range(2))
    assert (demo.status(first), demo.status(second)) == ("error", "available")
    (listed,) = control(demo.app).scenarios()
    assert listed["rules"][0]["hits"] == 1 and listed["rules"][0]["exhausted"] is True
    verdicts = control(demo.app).journal.verdicts("once/r")
    assert verdicts[0]["reason"] == f"fired for volume_create of volume {first}"


def test_a_refused_create_counts_no_hit_and_stores_nothing():
    demo = with_scenario(scenario("volume_create", {"outcome": "error"}, times="once", name="once"))
    before = demo("GET", "/volumes").json
    refused = demo("POST", "/volumes", {"volume": {"size": 1, "volume_type": "nope"}})
    assert refused.status_code == 404 and fault(refused) == "Volume type with name nope could not be found."
    assert demo("GET", "/volumes").json == before
    assert control(demo.app).scenarios()[0]["rules"][0]["hits"] == 0


def test_server_rules_do_not_fire_for_volumes():
    demo = with_scenario(scenario("create", {"outcome": "error"}))
    assert demo.status(_volume_request(demo, "volume_create")) == "available"


def test_the_table_declares_every_volume_action_and_the_loader_reads_them():
    assert set(PATHS) == set(VolumeAction)
    rule = load(scenario("snapshot_delete", {"outcome": "error"})).rules[0]
    assert rule.when.actions == {VolumeAction.SNAPSHOT_DELETE} and rule.then.outcome is Outcome.ERROR
    assert load({"name": "p", "pace": {"volume_delete": "manual"}}).paces == {VolumeAction.VOLUME_DELETE: Manual()}
    assert load("volume-delete-stuck").paces == {VolumeAction.VOLUME_DELETE: Manual(),
                                                  VolumeAction.SNAPSHOT_DELETE: Manual()}
    assert [r.when.actions for r in load("volume-error").rules] == [
        {VolumeAction.VOLUME_CREATE}, {VolumeAction.SNAPSHOT_CREATE},
        {VolumeAction.VOLUME_DELETE, VolumeAction.SNAPSHOT_DELETE}]


@pytest.mark.parametrize("document,field,message", [
    (scenario("volume_craete", {"outcome": "error"}), "when.action",
     "unknown action 'volume_craete' (did you mean 'volume_create'?)"),
    (scenario("volume_create", {"outcome": "stuck"}), "then.outcome", "unknown Outcome 'stuck'"),
])
def test_mistakes_in_volume_rules_are_refused_naming_the_field(document, field, message):
    with pytest.raises(ScenarioError) as refused:
        loader.build(document, "<test>")
    assert refused.value.field == field and message in str(refused.value)


def test_the_control_plane_steps_a_stuck_volume_and_snapshot_on():
    demo = with_scenario({"name": "stuck", "pace": {"volume_delete": "manual", "snapshot_create": "manual"}})
    handle = control(demo.app)
    snapshot = new_snapshot(demo, VOL1)
    assert snapshot_status(demo, snapshot) == "creating"
    assert handle.step_volume("snapshots", snapshot) == {"id": snapshot, "status": "available"}
    assert snapshot_status(demo, snapshot) == "available"
    volume = _volume_request(demo, "volume_create")
    assert demo("DELETE", f"/volumes/{volume}").status_code == 202
    assert demo.status(volume) == "deleting"
    assert handle.step_volume("volumes", volume) == {"id": volume, "status": None}
    assert demo("GET", f"/volumes/{volume}").status_code == 404


@pytest.mark.parametrize("path,message", [
    ("/_fakenova/volumes/00000000-0000-4000-8000-000000000000/step",
     "Volume 00000000-0000-4000-8000-000000000000 could not be found."),
    ("/_fakenova/backups/x/step", "No control-plane collection 'backups'"),
])
def test_stepping_what_is_not_there_is_a_404(path, message):
    client = make_app().test_client()
    response = client.post(path, json={})
    assert response.status_code == 404 and message in response.get_data(as_text=True)
