"""A small Glance client over the Flask test client, for the Glance API tests."""
from __future__ import annotations

from typing import Any, Optional

from support.tokens import issue_token

PATCH = "application/openstack-images-v2.1-json-patch"
CIRROS = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ALT_PROJECT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
          413: "Request Entity Too Large", 415: "Unsupported Media Type", 416: "Request Range Not Satisfiable"}
DEFAULT_EXPLANATION = {403: "Access was denied to this resource.", 409: "There was a conflict when trying to "
                       "complete your request.", 415: None}


class Glance:
    """Requests to ``/image/v2`` as one user, accepting JSON (as keystoneauth and tempest do)."""

    def __init__(self, app: Any, user: str = "demo", project: Optional[str] = None, roles: Any = None) -> None:
        self.client = app.test_client()
        self.token = issue_token(app, user, project or user)
        if roles is not None:
            app.extensions["fakenova"].store.compute(
                "token", self.token, lambda record: {**record, "roles": list(roles)})

    def __call__(self, method: str, path: str, body: Any = None, *, content_type: Optional[str] = None,
                 data: Optional[bytes] = None, headers: Optional[dict] = None) -> Any:
        sent = {"X-Auth-Token": self.token, "Accept": "application/json", **(headers or {})}
        if content_type:
            sent["Content-Type"] = content_type
        kwargs: dict = {"headers": sent}
        if data is not None:
            kwargs["data"] = data
        elif body is not None:
            kwargs["json"] = body
        return self.client.open(f"/image/v2{path}", method=method, **kwargs)

    def create(self, **fields: Any) -> dict:
        response = self("POST", "/images", {"disk_format": "raw", "container_format": "bare", **fields})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    def patch(self, image_id: str, *changes: dict) -> Any:
        return self("PATCH", f"/images/{image_id}", list(changes), content_type=PATCH)

    def upload(self, image_id: str, data: bytes) -> Any:
        return self("PUT", f"/images/{image_id}/file", data=data, content_type="application/octet-stream")


def glance_error(code: int, message: str, *, detail: bool = False) -> dict:
    """webob's JSON error body: the message as Glance's explanation, or as the detail under the default one."""
    title = TITLES[code]
    text = f"{DEFAULT_EXPLANATION[code]}<br /><br />\n{message}\n\n" if detail else f"{message}<br /><br />\n\n\n"
    return {"code": f"{code} {title}", "title": title, "message": text}
