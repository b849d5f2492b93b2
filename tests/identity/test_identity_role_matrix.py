"""Keystone's write routes as each persona, under Keystone's default policies (keystone/common/policies/).

With project-scoped tokens, every admin API write is ``rule:admin_required`` (``role:admin or is_admin:1``):
the manager personas Keystone has are *domain* managers (``role:manager and domain_id:...`` /
``not domain_id:None``), and a project-scoped token carries no ``domain_id``, so a project's manager is refused
like its member. Application credentials are the exception: ``identity:create_application_credential`` is
``user_id:%(user_id)s``, the user's own only, the admin included. Keystone's 403 is ``ForbiddenAction``.
"""
from __future__ import annotations

import pytest
from support.role_matrix import ADMIN, ALT_DEMO, DEMO, Row, assert_verdict, call, params

V3 = "/identity/v3"
USERS = {"demo": "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c", "alt_demo": "1a0f9e8d7c6b4a5f3e2d1c0b9a8f7e6d",
         "demo_reader": "2b1a0f9e8d7c4b6a4f3e2d1c0b9a8f7e"}
MEMBER_ROLE = "6a0b8c2d4e3f5071b2c3d4e5f6071829"

ROWS = [
    Row("POST", "/projects", {"project": {"name": "p2"}}, "identity:create_project", 201, ADMIN),
    Row("PATCH", f"/projects/{DEMO}", {"project": {"description": "x"}}, "identity:update_project", 200, ADMIN),
    Row("DELETE", f"/projects/{ALT_DEMO}", None, "identity:delete_project", 204, ADMIN),
    Row("POST", "/users", {"user": {"name": "u2", "password": "pw"}}, "identity:create_user", 201, ADMIN),
    Row("PATCH", f"/users/{USERS['demo_reader']}", {"user": {"email": "r@example.org"}}, "identity:update_user",
        200, ADMIN),
    Row("DELETE", f"/users/{USERS['alt_demo']}", None, "identity:delete_user", 204, ADMIN),
    Row("POST", "/groups", {"group": {"name": "g2"}}, "identity:create_group", 201, ADMIN),
    Row("POST", "/roles", {"role": {"name": "r2"}}, "identity:create_role", 201, ADMIN),
    Row("PUT", f"/projects/{DEMO}/users/{USERS['alt_demo']}/roles/{MEMBER_ROLE}", None, "identity:create_grant",
        204, ADMIN),
    Row("POST", "/domains", {"domain": {"name": "d2"}}, "identity:create_domain", 201, ADMIN),
    # the caller's own user only (demo is the member persona): not even the admin, for another user
    Row("POST", f"/users/{USERS['demo']}/application_credentials", {"application_credential": {"name": "ac"}},
        "identity:create_application_credential", 201, frozenset({"member"})),
]


def _forbidden(rule: str) -> dict:
    return {"error": {"code": 403, "title": "Forbidden",
                      "message": f"You are not authorized to perform the requested action: {rule}."}}


@pytest.mark.parametrize("row, persona", params(ROWS))
def test_each_persona_gets_what_keystones_defaults_grant(app, row, persona):
    response, before, after = call(app, row, persona, V3 + row.path)
    assert_verdict(row, persona, response, before, after, lambda verdict: (403, _forbidden(row.rule)))
