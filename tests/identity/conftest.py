"""Fixtures of the identity tests: a fresh app and its client."""
from __future__ import annotations

import pytest
from support.apps import fresh_app


@pytest.fixture
def app():
    return fresh_app()


@pytest.fixture
def client(app):
    return app.test_client()
