"""A live fakenova on 127.0.0.1 and an ephemeral port for the real-client tests, reset before each test."""
from __future__ import annotations

import pytest

from fakenova import create_app
from fakenova.serving import ServerThread


@pytest.fixture(scope="session")
def live_server():
    app = create_app()
    with ServerThread(app) as server:
        yield server


@pytest.fixture
def cloud(live_server):
    """The live server, with its state reset to the seed data."""
    live_server.app.extensions["fakenova"].reset()
    return live_server


@pytest.fixture
def auth_url(cloud) -> str:
    return f"{cloud.url}/identity"
