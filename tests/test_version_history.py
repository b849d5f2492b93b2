"""The microversion history table: complete, ordered, checked at import, and printed by ``fakenova microversions``.

The behaviour of each named feature, just below and at its version, is tested through the HTTP API in
``tests/api/test_version_features.py``.
"""
from __future__ import annotations

import dataclasses
from typing import Tuple

import pytest
from click.testing import CliRunner

from fakenova.cli import main
from fakenova.microversions import MAX_VERSION, MIN_VERSION, V, Version, all_versions
from fakenova.version_history import AREAS, FEATURES, HISTORY, Change, at, check


def test_history_runs_from_min_to_max_in_order() -> None:
    assert HISTORY[0].version == MIN_VERSION and HISTORY[-1].version == MAX_VERSION
    assert [change.version for change in HISTORY] == list(all_versions())


@pytest.mark.parametrize("version", all_versions(), ids=str)
def test_every_version_has_one_summarised_entry(version: Version) -> None:
    (change,) = [change for change in HISTORY if change.version == version]
    assert change.summary.strip() and "\n" not in change.summary and len(change.summary) <= 110
    assert change.touches and set(change.touches) <= AREAS


def _without(version: str) -> Tuple[Change, ...]:
    return tuple(change for change in HISTORY if change.version != V(version))


def _replaced(version: str, **fields: object) -> Tuple[Change, ...]:
    return tuple(dataclasses.replace(change, **fields) if change.version == V(version) else change
                 for change in HISTORY)


@pytest.mark.parametrize("history, message", [
    (_without("2.50"), "missing: 2.50"),
    (HISTORY[:-1], f"missing: {MAX_VERSION}"),
    ((HISTORY[1], HISTORY[0], *HISTORY[2:]), "in order"),
    ((*HISTORY, HISTORY[-1]), "once each"),
    (_replaced("2.20", touches=("servres",)), "2.20: touches ['servres']"),
    (_replaced("2.20", touches=()), "2.20: touches nothing"),
    (_replaced("2.20", feature="server-description"), "'server-description' is already 2.19"),
], ids=["gap", "short", "unordered", "duplicate", "unknown-area", "no-area", "feature-twice"])
def test_check_rejects_a_broken_history(history: Tuple[Change, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check(history)


def test_features_are_named_once_and_looked_up_by_name() -> None:
    named = {change.feature: change.version for change in HISTORY if change.feature}
    assert dict(FEATURES) == named and at("server-description") == V("2.19")
    with pytest.raises(KeyError, match="no microversion feature 'server-descripton'"):
        at("server-descripton")


@pytest.fixture(scope="module")
def printed() -> list:
    result = CliRunner().invoke(main, ["microversions"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_cli_prints_one_line_per_version(printed: list) -> None:
    assert [line.split()[0] for line in printed] == [str(v) for v in all_versions()]


@pytest.mark.parametrize("change", HISTORY, ids=lambda change: str(change.version))
def test_cli_prints_each_entry(printed: list, change: Change) -> None:
    (line,) = [line for line in printed if line.split()[0] == str(change.version)]
    assert change.summary in line and all(area in line for area in change.touches)
    assert (f"feature={change.feature}" in line) == (change.feature is not None)
