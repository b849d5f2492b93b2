"""The pytest plugin, run the way users run it: inner pytest sessions through ``pytester``.

Covers the fixtures, the marker, isolation between tests, pytest-xdist, server-side errors failing the test
that caused them, strict mode, seeded determinism, remote mode, the README example and the light import.
"""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fakenova import create_app
from fakenova.serving import ServerThread

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=textwrap.dedent(source))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:warnings", *args)


def test_fixtures_work(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import requests

        def test_handle(fakenova):
            assert fakenova.url.startswith("http://127.0.0.1:")
            assert fakenova.compute_url == fakenova.url + "/compute/v2.1"
            assert fakenova.clouds["clouds"]["fakenova"]["auth"]["username"] == "demo"
            conn = fakenova.connection()
            server = conn.compute.create_server(name="a", image_id=conn.image.find_image("cirros").id,
                                                flavor_id="1", networks="auto")
            assert [s["id"] for s in fakenova.servers()] == [server.id]
            fakenova.journal.assert_called("POST", "/servers", times=1)
            token = fakenova.session().get_token()
            assert requests.get(fakenova.compute_url + "/servers", headers={"X-Auth-Token": token}).ok

        def test_client(fakenova_client):
            assert fakenova_client.get("/compute/v2.1").json["version"]["id"] == "v2.1"
            assert fakenova_client.get("/_fakenova/health").json["status"] == "ok"
    """)
    result.assert_outcomes(passed=2)


def test_marker_applies_and_nothing_leaks(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import time
        import pytest
        import requests

        pytestmark = pytest.mark.fakenova(max_version="2.70")

        @pytest.mark.fakenova(scenario=["slow-build", "flaky-503"], pace="manual", max_version="2.60")
        def test_marked(fakenova):
            assert requests.get(fakenova.compute_url).json()["version"]["version"] == "2.60"
            assert [s["name"] for s in fakenova.scenarios()] == ["slow-build", "flaky-503"]
            fakenova.seed({"servers": [{"name": "left-over"}]})
            fakenova.clock.advance(86400)

        def test_module_marker_only_and_clean(fakenova):
            assert requests.get(fakenova.compute_url).json()["version"]["version"] == "2.70"
            assert fakenova.scenarios() == [] and fakenova.servers() == []
            assert abs(fakenova.clock.now() - time.time()) < 60
            assert len(fakenova.journal) == 1  # only this test's own request
    """)
    result.assert_outcomes(passed=2)


def test_xdist_two_workers(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    result = run(pytester, """
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_each_has_its_own_cloud(fakenova, n):
            fakenova.seed({"servers": [{"name": f"vm-{n}"}]})
            assert [s["name"] for s in fakenova.servers()] == [f"vm-{n}"]
    """, "-n", "2")
    result.assert_outcomes(passed=6)


def test_a_server_side_error_fails_the_test_that_caused_it(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import requests
        from fakenova.api.compute import versions

        def test_causes_it(fakenova, monkeypatch):
            monkeypatch.setattr(versions, "_v21", lambda *a, **k: 1 / 0)
            assert requests.get(fakenova.compute_url).status_code == 500

        def test_next_one_is_fine(fakenova):
            assert requests.get(fakenova.compute_url).ok
    """)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*fakenova raised while serving GET /compute/v2.1*", "*ZeroDivisionError*"])


def test_strict_marker_fails_when_a_rule_never_fired(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import pytest

        @pytest.mark.fakenova(scenario="locked-delete", strict=True)
        def test_never_deletes(fakenova):
            fakenova.connection().compute.get("/servers")
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*rule locked-delete/delete-is-locked never fired*",
                                 "*GET /compute/v2.1/servers: skipped: method GET != DELETE*"])


def test_ids_are_deterministic_under_a_seed(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import pytest

        IDS = []

        @pytest.mark.parametrize("run", [1, 2])
        @pytest.mark.fakenova(seed=42)
        def test_boot(fakenova, run):
            conn = fakenova.connection()
            server = conn.compute.create_server(name="s", image_id=conn.image.find_image("cirros").id,
                                                flavor_id="1", networks="auto")
            IDS.append((server.id, conn.compute.get_server(server.id).addresses["private"][0]["addr"]))

        def test_same_both_times():
            assert len(IDS) == 2 and IDS[0] == IDS[1]
    """)
    result.assert_outcomes(passed=3)


def test_remote_mode_through_the_control_plane(pytester: pytest.Pytester, monkeypatch) -> None:
    scenario = pytester.path / "mine.yaml"
    scenario.write_text("name: mine\nrules:\n  - {name: r, when: {path: /servers}, then: {respond: {status: 503}}}\n")
    pytester.makepyfile(test_inner=textwrap.dedent(f"""
        import pytest
        import requests

        @pytest.mark.fakenova(scenario="{scenario}", max_version="2.65")
        def test_remote(fakenova):
            assert fakenova.app is None
            assert requests.get(fakenova.compute_url).json()["version"]["version"] == "2.65"
            token = fakenova.session().get_token()
            answer = requests.get(fakenova.compute_url + "/servers", headers={{"X-Auth-Token": token}})
            assert answer.status_code == 503
            assert fakenova.scenarios()[0]["rules"][0]["hits"] == 1
            fakenova.seed({{"servers": [{{"name": "r1"}}]}})
            server_id = fakenova.servers()[0]["id"]
            assert fakenova.set_server_state(server_id, vm_state="paused")["status"] == "PAUSED"
            before = fakenova.clock.now()
            assert fakenova.clock.advance(10) >= before + 10
            fakenova.journal.assert_called("GET", "/servers", times=1)
    """))
    with ServerThread(create_app()) as server:
        monkeypatch.setenv("FAKENOVA_URL", server.url)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:warnings")
    result.assert_outcomes(passed=1)


def test_readme_example_runs(pytester: pytest.Pytester) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Use it in pytest", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example, "README's 'Use it in pytest' section has no python example"
    pytester.makepyfile(test_readme=example.group(1))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:warnings")
    result.assert_outcomes(passed=3)


def test_importing_the_plugin_imports_only_pytest() -> None:
    code = ("import sys; import fakenova.testing.plugin; "
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'werkzeug', 'yaml', 'jsonschema', 'click', 'waitress', 'openstack', 'requests')); "
            "ours = sorted(m for m in sys.modules if m.startswith('fakenova')); print(heavy, ours)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[] ['fakenova', 'fakenova.testing', 'fakenova.testing.plugin']"
