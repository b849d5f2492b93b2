"""``fakenova scenarios check`` on the new rule vocabulary, and ``fakenova scenarios schema``: every refusal names
the file, the rule and the field."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml
from click.testing import CliRunner

from fakenova.cli import main
from fakenova.scenario import load
from fakenova.scenario.schema import SCENARIO_SCHEMA

ALWAYS_503 = {"name": "first", "when": {"method": "GET", "path": "/servers"}, "then": {"respond": {"status": 503}}}


@pytest.mark.parametrize("rules, field, reason", [
    ([{"name": "r1", "when": {"query": {"a": "1"}, "bogus": 1}, "then": {"delay": 1}}],
     "when", "'bogus' was unexpected"),
    ([{"name": "r1", "when": {"headers": {"X-A": {"regex": "("}}}, "then": {"delay": 1}}],
     "when.headers.X-A.regex", "invalid regular expression"),
    ([{"name": "r1", "when": {"body": {"/server/name": {"regex": "[a"}}}, "then": {"delay": 1}}],
     "when.body./server/name.regex", "invalid regular expression"),
    ([{"name": "r1", "when": {"probability": 1.5}, "then": {"delay": 1}}],
     "when.probability", "greater than the maximum of 1"),
    ([{"name": "r1", "when": {"probability": 0}, "then": {"delay": 1}}],
     "when.probability", "probability 0 can never fire"),
    ([{"name": "r1", "when": {"every": 0}, "then": {"delay": 1}}], "when.every", "less than the minimum of 1"),
    ([ALWAYS_503, {"name": "r1", "when": {"method": "GET", "path": "/servers", "after": 2},
                   "then": {"respond": {"status": 500}}}],
     "when.after", "can never fire: rule 'first' answers every matching call first"),
    ([ALWAYS_503, {"name": "r1", "when": {"method": "GET", "path": "/servers", "every": 2},
                   "then": {"respond": {"status": 500}}}], "when.every", "can never fire"),
    ([{"name": "r1", "when": {"method": "GET", "body": {"server": {}}}, "then": {"delay": 1}}],
     "when.body", "a GET request has no body to match"),
    ([{"name": "r1", "then": {"respond": {"status": 200}}}], "then.respond.status", "less than the minimum of 400"),
    ([{"name": "r1", "then": {"respond": {"status": 200, "body": {}, "body_text": "x"}}}],
     "then.respond.body_text", "not both"),
    ([{"name": "r1", "then": {"delay": 1, "pace": "immediate"}}], "then.delay", "goes alone"),
])
def test_check_names_file_rule_and_field(tmp_path: Path, rules: Any, field: str, reason: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"name": "mine", "rules": rules}))
    result = CliRunner().invoke(main, ["scenarios", "check", str(path)])
    assert result.exit_code == 1
    assert f"FAIL {path}: rule 'r1': {field}: " in result.output and reason in result.output, result.output


def test_every_new_key_loads() -> None:
    document: Dict[str, Any] = {"name": "all", "random_seed": 3, "rules": [
        {"name": "m", "when": {"method": "POST", "query": {"a": "1", "b": {"absent": True}},
                               "headers": {"User-Agent": {"regex": "sdk"}},
                               "body": {"server": {"flavorRef": "3"}, "/server/name": "x"},
                               "after": 1, "every": 2, "probability": 0.5},
         "then": {"respond": {"status": 200, "body_text": "<p>", "content_type": "text/html"}, "delay": 0.1}},
        {"name": "d", "then": {"delay": 0.3}}]}
    scenario = load(document)
    assert scenario.random_seed == 3 and scenario.rules[0].when.counts and scenario.rules[1].then.delay == 0.3


def test_schema_command_prints_the_published_schema() -> None:
    result = CliRunner().invoke(main, ["scenarios", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(json.dumps(SCENARIO_SCHEMA))


def test_record_refuses_an_upstream_that_is_not_a_url() -> None:
    result = CliRunner().invoke(main, ["record", "--upstream", "ftp://x"])
    assert result.exit_code == 2 and "is not an http(s) URL" in result.output


def test_the_readme_scenario_examples_load() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Scenarios\n", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```yaml\n")[1:]]
    assert len(blocks) == 2
    for index, block in enumerate(blocks):
        document = yaml.safe_load(block)
        assert load({**document, "name": f"readme-{index}"}).rules
