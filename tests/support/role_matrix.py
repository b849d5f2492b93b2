"""The role matrix beyond compute: one write route as each persona, judged against a row of expectations.

Personas (the seed's users): a reader, a member and a manager of ``demo``, the cloud admin (admin on ``admin``), a
member and a reader of another project (``alt_demo``) and an anonymous caller with no token. A :class:`Row` says which
personas the service's default rule lets through and which get its 404 (the record is not theirs to see);
everyone else with a token gets the service's 403, and the anonymous caller keystonemiddleware's 401. After a
refusal the records of every kind the services write are as they were.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple

from flask import Flask

from support.tokens import issue_token

PERSONAS = ("reader", "member", "manager", "admin", "other", "other_reader", "anonymous")
#: persona -> (user, project) of its token
CALLERS: Mapping[str, Tuple[str, str]] = {
    "reader": ("demo_reader", "demo"), "member": ("demo", "demo"), "manager": ("demo_manager", "demo"),
    "admin": ("admin", "admin"), "other": ("alt_demo", "alt_demo"), "other_reader": ("alt_demo", "alt_demo")}
#: personas whose token carries fewer roles than the seed gives its user
ROLES_OF: Mapping[str, List[str]] = {"other_reader": ["reader"]}
ADMIN = frozenset({"admin"})
MEMBERS = frozenset({"member", "manager", "admin"})  # the manager role implies member (and reader)
ANY_MEMBER = MEMBERS | {"other"}  # a member of any project, on a record of their own project
DEMO, ALT_DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928", "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
#: every kind of record the identity, image, network and volume APIs write (tokens excepted: each persona's
#: token is issued before the snapshot)
KINDS = ("project", "user", "assignment", "domain", "group", "membership", "role", "implied_role", "grant",
         "app_cred", "image", "image_data", "network", "subnet", "port", "ip_allocation", "router", "floatingip",
         "security_group", "security_group_rule", "subnetpool", "network_quota", "volume", "volume_snapshot",
         "volume_type", "volume_attachment", "volume_quota", "server", "quota")
UNAUTHORIZED = {"error": {"code": 401, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}}


@dataclass(frozen=True)
class Row:
    """One write route and who may call it under the service's default policy.

    :param path: may name ``{image}`` and the like, filled from the test's fixtures.
    :param allowed: the personas the rule lets through (they get ``ok``).
    :param hidden: the personas the service tells the record does not exist (404).
    :param content_type: the body's media type when it is not JSON (then sent as JSON text or raw bytes).
    """

    method: str
    path: str
    body: Any
    rule: str
    ok: int
    allowed: FrozenSet[str]
    hidden: FrozenSet[str] = field(default_factory=frozenset)
    content_type: str = ""

    def expected(self, persona: str) -> str:
        """What ``persona`` gets; another project's reader passes where any reader does, and is told what
        that project's member is told of a record of ``demo``'s it cannot see."""
        if persona == "anonymous":
            return "unauthorized"
        if persona in self.allowed or (persona == "other_reader" and "reader" in self.allowed):
            return "ok"
        hidden = persona in self.hidden or (persona == "other_reader" and "other" in self.hidden)
        return "missing" if hidden else "forbidden"


def params(rows: List[Row]) -> List[Any]:
    import pytest

    return [pytest.param(row, persona, id=f"{row.method} {row.path} {persona}") for row in rows for persona in PERSONAS]


def headers(app: Flask, persona: str, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The persona's token header (none for the anonymous caller) and ``extra``."""
    found = dict(extra or {})
    if persona != "anonymous":
        token = found["X-Auth-Token"] = issue_token(app, *CALLERS[persona])
        if persona in ROLES_OF:
            app.extensions["fakenova"].store.compute(
                "token", token, lambda record: {**record, "roles": ROLES_OF[persona]})
    return found


def records(app: Flask) -> Dict[str, List[str]]:
    """Every record of :data:`KINDS`, as sorted JSON texts (a snapshot to compare after a refusal)."""
    store = app.extensions["fakenova"].store
    return {kind: sorted(json.dumps(r, sort_keys=True, default=repr) for r in store.list(kind)) for kind in KINDS}


def call(app: Flask, row: Row, persona: str, url: str, extra: Optional[Mapping[str, str]] = None,
         body: Callable[[Any], Any] = lambda body: body) -> Tuple[Any, Dict[str, List[str]], Dict[str, List[str]]]:
    """(response, records before, records after) of the row's request by ``persona`` at ``url``.

    :param body: fills the row's body in (ids of the test's own records).
    """
    sent = headers(app, persona, extra)
    payload = body(row.body)
    kwargs: Dict[str, Any] = {}
    if row.content_type:
        sent["Content-Type"] = row.content_type
        kwargs["data"] = payload if isinstance(payload, bytes) else json.dumps(payload)
    elif payload is not None:
        kwargs["json"] = payload
    before = records(app)
    response = app.test_client().open(url, method=row.method, headers=sent, **kwargs)
    return response, before, records(app)


def assert_unauthorized(response: Any, identity_url: str = "http://localhost/identity") -> None:
    """keystonemiddleware's 401 (Keystone's own for the identity API), with where to authenticate."""
    assert (response.status_code, response.get_json()) == (401, UNAUTHORIZED)
    assert response.headers["WWW-Authenticate"] == f'Keystone uri="{identity_url}"'


def assert_verdict(row: Row, persona: str, response: Any, before: Dict[str, List[str]],
                   after: Dict[str, List[str]], refusal: Callable[[str], Tuple[int, Any]]) -> None:
    """What the service's defaults grant ``persona`` on ``row``: done (its status, something changed), or
    refused (keystonemiddleware's 401, else ``refusal(verdict)``: the service's own status and body for
    ``"missing"`` or ``"forbidden"``) in JSON with nothing stored or deleted."""
    expected = row.expected(persona)
    if expected == "ok":
        assert response.status_code == row.ok, response.get_json()
        assert after != before
        return
    if expected == "unauthorized":
        assert_unauthorized(response)
    else:
        assert (response.status_code, response.get_json()) == refusal(expected)
    assert response.headers["Content-Type"] == "application/json"
    assert after == before  # nothing stored, nothing deleted
