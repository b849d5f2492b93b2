"""Cinder's write routes as each persona, under Cinder's default policies (cinder/policies/).

Volume, snapshot and metadata writes are ``xena_system_admin_or_project_member`` (``role:admin`` or ``role:member
and project_id:%(project_id)s``): a reader cannot create a volume. Types and quotas are ``rule:admin_api``.
Cinder loads the volume with the caller's project scope before authorizing against it, so another project's
volume is ``Volume <id> could not be found.``, even to a reader there whom the rule refuses anyway; its 403 is
``Policy doesn't allow <rule> to be performed.``
"""
from __future__ import annotations

import pytest
from support.apps import fresh_app
from support.role_matrix import ADMIN, ANY_MEMBER, DEMO, MEMBERS, Row, assert_verdict, call, params

VOLUME = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e02"  # demo-vol-2, available
OTHER = frozenset({"other"})

ROWS = [
    Row("POST", "/volumes", {"volume": {"size": 1, "name": "v2"}}, "volume:create", 202, ANY_MEMBER),
    Row("PUT", f"/volumes/{VOLUME}", {"volume": {"name": "renamed"}}, "volume:update", 200, MEMBERS, OTHER),
    Row("DELETE", f"/volumes/{VOLUME}", None, "volume:delete", 202, MEMBERS, OTHER),
    Row("POST", f"/volumes/{VOLUME}/action", {"os-extend": {"new_size": 3}}, "volume:extend", 202, MEMBERS, OTHER),
    Row("POST", f"/volumes/{VOLUME}/metadata", {"metadata": {"a": "b"}}, "volume:create_volume_metadata", 200,
        MEMBERS, OTHER),
    Row("POST", "/snapshots", {"snapshot": {"volume_id": VOLUME, "name": "s"}}, "volume:create_snapshot", 202,
        MEMBERS, OTHER),
    Row("POST", "/types", {"volume_type": {"name": "t2"}}, "volume_extension:type_create", 200, ADMIN),
    Row("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"volumes": 20}}, "volume_extension:quotas:update", 200,
        ADMIN),
]


def _url(persona: str, path: str) -> str:
    """Cinder's URL carries the caller's own project, as its catalog entry does."""
    alt_demo = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
    project = {"admin": "2f1c3b1e9a6d4c1f8e7d6c5b4a392817", "other": alt_demo, "other_reader": alt_demo}
    return f"/volume/v3/{project.get(persona, DEMO)}{path}"


@pytest.mark.parametrize("row, persona", params(ROWS))
def test_each_persona_gets_what_cinders_defaults_grant(row, persona):
    app = fresh_app(seed=7)
    response, before, after = call(app, row, persona, _url(persona, row.path),
                                   extra={"OpenStack-API-Version": "volume 3.71"})
    refusals = {
        "missing": (404, {"itemNotFound": {"code": 404, "message": f"Volume {VOLUME} could not be found."}}),
        "forbidden": (403, {"forbidden": {"code": 403,
                                          "message": f"Policy doesn't allow {row.rule} to be performed."}}),
    }
    assert_verdict(row, persona, response, before, after, refusals.__getitem__)
