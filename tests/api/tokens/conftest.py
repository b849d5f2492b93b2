"""Fixtures for the API tests that send raw tokens: ``demo``, ``alt`` and ``admin`` are token strings here.

Each module defines its own ``app`` (its settings and seed); these fixtures build on whichever it defines, and
take precedence over ``tests/api/conftest.py``, whose ``demo``/``admin`` are request helpers.
"""
import pytest
from support.tokens import issue_token


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def store(app):
    return app.extensions["fakenova"].store


@pytest.fixture
def demo(app):
    return issue_token(app)


@pytest.fixture
def alt(app):
    return issue_token(app, "alt_demo", "alt_demo")


@pytest.fixture
def admin(app):
    return issue_token(app, "admin", "admin")
