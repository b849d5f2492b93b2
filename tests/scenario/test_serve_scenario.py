"""``fakenova serve --scenario``: scenarios loaded at start, in a real process; bad ones refused before binding."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from fakenova.cli import main


def test_bad_scenario_is_refused_before_binding(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\npace: {create: polls:0}\n")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--scenario", str(bad)])
    assert result.exit_code == 2
    assert f"--scenario {bad}: {bad}: pace.create: invalid pace" in result.output


def test_serve_loads_scenarios_by_name_and_path(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\nrules:\n  - {name: r, when: {path: /servers}, then: {respond: {status: 503}}}\n")
    process = subprocess.Popen([sys.executable, "-m", "fakenova", "serve", "--port", "0",
                                "--scenario", "old-cloud-2.60", "--scenario", str(mine)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url + "/compute/v2.1", timeout=10).json()["version"]["version"] == "2.60"
        loaded = requests.get(url + "/_fakenova/scenarios", timeout=10).json()["scenarios"]
        assert [s["name"] for s in loaded] == ["old-cloud-2.60", "mine"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
