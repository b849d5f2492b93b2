"""What a metadef namespace holds: objects, properties, tags (one at a time and in bulk) and resource type
associations; each kind's create/show/list/replace/delete, and its refusals with Glance's messages."""
from __future__ import annotations

import pytest
from metadef_support import NAMESPACES, error_body
from support.apps import control

NS = f"{NAMESPACES}/ns"
T0, T1 = "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"
STAMPS = {"created_at": T0, "updated_at": T0}


@pytest.fixture
def ns(admin):
    assert admin("POST", NAMESPACES, {"namespace": "ns", "visibility": "public"}).status_code == 201
    return admin


def test_object_lifecycle(app, ns):
    body = {"name": "o", "description": "d", "required": ["p"],
            "properties": {"p": {"title": "P", "type": "string", "enum": ["a", "b"]}}}
    made = ns("POST", f"{NS}/objects", body)
    view = {**body, **STAMPS, "self": f"/v2{NS}/objects/o", "schema": "/v2/schemas/metadefs/object"}
    assert (made.status_code, made.get_json()) == (201, view)
    assert ns("GET", f"{NS}/objects/o").get_json() == view
    assert ns("GET", f"{NS}/objects").get_json() == {"objects": [view], "schema": "v2/schemas/metadefs/objects"}
    control(app).clock.advance(60)
    renamed = ns("PUT", f"{NS}/objects/o", {"name": "o2"})
    assert (renamed.status_code, renamed.get_json()) == (200, {
        "name": "o2", "created_at": T0, "updated_at": T1, "self": f"/v2{NS}/objects/o2",
        "schema": "/v2/schemas/metadefs/object"})
    assert ns("DELETE", f"{NS}/objects/o2").status_code == 204
    assert ns("GET", f"{NS}/objects").get_json()["objects"] == []


def test_property_lifecycle(ns):
    body = {"name": "hw_x", "title": "X", "type": "string", "enum": ["kvm", "qemu"], "default": "kvm"}
    made = ns("POST", f"{NS}/properties", body)
    assert (made.status_code, made.get_json()) == (201, body)
    assert ns("GET", f"{NS}/properties/hw_x").get_json() == body
    listed = ns("GET", f"{NS}/properties").get_json()
    assert listed == {"properties": {"hw_x": {key: value for key, value in body.items() if key != "name"}}}
    updated = ns("PUT", f"{NS}/properties/hw_x", {"name": "hw_y", "title": "Y", "type": "integer", "minimum": 0})
    assert (updated.status_code, updated.get_json()) == (200, {"name": "hw_y", "title": "Y", "type": "integer",
                                                               "minimum": 0})
    assert ns("DELETE", f"{NS}/properties/hw_y").status_code == 204
    assert ns("GET", f"{NS}/properties").get_json() == {"properties": {}}


def test_property_by_resource_type_prefix(ns):
    ns("POST", f"{NS}/resource_types", {"name": "OS::Glance::Image", "prefix": "hw_"})
    ns("POST", f"{NS}/properties", {"name": "rng", "title": "R", "type": "string"})
    shown = ns("GET", f"{NS}/properties/hw_rng?resource_type=OS::Glance::Image")
    assert (shown.status_code, shown.get_json()["name"]) == (200, "rng")
    assert ns("GET", f"{NS}/properties/rng?resource_type=OS::Glance::Image").get_json() == error_body(
        404, "Property rng does not start with the expected resource type association prefix of 'hw_'.")


def test_tags_single_bulk_and_append(app, ns):
    made = ns("POST", f"{NS}/tags", {"tags": [{"name": "a"}, {"name": "b"}]})
    assert (made.status_code, made.get_json()) == (201, {"tags": [{"name": "a"}, {"name": "b"}]})
    one = ns("POST", f"{NS}/tags/c")
    assert (one.status_code, one.get_json()) == (201, {"name": "c", **STAMPS})
    appended = ns("POST", f"{NS}/tags", {"tags": [{"name": "d"}]}, headers={"X-Openstack-Append": "True"})
    assert appended.get_json() == {"tags": [{"name": "d"}]}
    assert sorted(t["name"] for t in ns("GET", f"{NS}/tags").get_json()["tags"]) == ["a", "b", "c", "d"]
    control(app).clock.advance(60)
    assert ns("PUT", f"{NS}/tags/c", {"name": "e"}).get_json() == {"name": "e", "created_at": T0,
                                                                   "updated_at": T1}
    assert ns("GET", f"{NS}/tags/e").status_code == 200
    # without the append header the list replaces every tag
    ns("POST", f"{NS}/tags", {"tags": [{"name": "z"}]})
    assert ns("GET", f"{NS}/tags").get_json() == {"tags": [{"name": "z"}]}
    assert ns("DELETE", f"{NS}/tags/z").status_code == 204
    ns("POST", f"{NS}/tags", {"tags": [{"name": "y"}]})
    assert ns("DELETE", f"{NS}/tags").status_code == 204
    assert ns("GET", f"{NS}/tags").get_json() == {"tags": []}


def test_resource_type_associations(ns):
    made = ns("POST", f"{NS}/resource_types", {"name": "OS::Cinder::Volume", "prefix": "p:",
                                               "properties_target": "image"})
    view = {"name": "OS::Cinder::Volume", "prefix": "p:", "properties_target": "image", **STAMPS}
    assert (made.status_code, made.get_json()) == (201, view)
    assert ns("GET", f"{NS}/resource_types").get_json() == {"resource_type_associations": [view]}
    assert ns("DELETE", f"{NS}/resource_types/OS::Cinder::Volume").status_code == 204
    assert ns("GET", f"{NS}/resource_types").get_json() == {"resource_type_associations": []}


def test_resource_types_are_seeded_and_made_by_association(ns):
    names = [rt["name"] for rt in ns("GET", "/metadefs/resource_types").get_json()["resource_types"]]
    assert names == ["OS::Cinder::Volume", "OS::Glance::Image", "OS::Nova::Aggregate", "OS::Nova::Flavor",
                     "OS::Nova::Server", "OS::Trove::Instance"]
    ns("POST", f"{NS}/resource_types", {"name": "Custom::Thing"})
    listed = ns("GET", "/metadefs/resource_types").get_json()["resource_types"]
    assert listed[-1] == {"name": "Custom::Thing", **STAMPS}


def _seed(admin) -> None:
    admin("POST", f"{NS}/objects", {"name": "o"})
    admin("POST", f"{NS}/objects", {"name": "o2"})
    admin("POST", f"{NS}/properties", {"name": "p", "title": "P", "type": "string"})
    admin("POST", f"{NS}/properties", {"name": "p2", "title": "P", "type": "string"})
    admin("POST", f"{NS}/tags", {"tags": [{"name": "t"}, {"name": "t2"}]})
    admin("POST", f"{NS}/resource_types", {"name": "OS::Glance::Image"})


PROP = {"name": "p", "title": "P", "type": "string"}
DUP_TAG = "A metadata tag with name={} already exists in namespace=ns. (Please note that metadata tag names are " \
          "case insensitive)."

#: (method, path, body, status, message, or its start when it ends with ": ")
ERRORS = [
    ("GET", f"{NAMESPACES}/nope/objects", None, 404, "Metadata definition namespace=nope was not found."),
    ("GET", f"{NAMESPACES}/nope/properties", None, 404, "Namespace nope not found"),
    ("GET", f"{NAMESPACES}/nope/tags", None, 404, "Namespace nope not found"),
    ("GET", f"{NAMESPACES}/nope/resource_types", None, 404, "Namespace nope not found"),
    ("GET", f"{NS}/objects/x", None, 404, "The metadata definition object with name=x was not found in "
     "namespace=ns."),
    ("GET", f"{NS}/properties/x", None, 404, "The metadata definition property with name=x was not found in "
     "namespace=ns."),
    ("GET", f"{NS}/tags/x", None, 404, "The metadata definition tag with name=x was not found in namespace=ns."),
    ("DELETE", f"{NS}/resource_types/X::Y", None, 404, "Failed to find resource type X::Y to delete"),
    ("POST", f"{NS}/objects", {"name": "o"}, 409, "A metadata definition object with name=o already exists in "
     "namespace=ns."),
    ("PUT", f"{NS}/objects/o2", {"name": "o"}, 409, "A metadata definition object with name=o already exists "
     "in namespace=ns."),
    ("POST", f"{NS}/properties", PROP, 409, "A metadata definition property with name=p already exists in "
     "namespace=ns."),
    ("POST", f"{NS}/tags/T", None, 409, DUP_TAG.format("T")),
    ("PUT", f"{NS}/tags/t2", {"name": "t"}, 409, DUP_TAG.format("t")),
    ("POST", f"{NS}/tags", {"tags": [{"name": "q"}, {"name": "Q"}]}, 409, DUP_TAG.format("Q")),
    ("POST", f"{NS}/resource_types", {"name": "OS::Glance::Image"}, 409, "The metadata definition resource-type "
     "association of resource-type=OS::Glance::Image to namespace=ns already exists."),
    ("POST", f"{NS}/objects", {}, 400, "Provided object does not match schema 'object': "),
    ("POST", f"{NS}/objects", {"name": "x", "properties": {"p": {"title": "P"}}}, 400,
     "Provided object does not match schema 'object': "),
    ("POST", f"{NS}/objects", {"name": "x", "self": "y"}, 403, "Attribute 'self' is read-only."),
    ("POST", f"{NS}/properties", {"name": "x", "title": "X"}, 400,
     "Provided object does not match schema 'property': "),
    ("POST", f"{NS}/properties", {**PROP, "type": "date"}, 400,
     "Provided object does not match schema 'property': "),
    ("POST", f"{NS}/properties", {**PROP, "created_at": "x"}, 403, "Attribute 'created_at' is read-only."),
    ("POST", f"{NS}/tags/{'x' * 81}", None, 400, "Provided object does not match schema 'tag': "),
    ("POST", f"{NS}/tags", {"tags": [{"title": "x"}]}, 400, "Provided object does not match schema 'tags': "),
    ("PUT", f"{NS}/tags/t", {}, 400, "Provided object does not match schema 'tag': "),
    ("POST", f"{NS}/resource_types", {"prefix": "x"}, 400,
     "Provided object does not match schema 'resource_type_association': "),
]


@pytest.mark.parametrize("method, path, body, status, message", ERRORS,
                         ids=[f"{status} {method} {path}" for method, path, _, status, _ in ERRORS])
def test_errors(ns, method, path, body, status, message):
    _seed(ns)
    before = ns("GET", NS).get_json()
    response = ns(method, path, body)
    assert response.status_code == status
    got = response.get_json()
    if message.endswith(": "):
        assert got["message"].startswith(message) and got["code"] == "400 Bad Request"
    else:
        assert got == error_body(status, message)
    assert ns("GET", NS).get_json() == before  # nothing stored on a refused request


@pytest.fixture
def tagged(app, ns):
    """Tags a, b, c made a minute apart."""
    for name in "abc":
        ns("POST", f"{NS}/tags/{name}")
        control(app).clock.advance(60)
    return ns


#: query -> tag names listed (newest first by default; limit 0 is no limit)
TAG_PAGES = [
    ("", ["c", "b", "a"]),
    ("?sort_dir=asc", ["a", "b", "c"]),
    ("?limit=2", ["c", "b"]),
    ("?limit=0", ["c", "b", "a"]),
    ("?limit=1&marker=c", ["b"]),
    ("?sort_key=name&sort_dir=asc&marker=a", ["b", "c"]),
]


@pytest.mark.parametrize("query, names", TAG_PAGES)
def test_tag_list_sorting_and_paging(tagged, query, names):
    response = tagged("GET", f"{NS}/tags{query}")
    assert (response.status_code, [t["name"] for t in response.get_json()["tags"]]) == (200, names)


#: (list, query, message): the list deserializers' 400s
QUERY_ERRORS = [
    ("tags", "?sort_dir=up", "Invalid sort direction: up"),
    ("tags", "?limit=x", "limit param must be an integer"),
    ("tags", "?limit=-1", "limit param must be positive"),
    ("objects", "?limit=0", "limit param must be positive"),
    ("objects", "?visibility=all", "Invalid visibility value: all"),
]


@pytest.mark.parametrize("kind, query, message", QUERY_ERRORS)
def test_list_query_errors(tagged, kind, query, message):
    response = tagged("GET", f"{NS}/{kind}{query}")
    assert (response.status_code, response.get_json()) == (400, error_body(400, message))


def test_tag_marker_must_exist(tagged):
    response = tagged("GET", f"{NS}/tags?marker=zz")
    assert (response.status_code, response.get_json()) == (404, error_body(
        404, "The metadata definition tag with name=zz was not found in namespace=ns."))


def test_rename_keeps_the_place_in_the_list(ns):
    for name in ("o1", "o2", "o3"):
        ns("POST", f"{NS}/objects", {"name": name})
    ns("PUT", f"{NS}/objects/o1", {"name": "first"})
    assert [o["name"] for o in ns("GET", f"{NS}/objects").get_json()["objects"]] == ["first", "o2", "o3"]
