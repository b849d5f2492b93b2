"""A small client for ``/image/v2`` over the Flask test client, and Glance's JSON error body, for the metadefs
tests."""
from __future__ import annotations

from typing import Any, Optional

from support.tokens import issue_token

ADMIN_PROJECT = "2f1c3b1e9a6d4c1f8e7d6c5b4a392817"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
NAMESPACES = "/metadefs/namespaces"
TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}


class Client:
    """Requests to ``/image/v2`` as one user on their default project, accepting JSON (as tempest does)."""

    def __init__(self, app: Any, user: str, project: Optional[str] = None) -> None:
        self.client = app.test_client()
        self.token = issue_token(app, user, project or {"demo_reader": "demo"}.get(user, user))

    def __call__(self, method: str, path: str, body: Any = None, headers: Optional[dict] = None) -> Any:
        sent = {"X-Auth-Token": self.token, "Accept": "application/json", **(headers or {})}
        return self.client.open(f"/image/v2{path}", method=method, headers=sent,
                                **({} if body is None else {"json": body}))


def error_body(code: int, message: str) -> dict:
    """webob's JSON body for a Glance error whose message is the explanation."""
    return {"code": f"{code} {TITLES[code]}", "title": TITLES[code], "message": f"{message}<br /><br />\n\n\n"}
