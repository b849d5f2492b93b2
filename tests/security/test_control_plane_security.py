"""The control plane takes no file path over HTTP, reads YAML within limits, and cannot be driven by a web page
or, with a control token, by anyone without the secret."""
from __future__ import annotations

import logging
import os
import time

import pytest
import yaml
from support.apps import fresh_app

from fakenova import create_app
from fakenova.cli import _warn_if_exposed
from fakenova.clock import ManualClock
from fakenova.scenario.loader import ScenarioError, load
from fakenova.serving import ServerThread
from fakenova.settings import Settings
from fakenova.testing.harness import FakeNova
from fakenova.yaml_io import MAX_BYTES, YamlError, parse_yaml, read_yaml

#: 9 levels of 9 aliases: 365 bytes expanding to 9**9 leaves
ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


@pytest.fixture
def client():
    return fresh_app(seed=1).test_client()


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", "/etc/no-such-file",
                                  "scenarios/slow-build.yaml", "slow-build.yaml", "..", "/dev/zero"])
def test_a_path_over_http_is_refused_without_touching_the_file(client, name):
    answer = client.post("/_fakenova/scenarios", json={"name": name})
    assert answer.status_code == 400
    message = answer.json["badRequest"]["message"]
    # one answer whatever the file system holds: no existence oracle, no content echoed
    assert message.replace(repr(name), "<name>") == client.post(
        "/_fakenova/scenarios", json={"name": "nope"}).json["badRequest"]["message"].replace("'nope'", "<name>")
    assert "root:" not in message


def test_a_fifo_over_http_answers_at_once(client, tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    assert client.post("/_fakenova/scenarios", json={"name": str(fifo)}).status_code == 400
    assert time.perf_counter() - started < 2


def test_a_fifo_given_in_process_is_refused_not_opened(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        load(str(fifo))


def test_bundled_names_and_inline_documents_still_load_over_http(client):
    assert client.post("/_fakenova/scenarios", json={"name": "slow-build"}).status_code == 201
    inline = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "../../scenarios/flaky-503.yaml")))
    assert client.post("/_fakenova/scenarios", json={"scenario": inline}).status_code == 201


def test_an_alias_bomb_is_refused_at_its_expansion_cap_everywhere_yaml_is_read(tmp_path):
    # The cap's own message proves the reader stopped counting at the cap instead of expanding the bomb (which
    # would exhaust memory); no wall-clock bound, which a loaded 2-core machine cannot keep.
    assert len(ALIAS_BOMB) < 400
    with pytest.raises(YamlError, match="expands to more than"):
        parse_yaml(ALIAS_BOMB)
    path = tmp_path / "bomb.yaml"
    path.write_text("name: bomb\n" + ALIAS_BOMB)
    with pytest.raises(ScenarioError, match="expands to more than"):
        load(str(path))
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "identity.yaml").write_text(ALIAS_BOMB)
    with pytest.raises(YamlError, match="expands to more than"):
        create_app(Settings(fixtures_dir=str(fixtures)))


def test_recursive_aliases_and_oversized_files_are_refused(tmp_path):
    with pytest.raises(YamlError, match="recursive"):
        parse_yaml("a: &a [*a]")
    with pytest.raises(YamlError, match="larger than"):
        parse_yaml("x" * (MAX_BYTES + 1))
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * MAX_BYTES)
    with pytest.raises(YamlError, match="larger than"):
        read_yaml(big)


def test_modest_anchor_reuse_still_loads_and_parses_are_cached(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1}\none: *b\ntwo: *b\n")
    first = read_yaml(path)
    assert first == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}
    first["one"]["x"] = 2  # callers get copies
    assert read_yaml(path)["one"]["x"] == 1


@pytest.mark.parametrize("method, path, kwargs", [
    ("POST", "/_fakenova/reset", {"data": "{}", "content_type": "text/plain"}),
    ("POST", "/_fakenova/reset", {}),
    ("POST", "/_fakenova/seed", {"data": "users=x", "content_type": "application/x-www-form-urlencoded"}),
    ("PUT", "/_fakenova/servers/x/state", {"data": "{}", "content_type": "multipart/form-data"}),
])
def test_control_writes_must_be_json(client, method, path, kwargs):
    """What a cross-site form or a no-cors fetch can send is refused before anything happens."""
    answer = client.open(path, method=method, **kwargs)
    assert answer.status_code == 415


@pytest.mark.parametrize("origin, status", [("http://evil.example", 403), ("null", 403),
                                            ("http://localhost", 200)])
def test_a_foreign_origin_is_refused(client, origin, status):
    assert client.post("/_fakenova/reset", json={}, headers={"Origin": origin}).status_code == status
    assert client.get("/_fakenova/journal", headers={"Origin": origin}).status_code == status


def test_a_control_token_is_required_when_set():
    app = create_app(Settings(seed=1, control_token="s3cret"), clock=ManualClock())
    client = app.test_client()
    assert client.post("/_fakenova/reset", json={}).status_code == 403
    assert client.post("/_fakenova/reset", json={}, headers={"X-Fakenova-Control-Token": "wrong"}).status_code == 403
    assert client.get("/_fakenova/journal").status_code == 403
    assert client.post("/_fakenova/reset", json={}, headers={"X-Fakenova-Control-Token": "s3cret"}).status_code == 200
    assert client.get("/_fakenova/health").status_code == 200  # liveness probes need no secret


def test_the_harness_sends_the_control_token_from_the_environment(monkeypatch):
    app = create_app(Settings(seed=1, control_token="s3cret"))
    with ServerThread(app) as server:
        monkeypatch.setenv("FAKENOVA_CONTROL_TOKEN", "s3cret")
        handle = FakeNova(url=server.url)
        handle.reset()
        assert handle.load_scenario("slow-build")["name"] == "slow-build"
        monkeypatch.delenv("FAKENOVA_CONTROL_TOKEN")
        with pytest.raises(Exception) as refused:
            FakeNova(url=server.url).reset()
        assert getattr(refused.value, "code", None) == 403


@pytest.mark.parametrize("host, token, warned", [("0.0.0.0", None, True), ("10.1.2.3", None, True),
                                                 ("0.0.0.0", "x", False), ("127.0.0.1", None, False),
                                                 ("::1", None, False), ("localhost", None, False)])
def test_binding_beyond_loopback_without_a_token_warns(caplog, host, token, warned):
    with caplog.at_level(logging.WARNING, logger="fakenova.cli"):
        _warn_if_exposed(Settings(host=host, control_token=token))
    assert ("beyond loopback" in caplog.text) is warned
