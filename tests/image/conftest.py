"""Fixtures for the Glance metadefs tests: a fresh app, and clients for admin, a member and a reader of demo,
and a member of alt_demo."""
from __future__ import annotations

import pytest
from metadef_support import Client
from support.apps import fresh_app


@pytest.fixture
def app():
    return fresh_app(seed=7)


@pytest.fixture
def users(app):
    return {name: Client(app, name) for name in ("admin", "demo", "demo_reader", "alt_demo")}


@pytest.fixture
def admin(users):
    return users["admin"]
