"""Glance's write routes as each persona, under Glance's default policies (glance/policies/image.py, base.py).

``add_image`` is ``rule:context_is_admin or (role:member and project_id:%(project_id)s and
project_id:%(owner)s)``: any member creates images in their own project, a reader does not. The other writes are
``ADMIN_OR_PROJECT_MEMBER`` on the image's owner (``publicize_image`` and ``deactivate`` of someone else's image
need the admin). Glance checks whether the caller may see the image when a write rule refuses them: another
project's private image is ``No image found with ID``, a visible one (public ``cirros``) the rule's 403.
The members controller says so in its own words (``Image <id> not found.``). A patch's rules are checked change
by change, a visibility change's own rule (``publicize_image``) before ``modify_image``. Errors are webob's,
negotiated on ``Accept`` (JSON here, as keystoneauth asks).
"""
from __future__ import annotations

import pytest
from glance_support import CIRROS, PATCH, Glance
from support.apps import fresh_app
from support.role_matrix import ADMIN, ALT_DEMO, ANY_MEMBER, MEMBERS, Row, assert_unauthorized, call, params

OTHER = frozenset({"other"})
ROWS = [
    Row("POST", "/images", {"name": "i2", "disk_format": "raw", "container_format": "bare"}, "add_image", 201,
        ANY_MEMBER),
    Row("PATCH", "/images/{image}", [{"op": "replace", "path": "/name", "value": "n"}], "modify_image", 200,
        MEMBERS, OTHER, content_type=PATCH),
    Row("PUT", "/images/{image}/tags/t", None, "modify_image", 204, MEMBERS, OTHER),
    Row("DELETE", "/images/{image}", None, "delete_image", 204, MEMBERS, OTHER),
    Row("PUT", "/images/{image}/file", b"bits", "upload_image", 204, MEMBERS, OTHER,
        content_type="application/octet-stream"),
    Row("POST", "/images/{image}/members", {"member": ALT_DEMO}, "add_member", 200, MEMBERS, OTHER),
    Row("PATCH", "/images/{image}", [{"op": "replace", "path": "/visibility", "value": "public"}],
        "publicize_image", 200, ADMIN, OTHER, content_type=PATCH),
    # the admin's public image: everyone sees it, only the admin (its owner) may change it
    Row("PATCH", f"/images/{CIRROS}", [{"op": "replace", "path": "/name", "value": "n"}], "modify_image", 200,
        ADMIN, content_type=PATCH),
    Row("DELETE", f"/images/{CIRROS}", None, "delete_image", 204, ADMIN),
    Row("POST", f"/images/{CIRROS}/actions/deactivate", None, "deactivate", 204, ADMIN),
]


def _webob(status: str, explanation: str) -> dict:
    return {"message": f"{explanation}<br /><br />\n\n\n", "code": status, "title": status.split(" ", 1)[1]}


@pytest.mark.parametrize("row, persona", params(ROWS))
def test_each_persona_gets_what_glances_defaults_grant(row, persona):
    app = fresh_app(seed=7)
    image = Glance(app).create(name="demo-private", disk_format="raw", container_format="bare")["id"]
    response, before, after = call(app, row, persona, "/image/v2" + row.path.format(image=image),
                                   extra={"Accept": "application/json"})
    expected = row.expected(persona)
    if expected == "ok":
        assert response.status_code == row.ok, response.get_data(as_text=True)
        assert after != before
        return
    if expected == "unauthorized":
        assert_unauthorized(response)
    elif expected == "missing":
        message = f"Image {image} not found." if "/members" in row.path else f"No image found with ID {image}"
        assert (response.status_code, response.get_json()) == (404, _webob("404 Not Found", message))
    else:
        assert (response.status_code, response.get_json()) == (
            403, _webob("403 Forbidden", f"You are not authorized to complete {row.rule} action."))
    assert response.headers["Content-Type"] == "application/json"
    assert after == before  # nothing stored, nothing deleted
