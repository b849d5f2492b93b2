"""The scenario loader: every bundled file loads by name, and every mistake is refused naming file, rule, field."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml
from click.testing import CliRunner

from fakenova.cli import main
from fakenova.domain.lifecycle.engine import Outcome
from fakenova.domain.pace import AfterPolls, Manual
from fakenova.microversions import V
from fakenova.scenario import ScenarioError, bundled_names, load, loader, model

EXPECTED = {"locked-delete", "build-error", "slow-build", "resize-verify", "old-cloud-2.60", "quota-exceeded",
            "rate-limited", "flaky-503", "delete-stuck", "soft-delete", "password-reset",
            "eventually-consistent-list"}


def test_every_expected_scenario_is_bundled() -> None:
    assert EXPECTED <= set(bundled_names())


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenario_loads_by_name(name: str) -> None:
    scenario = load(name)
    assert scenario.name == name and scenario.description
    assert Path(scenario.source).name == f"{name}.yaml"


def test_loaded_values_are_typed() -> None:
    assert load("slow-build").paces == {"create": AfterPolls(3)}
    assert load("delete-stuck").paces == {"delete": Manual()}
    assert load("old-cloud-2.60").max_version == V("2.60")
    rule = load("build-error").rules[0]
    assert rule.then.effect is model.Effect.OUTCOME and rule.then.outcome is Outcome.ERROR
    assert rule.times is model.ALWAYS and rule.key == "build-error/no-valid-host"
    assert load("flaky-503").rules[0].times == model.ONCE


def write(tmp_path: Path, document: Dict[str, Any], name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document))
    return path


def refused(tmp_path: Path, document: Dict[str, Any]) -> ScenarioError:
    path = write(tmp_path, document)
    with pytest.raises(ScenarioError) as caught:
        load(str(path))
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def rule(**parts: Any) -> Dict[str, Any]:
    return {"name": "r1", "then": {"pace": "polls:2"}, **parts}


@pytest.mark.parametrize("document, field, reason", [
    ({"name": "x", "rules": [rule(when={"action": "delet"})]}, "when.action",
     "unknown action 'delet' (did you mean 'delete'?)"),
    ({"name": "x", "rules": [rule(then={"set_state": {"vm_state": "actve"}})]}, "then.set_state.vm_state",
     "unknown VmState 'actve' (did you mean 'active'?)"),
    ({"name": "x", "rules": [rule(then={"set_state": {"task_state": "deletin"}})]}, "then.set_state.task_state",
     "unknown TaskState"),
    ({"name": "x", "rules": [rule(then={"pace": "polls:zero"})]}, "then.pace", "invalid pace"),
    ({"name": "x", "rules": [rule(when={"action": "delete"}, then={"outcome": "error"})]}, "then.outcome",
     "action 'delete' has no outcome 'error'"),
    ({"name": "x", "rules": [rule(then={"outcome": "error"})]}, "when.action", "must name the action"),
    ({"name": "x", "rules": [rule(when={"versions": {"min": "2.200"}})]}, "when.versions.min", "outside"),
    ({"name": "x", "rules": [rule(when={"server_name": "("})]}, "when.server_name", "invalid regular expression"),
    ({"name": "x", "rules": [rule(then={"respond": {"status": 200}})]}, "then.respond.status", "less than the minimum"),
    ({"name": "x", "rules": [rule(then={"pace": "manual", "respond": {"status": 500}})]}, "then", "exactly one"),
    ({"name": "x", "rules": [rule(when={"methd": "GET"})]}, "when", "'methd' was unexpected"),
    ({"name": "x", "rules": [rule(then={"transport": {"fault": "explode"}})]}, "then.transport.fault",
     "unknown Transport"),
])
def test_mistakes_in_rules_name_the_rule_and_field(tmp_path: Path, document, field: str, reason: str) -> None:
    error = refused(tmp_path, document)
    assert error.rule == "r1"
    assert error.field == field
    assert reason in error.reason
    assert f"rule 'r1': {field}: " in str(error)


@pytest.mark.parametrize("document, field, reason", [
    ({"name": "x", "pace": {"bake": "polls:2"}}, "pace.bake", "unknown action 'bake'"),
    ({"name": "x", "api": {"max_version": "3.0"}}, "api.max_version", "outside"),
    ({"name": "x", "seed": {"servers": [{"name": "s", "flavor": "m1.huge"}]}}, "seed.servers[0].flavor",
     "no flavor named 'm1.huge'"),
    ({"name": "x", "seed": {"servers": [{"name": "s", "vm_state": "runing"}]}}, "seed.servers[0].vm_state",
     "unknown VmState"),
    ({"name": "x", "seed": {"users": [{"name": "u", "project": "nope"}]}}, "seed.users[0].project", "no project"),
    ({"name": "x", "extra": 1}, "", "'extra' was unexpected"),
    ({"description": "no name"}, "", "'name' is a required property"),
])
def test_mistakes_outside_rules_name_the_field(tmp_path: Path, document, field: str, reason: str) -> None:
    error = refused(tmp_path, document)
    assert error.rule is None and (error.field or "") == field and reason in error.reason


def test_seed_may_reference_what_it_seeds(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "x", "seed": {
        "flavors": [{"id": "9", "name": "m1.huge", "ram": 1, "vcpus": 1, "disk": 1}],
        "servers": [{"name": "big", "flavor": "m1.huge", "vm_state": "stopped"}]}})
    assert load(str(path)).seed["servers"][0]["flavor"] == "m1.huge"


@pytest.mark.parametrize("content, reason", [
    ("[1, 2]", "expected a mapping"),
    ("name: [unclosed", "not valid YAML"),
    ("!!python/object:os.system {}", "not valid YAML"),  # safe_load refuses arbitrary objects
])
def test_unreadable_files_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(ScenarioError, match=reason):
        load(str(path))


def test_files_over_the_size_cap_are_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: big\ndescription: " + "x" * (loader.MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match="larger than"):
        load(str(path))


def test_an_unknown_bundled_name_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="bundled scenarios are: build-error"):
        load("no-such-scenario")


def test_inline_documents_load() -> None:
    scenario = load({"name": "inline", "rules": [{"name": "r", "when": {"path": "/servers/{id}"},
                                                   "then": {"respond": {"status": 503}}, "times": 2}]})
    respond = scenario.rules[0].then.respond
    assert (respond.status, respond.fault) == (503, "serviceUnavailable")
    assert scenario.rules[0].times == model.Times(model.TimesKind.N, 2)
    assert scenario.source == "<inline>"


def test_cli_check_reports_ok_and_failures(tmp_path: Path) -> None:
    good = write(tmp_path, {"name": "good"}, "good.yaml")
    bad = write(tmp_path, {"name": "bad", "rules": [rule(when={"action": "rebot"})]}, "bad.yaml")
    result = CliRunner().invoke(main, ["scenarios", "check", str(good), "slow-build", str(bad)])
    assert result.exit_code == 1
    assert f"ok   {good}: good" in result.output
    assert f"FAIL {bad}: rule 'r1': when.action: unknown action 'rebot' (did you mean 'reboot'?)" in result.output


def test_cli_check_passes_every_bundled_file() -> None:
    files = [str(path) for path in loader.bundled_dir("scenarios").glob("*.yaml")]
    result = CliRunner().invoke(main, ["scenarios", "check", *files])
    assert result.exit_code == 0, result.output


def test_cli_list_names_every_bundled_scenario() -> None:
    result = CliRunner().invoke(main, ["scenarios", "list"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == bundled_names()
