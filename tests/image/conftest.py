"""Fixtures for the Glance metadefs tests: a fresh app, and clients for admin, a member and a reader of demo,
and a member of alt_demo."""
from __future__ import annotations

import pytest
from metadef_support import Client
from support.apps import fresh_app


@pytest.fixture
def app():
    return fresh_app(seed=7)


class Users(dict):
    """Clients by user name, each made (a token issued) on first use."""

    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, name: str) -> Client:
        self[name] = Client(self.app, name)
        return self[name]


@pytest.fixture
def users(app):
    return Users(app)


@pytest.fixture
def admin(users):
    return users["admin"]
