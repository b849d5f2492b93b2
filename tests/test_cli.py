"""The ``fakenova`` command: click-level checks, and a real ``python -m fakenova serve`` driven over HTTP."""
from __future__ import annotations

import configparser
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator, List

import pytest
import requests
from click.testing import CliRunner

from fakenova.app import create_app
from fakenova.cli import main
from fakenova.microversions import MAX_VERSION, MIN_VERSION
from fakenova.serving import BACKENDS, ServerThread

REPO = Path(__file__).resolve().parent.parent
#: seconds to wait for the URL line: a cold interpreter importing Flask on a busy CI machine
STARTUP_TIMEOUT = 60


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "serve" in result.output and "microversions" in result.output


def test_serve_help_names_every_option() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--host", "--port", "--fixtures", "--seed", "--max-version", "--min-version", "--pace",
                   "--journal-limit", "--threads", "--image-data-limit", "--quota", "--network-quota"):
        assert option in result.output


def test_microversions_lists_the_range_one_per_line() -> None:
    result = CliRunner().invoke(main, ["microversions"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[0] == str(MIN_VERSION) and lines[-1].split()[0] == str(MAX_VERSION)
    assert len(lines) == MAX_VERSION.minor - MIN_VERSION.minor + 1


@pytest.mark.parametrize("args, message", [
    (["--max-version", "two"], "--max-version"),
    (["--pace", "sometimes"], "invalid pace"),
    (["--min-version", "2.90", "--max-version", "2.60"], "min <= max"),
    (["--journal-limit", "0"], "--journal-limit"),
    (["--image-data-limit", "-1"], "--image-data-limit"),
    (["--network-quota", "instances=3"], "unknown quota 'instances'"),
    (["--network-quota", "port=-2"], "quota port must be an integer from -1"),
    (["--quota", "port=-1"], "unknown quota 'port'"),
])
def test_serve_rejects_bad_settings_before_binding(args: List[str], message: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "0", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_image_data_limit_setting_from_env_and_default() -> None:
    from fakenova.settings import DEFAULT_IMAGE_DATA_LIMIT, Settings

    assert DEFAULT_IMAGE_DATA_LIMIT == 256 * 1024 * 1024 == Settings().image_data_limit
    assert Settings.from_env({"FAKENOVA_IMAGE_DATA_LIMIT": "1024"}).image_data_limit == 1024
    with pytest.raises(ValueError, match="image_data_limit"):
        Settings(image_data_limit=-1)


def test_setup_cfg_lists_every_package() -> None:
    """setup.cfg lists packages by hand (see the comment there); a forgotten one would be missing once installed."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "fakenova").rglob("__init__.py")}
    assert found - listed == set(), "add these to [options] packages in setup.cfg"
    assert {"fakenova.fixtures", "fakenova.scenarios"} <= listed


# --- the server machinery under the CLI (and the plugin's live server) ------------------------------------

@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_server_thread_serves_on_a_free_port_and_stops_with_a_client_connected(backend: str) -> None:
    if backend == "cheroot":
        pytest.importorskip("cheroot")
    with ServerThread(create_app(), port=0, backend=backend) as server:
        assert server.ready.is_set() and server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        with requests.Session() as session:  # keeps its connection open across the shutdown
            assert session.get(server.url + "/compute/v2.1", timeout=10).status_code == 200
            server.shutdown()
    assert server.error is None


# --- a real process ----------------------------------------------------------------------------------------

class Served:
    """``python -m fakenova serve`` in a subprocess; its stdout lines arrive through a reader thread."""

    def __init__(self, *args: str) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("FAKENOVA_")}
        self.proc = subprocess.Popen([sys.executable, "-m", "fakenova", "serve", "--port", "0", *args],
                                     cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put("")  # end of output

    def url(self) -> str:
        try:
            line = self.lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no URL line within {STARTUP_TIMEOUT} s")
        if not line:
            pytest.fail(f"fakenova exited with {self.proc.wait()} before listening: {self.stderr()}")
        return line.strip()

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def served() -> Iterator[List[Served]]:
    started: List[Served] = []
    yield started
    for process in started:
        process.stop()


def _serve(served: List[Served], *args: str) -> Served:
    process = Served(*args)
    served.append(process)
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_prints_its_url_serves_and_stops_cleanly(served: List[Served], signum: int) -> None:
    process = _serve(served)
    url = process.url()
    assert url.startswith("http://127.0.0.1:") and int(url.rsplit(":", 1)[1]) > 0

    response = requests.get(url + "/compute/v2.1", timeout=10)
    assert response.status_code == 200
    assert response.json()["version"]["version"] == str(MAX_VERSION)

    process.proc.send_signal(signum)
    assert process.proc.wait(timeout=10) == 0
    assert process.lines.get(timeout=10) == "", "serve printed more than the URL on stdout"


def test_serve_max_version_lowers_the_advertised_version(served: List[Served]) -> None:
    process = _serve(served, "--max-version", "2.60")
    url = process.url()
    document = requests.get(url + "/compute/v2.1", timeout=10).json()
    assert document["version"]["version"] == "2.60"
    process.proc.send_signal(signal.SIGTERM)
    assert process.proc.wait(timeout=10) == 0


def test_serve_reports_a_taken_port(served: List[Served]) -> None:
    first = _serve(served)
    port = first.url().rsplit(":", 1)[1]
    second = _serve(served, "--port", port)  # the later --port wins
    assert second.proc.wait(timeout=STARTUP_TIMEOUT) == 1
    assert "cannot listen" in second.stderr()
