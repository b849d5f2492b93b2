"""What the Neutron API tests share: a test client on the shared app, reset per test, carrying each persona's
token headers (``client.demo``, ``client.admin``, ``client.alt``)."""
from __future__ import annotations

import pytest
from support.apps import fresh_app
from support.tokens import auth_headers


@pytest.fixture
def client():
    app = fresh_app()
    client = app.test_client()
    client.demo = auth_headers(app)
    client.admin = auth_headers(app, "admin", "admin")
    client.alt = auth_headers(app, "alt_demo", "alt_demo")
    return client
