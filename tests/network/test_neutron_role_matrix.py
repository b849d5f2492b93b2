"""Neutron's write routes as each persona, under Neutron's default policies (neutron/conf/policies/).

Most writes are ``ADMIN_OR_PROJECT_MEMBER`` on the resource's project: any member creates in their own project,
a reader does not. ``create_port`` also passes ``rule:shared``, so on the shared ``private`` network even a
reader may make one; ``create_subnet`` needs a member of the network's owner. Neutron looks an existing resource up
with the caller's own scope before the rule: another project's private router is ``RouterNotFound``, while
a shared or external network it can see gets the rule's ``PolicyNotAuthorized``
(``rule:<action> is disallowed by policy``, the rules of the attributes the body sets and-ed in). Choosing a
floating IP's address is ``ADMIN_OR_PROJECT_MANAGER``: the one write here a project's manager may do and its
member may not.
"""
from __future__ import annotations

from typing import Tuple

import pytest
from support.apps import fresh_app
from support.role_matrix import ADMIN, ANY_MEMBER, MEMBERS, Row, assert_verdict, call, params
from support.tokens import issue_token

PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"  # demo's, shared
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"  # the admin's, external
ROUTER = "5c3f1a0e-7d2b-4e8f-9a61-0b2c4d6e8f10"  # demo's router1
EVERYONE = frozenset({"reader", "member", "manager", "admin", "other"})

ROWS = [
    Row("POST", "/networks", {"network": {"name": "n2"}}, "create_network", 201, ANY_MEMBER),
    Row("PUT", f"/networks/{PRIVATE}", {"network": {"name": "p2"}}, "update_network", 200, MEMBERS),
    Row("PUT", f"/networks/{PUBLIC}", {"network": {"name": "p2"}}, "update_network", 200, ADMIN),
    Row("POST", "/subnets", {"subnet": {"network_id": PRIVATE, "cidr": "10.9.0.0/24", "ip_version": 4}},
        "create_subnet", 201, MEMBERS),
    Row("POST", "/ports", {"port": {"network_id": PRIVATE}}, "create_port", 201, EVERYONE),  # rule:shared
    Row("PUT", f"/routers/{ROUTER}", {"router": {"name": "r2"}}, "update_router", 200, MEMBERS,
        frozenset({"other"})),
    Row("POST", "/routers", {"router": {"name": "r3"}}, "create_router", 201, ANY_MEMBER),
    Row("POST", "/security-groups", {"security_group": {"name": "s2"}}, "create_security_group", 201,
        ANY_MEMBER),
    Row("POST", "/floatingips", {"floatingip": {"floating_network_id": PUBLIC}}, "create_floatingip", 201,
        ANY_MEMBER),
    # choosing the address is the project manager's (ADMIN_OR_PROJECT_MANAGER), and-ed with the action's rule
    Row("POST", "/floatingips",
        {"floatingip": {"floating_network_id": PUBLIC, "floating_ip_address": "172.24.4.99"}},
        "(rule:create_floatingip and rule:create_floatingip:floating_ip_address)", 201,
        frozenset({"manager", "admin"})),
    Row("PUT", "/floatingips/{fip}", {"floatingip": {"description": "d"}}, "update_floatingip", 200, MEMBERS,
        frozenset({"other"})),
    Row("DELETE", "/floatingips/{fip}", None, "delete_floatingip", 204, MEMBERS, frozenset({"other"})),
]


#: the 404 a persona gets for demo's record it cannot see, per kind of resource in the path
MISSING = {"/routers/": ("RouterNotFound", "Router {id} could not be found"),
           "/floatingips/": ("FloatingIPNotFound", "Floating IP {id} could not be found")}


def _floating_ip(app) -> str:
    """A floating IP of demo's, made before the snapshot."""
    headers = {"X-Auth-Token": issue_token(app)}
    response = app.test_client().post("/network/v2.0/floatingips", headers=headers,
                                      json={"floatingip": {"floating_network_id": PUBLIC}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["floatingip"]["id"]


def _error(kind: str, message: str) -> dict:
    return {"NeutronError": {"type": kind, "message": message, "detail": ""}}


@pytest.mark.parametrize("row, persona", params(ROWS))
def test_each_persona_gets_what_neutrons_defaults_grant(row, persona):
    app = fresh_app(seed=7)
    path = row.path.format(fip=_floating_ip(app)) if "{fip}" in row.path else row.path
    response, before, after = call(app, row, persona, "/network/v2.0" + path)

    def refusal(verdict: str) -> Tuple[int, dict]:
        if verdict == "missing":
            kind, message = next(found for prefix, found in MISSING.items() if path.startswith(prefix))
            return 404, _error(kind, message.format(id=path.split("/")[2]))
        rule = row.rule if row.rule.startswith("(") else f"rule:{row.rule}"
        return 403, _error("PolicyNotAuthorized", f"{rule} is disallowed by policy")
    assert_verdict(row, persona, response, before, after, refusal)
