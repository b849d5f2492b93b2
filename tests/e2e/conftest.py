"""The live fakenova for the real-client tests (``tests/conftest.py``), reset before each test (``pace``: at each
pace fakenova offers)."""
from __future__ import annotations

from typing import Iterator

import pytest
from support.apps import control
from support.paces import PACES, paced


@pytest.fixture
def cloud(live_server):
    """The live server, with its state reset to the seed data."""
    control(live_server.app).reset()
    return live_server


@pytest.fixture
def auth_url(cloud) -> str:
    return f"{cloud.url}/identity"


@pytest.fixture(params=PACES)
def pace(request, cloud) -> Iterator[str]:
    """The live server reset at each pace fakenova offers, driven while the test's client waits."""
    yield from paced(cloud.app, request.param)
