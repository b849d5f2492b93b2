"""Fixtures of the Cinder tests: a fresh app and clients for demo, alt_demo and admin."""
from __future__ import annotations

import pytest
from support.cinder_api import Cinder, make_app


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def demo(app):
    return Cinder(app)


@pytest.fixture
def admin(app):
    return Cinder(app, "admin", "admin")
