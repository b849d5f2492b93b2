"""Every Glance refusal, table-driven: status, webob's body (JSON for a JSON-accepting client, plain text and
HTML otherwise) and Glance's own message; nothing changes on a refused request."""
from __future__ import annotations

import pytest
from glance_support import ALT_PROJECT, CIRROS, PATCH, Glance, glance_error
from support.apps import fresh_app

MISSING = "00000000-0000-4000-8000-000000000000"
QUEUED = "{queued}"  # replaced by a fresh queued image of demo's
PATCH_TYPES = "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"


@pytest.fixture
def app():
    return fresh_app(seed=7)


def _op(op: str, path: str, value: object = "v") -> list:
    return [{"op": op, "path": path, "value": value}]


#: (user, method, path, json body, content type, status, message, message is webob's detail)
CASES = [
    ("demo", "GET", f"/images/{MISSING}", None, None, 404, f"No image found with ID {MISSING}", False),
    ("demo", "POST", "/images", {"self": "x"}, None, 403, "Attribute 'self' is read-only.", False),
    ("demo", "POST", "/images", {"status": "active"}, None, 403, "Attribute 'status' is read-only.", False),
    ("demo", "POST", "/images", {"deleted": "x"}, None, 403, "Attribute 'deleted' is reserved.", True),
    ("demo", "POST", "/images", {"os_glance_x": "x"}, None, 403, "Attribute 'os_glance_x' is reserved.", True),
    ("demo", "POST", "/images", {"visibility": "public"}, None, 403,
     "You are not authorized to complete publicize_image action.", False),
    ("demo", "POST", "/images", {"owner": ALT_PROJECT}, None, 403,
     "You are not authorized to complete add_image action.", False),
    ("demo", "POST", "/images", {"min_ram": -1}, None, 400,
     "Invalid value '-1' for parameter 'min_ram': Cannot be a negative value", False),
    ("demo", "POST", "/images", {"x" * 256: "v"}, None, 400,
     "Custom property should not be greater than 255 characters.", False),
    ("demo", "POST", "/images", {"id": CIRROS}, None, 409, f"Image ID {CIRROS} already exists!", False),
    ("demo", "POST", "/images", {"tags": [f"t{n}" for n in range(129)]}, None, 413,
     "The limit has been exceeded on the number of allowed image tags. Attempted: 129, Maximum: 128", False),
    ("demo", "POST", "/images", {f"p{n}": "v" for n in range(129)}, None, 413,
     "The limit has been exceeded on the number of allowed image properties. Attempted: 129, Maximum: 128", False),
    ("reader", "POST", "/images", {}, None, 403, "You are not authorized to complete add_image action.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("replace", "/name"), "application/json", 415,
     f"The request media type application/json is not supported by this server.\n<br /><br />\n"
     f"Image PATCH expects Content-Type one of: {PATCH_TYPES}", None),
    ("demo", "PATCH", f"/images/{QUEUED}", {"op": "add"}, PATCH, 400,
     "Request body must be a JSON array of operation objects.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", ["x"], PATCH, 400, "Operations must be JSON objects.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("move", "/name"), PATCH, 400,
     "Invalid operation: `move`. It must be one of the following: add, remove, replace.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", [{"op": "add", "path": "/name"}], PATCH, 400,
     'Operation "add" requires a member named "value".', False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("add", "name"), PATCH, 400,
     'Pointer `name` does not start with "/".', False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("replace", "/status", "active"), PATCH, 403,
     "Attribute 'status' is read-only.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("replace", "/id", MISSING), PATCH, 403,
     "Attribute 'id' is read-only.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("add", "/deleted_at"), PATCH, 403,
     "Attribute 'deleted_at' is reserved.", False),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("replace", "/nope"), PATCH, 409, "Property nope does not exist.", True),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("remove", "/nope"), PATCH, 409, "Property nope does not exist.", True),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("remove", "/name"), PATCH, 403, "Property name may not be removed.",
     True),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("replace", "/owner", ALT_PROJECT), PATCH, 403,
     "Owner can't be updated by non admin.", True),
    ("demo", "PATCH", f"/images/{QUEUED}", _op("replace", "/visibility", "public"), PATCH, 403,
     "You are not authorized to complete publicize_image action.", False),
    ("alt", "PATCH", f"/images/{CIRROS}", _op("replace", "/name"), PATCH, 403,
     "You are not authorized to complete modify_image action.", False),
    ("alt", "PATCH", f"/images/{QUEUED}", _op("replace", "/name"), PATCH, 404, f"No image found with ID {QUEUED}",
     False),
    ("demo", "DELETE", f"/images/{CIRROS}", None, None, 403,
     "You are not authorized to complete delete_image action.", False),
    ("demo", "PUT", f"/images/{QUEUED}/file", None, "application/json", 415,
     "The request media type application/json is not supported by this server.\n<br /><br />\n"
     "Invalid content type application/json", None),
    ("alt", "PUT", f"/images/{CIRROS}/file", None, "application/octet-stream", 403,
     f"Not allowed to upload image data for image {CIRROS}", False),
    ("demo", "POST", f"/images/{QUEUED}/import", {"method": {"name": "web-download"}}, None, 400,
     "Unknown import method name 'web-download'.", False),
    ("demo", "POST", f"/images/{QUEUED}/import", {"method": {"name": "glance-direct"}}, None, 409,
     "Image needs to be staged before 'glance-direct' method can be used", False),
    ("demo", "POST", f"/images/{QUEUED}/members", {"member": ALT_PROJECT}, None, 200, None, False),
    ("demo", "POST", f"/images/{CIRROS}/members", {"member": ALT_PROJECT}, None, 403,
     f"Not allowed to create members for image {CIRROS}.", False),
    ("demo", "POST", f"/images/{QUEUED}/members", {}, None, 400, "Member to be added not specified", False),
    ("demo", "POST", f"/images/{QUEUED}/members", {"member": ""}, None, 400, "Member can't be empty", False),
    ("demo", "GET", f"/images/{CIRROS}/members", None, None, 403,
     f"Not allowed to list members for image {CIRROS}: Only shared images have members.", False),
    ("demo", "GET", f"/images/{QUEUED}/members/{ALT_PROJECT}", None, None, 404,
     f"{ALT_PROJECT} not found in the member list of the image {QUEUED}.", False),
    ("demo", "GET", "/images?limit=x", None, None, 400, "limit param must be an integer", False),
    ("demo", "GET", "/images?sort_key=owner", None, None, 400, "Invalid sort key: owner. It must be one of the "
     "following: name, status, container_format, disk_format, size, id, created_at, updated_at.", False),
    ("demo", "GET", "/images?sort_dir=up", None, None, 400, "Invalid sort direction: up", False),
    ("demo", "GET", "/images?sort=name&sort_key=name", None, None, 400,
     "Old and new sorting syntax cannot be combined", False),
    ("demo", "GET", "/images?member_status=maybe", None, None, 400, "Invalid status: maybe", False),
    ("demo", "GET", "/images?os_hidden=maybe", None, None, 400,
     "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'.", False),
    ("demo", "GET", "/images?changes-since=2020-01-01", None, None, 400,
     'The "changes-since" filter is no longer available on v2.', False),
]


def _caller(app, user: str) -> Glance:
    if user == "reader":
        return Glance(app, "demo", roles=["reader"])
    return Glance(app, {"alt": "alt_demo"}.get(user, user))


@pytest.mark.parametrize("user,method,path,body,content_type,status,message,detail", CASES)
def test_refusals(app, user, method, path, body, content_type, status, message, detail):
    queued = Glance(app).create(name="queued")
    path = path.replace(QUEUED, queued["id"])
    message = message.replace(QUEUED, queued["id"]) if message else message
    before = app.extensions["fakenova"].store.get("image", queued["id"])
    response = _caller(app, user)(method, path, body, content_type=content_type)
    assert response.status_code == status, response.get_data(as_text=True)
    if message is None:
        return
    assert response.headers["Content-Type"] == "application/json"
    if detail is None:  # webob's own template (415)
        title = "Unsupported Media Type"
        assert response.get_json() == {"code": f"{status} {title}", "title": title, "message": message}
    else:
        assert response.get_json() == glance_error(status, message, detail=detail)
    assert app.extensions["fakenova"].store.get("image", queued["id"]) == before


def test_patch_415_names_the_accepted_types(app):
    queued = Glance(app).create()
    response = Glance(app)("PATCH", f"/images/{queued['id']}", [], content_type="application/json")
    assert response.headers["Accept-Patch"] == PATCH_TYPES


@pytest.mark.parametrize("accept,content_type,body", [
    (None, "text/plain; charset=UTF-8",
     f"404 Not Found\n\nNo image found with ID {MISSING}\n\n   "),
    ("*/*", "text/html; charset=UTF-8",
     f"<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n"
     f"  No image found with ID {MISSING}<br /><br />\n\n\n\n </body>\n</html>"),
    ("text/plain", "text/plain; charset=UTF-8", f"404 Not Found\n\nNo image found with ID {MISSING}\n\n   "),
])
def test_error_bodies_follow_accept_as_webob_does(app, accept, content_type, body):
    glance = Glance(app)
    headers = {"X-Auth-Token": glance.token, **({"Accept": accept} if accept else {})}
    response = glance.client.get(f"/image/v2/images/{MISSING}", headers=headers)
    assert (response.status_code, response.headers["Content-Type"], response.get_data(as_text=True)) == (
        404, content_type, body)


def test_missing_token_is_keystone_middlewares_401(app):
    response = app.test_client().get("/image/v2/images")
    assert response.status_code == 401
    assert response.get_json()["error"]["title"] == "Unauthorized"


def test_html_error_escapes_explanation_and_detail(app):
    glance = Glance(app)
    response = glance("POST", "/images", {"deleted": "x"}, headers={"Accept": "*/*"})
    assert (response.status_code, response.headers["Content-Type"]) == (403, "text/html; charset=UTF-8")
    assert ("  Access was denied to this resource.<br /><br />\nAttribute &#x27;deleted&#x27; is reserved.\n\n\n"
            in response.get_data(as_text=True))
