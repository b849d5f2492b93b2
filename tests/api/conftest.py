"""Fixtures shared by the API tests that drive the app through ``support.server_api.Api``.

A test module that needs other meanings for ``app``, ``demo`` or ``admin`` (a raw token, other settings)
defines its own fixtures, which take precedence over these.
"""
import pytest
from support.server_api import Api, make_app


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def demo(app):
    return Api(app)


@pytest.fixture
def admin(app):
    return Api(app, "admin", "admin")
