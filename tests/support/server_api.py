"""A small client for the server sub-resource tests: one token, one microversion, servers made ACTIVE.

Servers are created through the API with the immediate pace (the default), then put in other states
through the store's atomic ``compute`` (the fields the tests set go beyond what the control plane's
``set_server_state`` can force). Apps come from :func:`support.apps.fresh_app`: shared, reset per test.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

from fakenova.domain.states import TaskState, VmState
from support.apps import fresh_app
from support.tokens import issue_token

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
MISSING = "00000000-0000-4000-8000-000000000000"


def make_app(**settings: Any):
    """A shared app reset to the seed data with ``seed=7`` and ``settings``, its clock at 2026-01-01."""
    return fresh_app(**{"seed": 7, **settings})


class Api:
    """Requests as one user at one microversion, against ``/compute/v2.1``."""

    def __init__(self, app, user: str = "demo", project: str = "demo", version: str = "2.1"):
        self.app, self.client = app, app.test_client()
        self.token, self.version = issue_token(app, user, project), version

    def __call__(self, method: str, path: str, body: Any = None, version: Optional[str] = None, **kwargs):
        headers = {"X-Auth-Token": self.token, "OpenStack-API-Version": f"compute {version or self.version}"}
        headers.update(kwargs.pop("headers", {}))
        return self.client.open(f"/compute/v2.1{path}", method=method, json=body, headers=headers, **kwargs)

    def server(self, **server: Any) -> str:
        """Create a server (ACTIVE at once with the default pace) and return its id."""
        body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}], **server}
        response = self("POST", "/servers", {"server": body}, version="2.52")
        assert response.status_code == 202, response.json
        server_id = response.json["server"]["id"]
        assert self("GET", f"/servers/{server_id}").json["server"]["status"] == "ACTIVE"
        return server_id

    def stored(self, server_id: str):
        return self.app.extensions["fakenova"].store.get("server", server_id)

    def set_state(self, server_id: str, vm_state: VmState, task_state: Optional[TaskState] = None,
                  **fields: Any) -> None:
        store = self.app.extensions["fakenova"].store
        store.compute("server", server_id, lambda s: dataclasses.replace(
            s, vm_state=vm_state, task_state=task_state, **fields))


def fault(response) -> str:
    """The message of a Nova fault body, whatever its fault name."""
    (body,) = response.json.values()
    return body["message"]
