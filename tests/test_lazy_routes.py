"""Route tables known before their handler modules load: the generated index is current, a stale one falls
back to the live table, and the first requests to a route, however concurrent, load the one same route."""
from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from flask import Flask
from support.apps import fresh_app
from support.tokens import auth_headers

from fakenova.api import lazy_routes
from fakenova.api.lazy_routes import RouteRef, entry, rows, table
from fakenova.api.route_index_data import INDEX
from fakenova.api.routes import ALL_SOURCES
from fakenova.api.routing import Route, blueprint, route_of

_STALE = "the route index is out of date: run `python scripts/route_index.py` and commit its output"


def test_the_index_holds_every_table_and_nothing_else() -> None:
    assert list(INDEX) == list(ALL_SOURCES), _STALE


@pytest.mark.parametrize("source", ALL_SOURCES)
def test_the_index_is_what_the_table_says_now(source: str) -> None:
    assert INDEX[source] == entry(source), _STALE


@pytest.mark.parametrize("source", ALL_SOURCES)
def test_each_reference_loads_the_row_of_the_live_table(source: str) -> None:
    refs = rows([source])
    assert all(isinstance(ref, RouteRef) for ref in refs)
    assert [ref.load() for ref in refs if isinstance(ref, RouteRef)] == list(table(source))


def test_a_table_whose_files_changed_is_imported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "fakenova.api.compute.flavors:ROUTES"
    digest, modules, known = INDEX[source]
    monkeypatch.setitem(INDEX, source, ("0" * 24, modules, known))
    found = rows([source])
    assert found == list(table(source))
    assert all(isinstance(route, Route) for route in found)


def test_a_row_that_moved_after_start_up_is_an_error_not_another_route() -> None:
    method, path, stem = INDEX["fakenova.api.compute.flavors:ROUTES"][2][0]
    with pytest.raises(RuntimeError, match="changed after start-up"):
        RouteRef(method, path + "/moved", stem, "fakenova.api.compute.flavors:ROUTES", 0).load()


def test_concurrent_first_requests_load_one_route_once() -> None:
    source = "fakenova.api.compute.keypairs:ROUTES"
    app = Flask("probe")  # views of their own, which no request has used yet
    app.register_blueprint(blueprint("probe", "/probe", rows([source])))
    view = app.view_functions[next(name for name in app.view_functions if name.startswith("probe."))]
    barrier, seen = threading.Barrier(8), []

    def first_request() -> None:
        barrier.wait()
        seen.append(route_of(view))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(route is seen[0] for route in seen)
    assert seen[0] in table(source)


def test_create_app_imports_no_handler_module_and_a_request_imports_its_own() -> None:
    script = (
        "import sys\n"
        "from fakenova.app import create_app\n"
        "app = create_app()\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('fakenova.api.compute.servers')\n"
        "                        or m.startswith('fakenova.api.image.images'))\n"
        "print(loaded())\n"
        "print(app.test_client().get('/compute/v2.1/servers').status_code)\n"
        "print(loaded())\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "401", "['fakenova.api.compute.servers']"]


def test_a_lazily_loaded_route_answers_as_before() -> None:
    app = fresh_app()
    answer = app.test_client().get("/compute/v2.1/flavors", headers=auth_headers(app))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert {flavor["name"] for flavor in answer.get_json()["flavors"]} >= {"m1.tiny"}
    assert lazy_routes.digest(["fakenova.api.no_such_module"]) == ""
