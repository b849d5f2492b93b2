"""The live fakenova for the real-client tests (``tests/conftest.py``), reset before each test."""
from __future__ import annotations

import pytest
from support.apps import control


@pytest.fixture
def cloud(live_server):
    """The live server, with its state reset to the seed data."""
    control(live_server.app).reset()
    return live_server


@pytest.fixture
def auth_url(cloud) -> str:
    return f"{cloud.url}/identity"
