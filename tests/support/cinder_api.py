"""A small client for the Cinder tests: one user's token at one volume microversion, against ``/volume/v3``."""
from __future__ import annotations

from typing import Any, Optional

from support.apps import fresh_app
from support.tokens import issue_token

VOL1, VOL2 = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01", "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e02"
ALT_VOL = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e11"
IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
MISSING = "00000000-0000-4000-8000-000000000000"


def make_app(**settings: Any):
    return fresh_app(**{"seed": 7, **settings})


class Cinder:
    """Requests as one user at one volume microversion (``None``: no version header, Cinder's 3.0)."""

    def __init__(self, app, user: str = "demo", project: str = "demo", version: Optional[str] = "3.71"):
        self.app, self.client = app, app.test_client()
        self.token, self.version = issue_token(app, user, project), version
        self.project_id = next(p["id"] for p in app.extensions["fakenova"].store.list("project")
                               if p["name"] == project)

    def __call__(self, method: str, path: str, body: Any = None, version: Optional[str] = "", **kwargs):
        headers = {"X-Auth-Token": self.token}
        chosen = self.version if version == "" else version
        if chosen is not None:
            headers["OpenStack-API-Version"] = f"volume {chosen}"
        headers.update(kwargs.pop("headers", {}))
        return self.client.open(f"/volume/v3/{self.project_id}{path}", method=method, json=body, headers=headers,
                                **kwargs)

    def nova(self, method: str, path: str, body: Any = None, version: str = "2.79"):
        headers = {"X-Auth-Token": self.token, "OpenStack-API-Version": f"compute {version}"}
        return self.client.open(f"/compute/v2.1{path}", method=method, json=body, headers=headers)

    def volume(self, **wanted: Any) -> str:
        """A new volume, read until ``available`` (one read at the default immediate pace)."""
        response = self("POST", "/volumes", {"volume": {"size": 1, **wanted}})
        assert response.status_code == 202, response.json
        volume_id = response.json["volume"]["id"]
        assert self("GET", f"/volumes/{volume_id}").json["volume"]["status"] == "available"
        return volume_id

    def status(self, volume_id: str) -> str:
        return self("GET", f"/volumes/{volume_id}").json["volume"]["status"]

    def server(self, **server: Any) -> str:
        body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}], **server}
        response = self.nova("POST", "/servers", {"server": body})
        assert response.status_code == 202, response.json
        server_id = response.json["server"]["id"]
        assert self.nova("GET", f"/servers/{server_id}").json["server"]["status"] == "ACTIVE"
        return server_id

    def set_status(self, volume_id: str, status: str) -> None:
        store = self.app.extensions["fakenova"].store
        store.compute("volume", volume_id, lambda record: {**record, "status": status, "transition": None})


def fault(response) -> str:
    (body,) = response.json.values()
    return body["message"]
