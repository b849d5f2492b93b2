"""The pytest plugin (entry point ``pytest11: fakenova``): a live fake cloud per session, clean per test.

Importing this module imports only pytest; fakenova, Flask and the rest load when a fixture is first used.

Fixtures: ``fakenova_settings`` (session; override it in a conftest.py), ``fakenova_app`` (session),
``fakenova_server`` (session; a live server on 127.0.0.1 and a free port, one per xdist worker),
``fakenova`` (function; a reset :class:`~fakenova.testing.harness.FakeNova` handle) and ``fakenova_client``
(function; a Flask test client, no socket). Marker: ``@pytest.mark.fakenova(scenario=..., max_version=...,
pace=..., seed=..., strict=False)``. With ``FAKENOVA_URL`` set, ``fakenova`` drives that server instead.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Tuple, Union

import pytest

if TYPE_CHECKING:  # annotations only: importing the plugin loads pytest and nothing else
    from flask import Flask
    from flask.testing import FlaskClient

    from fakenova.serving import ServerThread
    from fakenova.settings import Settings
    from fakenova.testing.harness import FakeNova

_HANDLE = pytest.StashKey[Any]()
_STRICT = pytest.StashKey[bool]()
#: marker keywords that are not settings
_MARKER_OWN = ("scenario", "strict")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fakenova(scenario=None, max_version=None, min_version=None, pace=None, seed=None, "
                   "strict=False, **settings): configure the fake cloud for this test (scenario: a bundled name, "
                   "a path, an inline mapping or a list of them; strict: fail if a scripted rule never fired)")


@pytest.fixture(scope="session")
def fakenova_settings() -> Union[Settings, Dict[str, Any]]:
    """Settings for the session's app: a ``fakenova.Settings`` or a dict of its fields (override me)."""
    return {}


@pytest.fixture(scope="session")
def fakenova_app(fakenova_settings: Union[Settings, Dict[str, Any]]) -> Flask:
    """The session's fakenova WSGI app (one per xdist worker)."""
    from fakenova.app import create_app
    from fakenova.settings import Settings

    settings = fakenova_settings
    if isinstance(settings, dict):
        settings = Settings(**settings)
    return create_app(settings)


@pytest.fixture(scope="session")
def fakenova_server(fakenova_app: Flask) -> Iterator[ServerThread]:
    """The app served on 127.0.0.1 and an ephemeral port, from a thread, for the whole session."""
    from fakenova.serving import ServerThread

    with ServerThread(fakenova_app, host="127.0.0.1", port=0) as server:
        yield server


def _marker_options(node: Any) -> Tuple[List[Any], Dict[str, Any], bool]:
    """Scenarios, settings overrides and strictness from the closest ``fakenova`` markers (test over module)."""
    scenarios: List[Any] = []
    settings: Dict[str, Any] = {}
    strict = False
    for marker in reversed(list(node.iter_markers("fakenova"))):  # farthest first, so the test's wins
        scenario = marker.kwargs.get("scenario")
        if scenario is not None:
            scenarios.extend(scenario if isinstance(scenario, (list, tuple)) else [scenario])
        settings.update({key: value for key, value in marker.kwargs.items() if key not in _MARKER_OWN})
        strict = bool(marker.kwargs.get("strict", strict))
    return scenarios, settings, strict


def _prepare(request: pytest.FixtureRequest, handle: FakeNova) -> FakeNova:
    scenarios, settings, strict = _marker_options(request.node)
    handle.reset(**settings)
    for scenario in scenarios:
        handle.load_scenario(scenario)
    request.node.stash[_HANDLE] = handle
    request.node.stash[_STRICT] = strict
    return handle


@pytest.fixture
def fakenova(request: pytest.FixtureRequest) -> FakeNova:
    """A :class:`~fakenova.testing.harness.FakeNova` on the live server, reset and set up by the marker."""
    from fakenova.testing.harness import FakeNova

    url = os.environ.get("FAKENOVA_URL")
    if url:
        handle = FakeNova(url=url)
    else:
        server = request.getfixturevalue("fakenova_server")
        handle = FakeNova(url=server.url, app=server.app)
    return _prepare(request, handle)


@pytest.fixture
def fakenova_client(request: pytest.FixtureRequest, fakenova_app: Flask) -> FlaskClient:
    """A Flask test client on the session's app (no socket), reset and set up by the marker."""
    from fakenova.testing.harness import FakeNova

    _prepare(request, FakeNova(app=fakenova_app))
    return fakenova_app.test_client()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a passing test body: fail it for server-side errors it caused, or unfired rules when strict."""
    result = yield
    handle = item.stash.get(_HANDLE, None)
    if handle is not None:
        handle.check_errors()
        if item.stash.get(_STRICT, False):
            handle.assert_all_fired()
    return result
