"""Metadef namespaces: create (with contents), show, replace, delete (refused while protected), and the list
with Glance's filters, sorting and paging; every refusal with Glance's status and message."""
from __future__ import annotations

import pytest
from metadef_support import ADMIN_PROJECT, DEMO_PROJECT, NAMESPACES, error_body
from support.apps import control

T0, T1 = "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"


def _make(admin, name: str, **fields) -> dict:
    response = admin("POST", NAMESPACES, {"namespace": name, **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_create_show_replace_delete(app, admin):
    response = admin("POST", NAMESPACES, {"namespace": "ns", "display_name": "NS", "description": "d",
                                          "visibility": "public", "protected": True,
                                          "resource_type_associations": [{"name": "OS::Nova::Flavor",
                                                                          "prefix": "hw:"}],
                                          "properties": {"p": {"title": "P", "type": "integer", "minimum": 1}},
                                          "objects": [{"name": "o", "required": ["p"]}],
                                          "tags": [{"name": "t"}]})
    assert response.status_code == 201
    assert response.headers["Location"] == "http://localhost/image/v2/metadefs/namespaces/ns"
    own = {"namespace": "ns", "display_name": "NS", "description": "d", "visibility": "public",
           "protected": True, "owner": ADMIN_PROJECT, "created_at": T0, "updated_at": T0,
           "self": "/v2/metadefs/namespaces/ns", "schema": "/v2/schemas/metadefs/namespace"}
    assert response.get_json() == {
        **own, "resource_type_associations": [{"name": "OS::Nova::Flavor", "prefix": "hw:"}],
        "properties": {"p": {"title": "P", "type": "integer", "minimum": 1}},
        "objects": [{"name": "o", "required": ["p"]}], "tags": [{"name": "t"}]}
    shown = admin("GET", f"{NAMESPACES}/ns")
    assert shown.status_code == 200
    assert shown.get_json() == {
        **own, "resource_type_associations": [{"name": "OS::Nova::Flavor", "prefix": "hw:", "created_at": T0,
                                               "updated_at": T0}],
        "properties": {"p": {"title": "P", "type": "integer", "minimum": 1}},
        "objects": [{"name": "o", "required": ["p"], "created_at": T0, "updated_at": T0,
                     "self": "/v2/metadefs/namespaces/ns/objects/o", "schema": "/v2/schemas/metadefs/object"}],
        "tags": [{"name": "t"}]}
    prefixed = admin("GET", f"{NAMESPACES}/ns?resource_type=OS::Nova::Flavor").get_json()
    assert list(prefixed["properties"]) == ["hw:p"]
    control(app).clock.advance(60)
    replaced = admin("PUT", f"{NAMESPACES}/ns", {"namespace": "renamed", "description": "e"})
    assert replaced.status_code == 200
    # what the body leaves out goes back to Glance's defaults: private, unprotected, the caller's project
    assert replaced.get_json() == {"namespace": "renamed", "description": "e", "visibility": "private",
                                   "protected": False, "owner": ADMIN_PROJECT, "created_at": T0,
                                   "updated_at": T1, "self": "/v2/metadefs/namespaces/renamed",
                                   "schema": "/v2/schemas/metadefs/namespace"}
    assert admin("GET", f"{NAMESPACES}/ns").status_code == 404
    assert admin("GET", f"{NAMESPACES}/renamed/objects/o").status_code == 200  # contents follow the rename
    deleted = admin("DELETE", f"{NAMESPACES}/renamed")
    assert (deleted.status_code, deleted.get_data()) == (204, b"")
    assert admin("GET", f"{NAMESPACES}/renamed").get_json() == error_body(
        404, "Metadata definition namespace=renamed was not found.")


def test_create_minimal_is_private_unprotected_and_leaves_unset_attributes_out(admin):
    assert _make(admin, "bare") == {"namespace": "bare", "owner": ADMIN_PROJECT, "created_at": T0,
                                    "visibility": "private", "protected": False,
                                    "updated_at": T0, "self": "/v2/metadefs/namespaces/bare",
                                    "schema": "/v2/schemas/metadefs/namespace"}


def test_protected_namespace_keeps_itself_and_its_contents(admin):
    _make(admin, "prot", protected=True, objects=[{"name": "o"}], tags=[{"name": "t"}])
    refusal = error_body(403, "Metadata definition namespace prot is protected and cannot be deleted.")
    for path in ("", "/objects", "/properties", "/tags"):
        response = admin("DELETE", f"{NAMESPACES}/prot{path}")
        assert (response.status_code, response.get_json()) == (403, refusal)
    assert admin("DELETE", f"{NAMESPACES}/prot/objects/o").get_json() == error_body(
        403, "Metadata definition object o is protected and cannot be deleted.")
    assert admin("GET", f"{NAMESPACES}/prot/objects/o").status_code == 200
    assert admin("GET", f"{NAMESPACES}/prot/tags").get_json() == {"tags": [{"name": "t"}]}


SCHEMA_ERROR = "Provided object does not match schema 'namespace': "

#: (method, path, body, status, message, or its start when it ends with ": ")
ERRORS = [
    ("POST", NAMESPACES, {}, 400, SCHEMA_ERROR),
    ("POST", NAMESPACES, {"namespace": "x", "visibility": "shared"}, 400, SCHEMA_ERROR),
    ("POST", NAMESPACES, {"namespace": "x" * 81}, 400, SCHEMA_ERROR),
    ("POST", NAMESPACES, {"namespace": "x", "extra": 1}, 400, SCHEMA_ERROR),
    ("POST", NAMESPACES, {"namespace": "x", "self": "y"}, 403, "Attribute 'self' is read-only."),
    ("POST", NAMESPACES, {"namespace": "x", "created_at": "y"}, 403, "Attribute 'created_at' is read-only."),
    ("POST", NAMESPACES, {"namespace": "one"}, 409, "The metadata definition namespace=one already exists."),
    ("GET", f"{NAMESPACES}/nope", None, 404, "Metadata definition namespace=nope was not found."),
    ("PUT", f"{NAMESPACES}/nope", {"namespace": "nope"}, 404, "Namespace nope not found"),
    ("PUT", f"{NAMESPACES}/one", {"namespace": "two"}, 409, "Invalid update. It would result in a duplicate "
     "metadata definition namespace with the same name of two"),
    ("PUT", f"{NAMESPACES}/one", {"display_name": "x"}, 400, SCHEMA_ERROR),
    ("DELETE", f"{NAMESPACES}/nope", None, 404, "Namespace nope not found"),
    ("GET", f"{NAMESPACES}?sort_dir=up", None, 400, "Invalid sort direction: up"),
    ("GET", f"{NAMESPACES}?limit=x", None, 400, "limit param must be an integer"),
    ("GET", f"{NAMESPACES}?limit=-1", None, 400, "limit param must be positive"),
    ("GET", f"{NAMESPACES}?visibility=shared", None, 400, "Invalid visibility value: shared"),
    ("GET", f"{NAMESPACES}?marker=nope", None, 404, "Metadata definition namespace=nope was not found."),
]


@pytest.mark.parametrize("method, path, body, status, message", ERRORS,
                         ids=[f"{status} {method} {path}" for method, path, _, status, _ in ERRORS])
def test_errors(admin, method, path, body, status, message):
    _make(admin, "one")
    _make(admin, "two")
    before = admin("GET", NAMESPACES).get_json()
    response = admin(method, path, body)
    assert response.status_code == status
    got = response.get_json()
    if message.endswith(": "):
        assert got["message"].startswith(message) and got["code"] == f"{status} Bad Request"
    else:
        assert got == error_body(status, message)
    assert admin("GET", NAMESPACES).get_json() == before


def test_empty_body_is_glance_400(admin):
    response = admin.client.post("/image/v2/metadefs/namespaces", data=b"",
                                 headers={"X-Auth-Token": admin.token, "Accept": "application/json"})
    assert (response.status_code, response.get_json()) == (400, error_body(400, "Body expected in request."))


@pytest.fixture
def three(app, admin):
    """a (public), b (private, owned by demo), c (public, associated with OS::Nova::Flavor): a minute apart."""
    for name, fields in (("a", {"visibility": "public"}), ("b", {"owner": DEMO_PROJECT}),
                         ("c", {"visibility": "public", "resource_type_associations": [{"name": "OS::Nova::Flavor"}]})):
        _make(admin, name, **fields)
        control(app).clock.advance(60)
    return admin


#: the namespaces the bundled fixtures seed (as devstack loads them), oldest first; OS::OperatingSystem is private
SEEDED = ["OS::Compute::Watchdog", "OS::Compute::RandomNumberGenerator", "OS::Compute::CPUPinning",
          "OS::Compute::VirtCPUTopology", "OS::Compute::Hypervisor", "OS::OperatingSystem", "OS::Software::WebServers"]
NEWEST_SEEDED = SEEDED[::-1]
PUBLIC_SEEDED = [name for name in NEWEST_SEEDED if name != "OS::OperatingSystem"]

#: query -> (names listed, the next link's query or None); made at one instant, seeded ones go by their order
LISTS = [
    ("", ["c", "b", "a", *NEWEST_SEEDED], None),
    ("?sort_dir=asc", [*SEEDED, "a", "b", "c"], None),
    ("?limit=2", ["c", "b"], "limit=2&marker=b"),
    ("?limit=2&marker=b", ["a", "OS::Software::WebServers"], "limit=2&marker=OS%3A%3ASoftware%3A%3AWebServers"),
    ("?sort_key=namespace&sort_dir=asc&limit=1", ["OS::Compute::CPUPinning"],
     "sort_key=namespace&sort_dir=asc&limit=1&marker=OS%3A%3ACompute%3A%3ACPUPinning"),
    ("?visibility=private", ["b", "OS::OperatingSystem"], None),
    ("?visibility=public", ["c", "a", *PUBLIC_SEEDED], None),
    ("?resource_types=OS::Nova::Flavor,OS::Glance::Image", ["c", *NEWEST_SEEDED], None),
    ("?resource_types=OS::Trove::Instance", [], None),
]


@pytest.mark.parametrize("query, names, next_query", LISTS)
def test_list_filters_sorting_and_paging(three, query, names, next_query):
    response = three("GET", f"{NAMESPACES}{query}")
    assert response.status_code == 200
    body = response.get_json()
    assert [ns["namespace"] for ns in body["namespaces"]] == names
    first = query.split("marker")[0].rstrip("&?")
    assert body["first"] == "/v2/metadefs/namespaces" + (first.replace("::", "%3A%3A").replace(",", "%2C")
                                                         if first else "")
    assert body["schema"] == "/v2/schemas/metadefs/namespaces"
    assert body.get("next") == (f"/v2/metadefs/namespaces?{next_query}" if next_query else None)


def test_list_renders_associations_but_not_contents(three):
    c = three("GET", f"{NAMESPACES}?limit=1").get_json()["namespaces"][0]
    stamps = {"created_at": "2026-01-01T00:02:00Z", "updated_at": "2026-01-01T00:02:00Z"}
    assert c["namespace"] == "c"
    assert c["resource_type_associations"] == [{"name": "OS::Nova::Flavor", **stamps}]
    assert not {"objects", "properties", "tags"} & set(c)


def test_seeded_namespace_is_glances_document(users):
    """``OS::Compute::Watchdog`` as ``db_load_metadefs`` loads ``etc/metadefs/compute-watchdog.json``."""
    response = users["demo_reader"]("GET", f"{NAMESPACES}/OS::Compute::Watchdog?resource_type=OS::Nova::Flavor")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["owner"], body["visibility"], body["protected"], body["display_name"]) == (
        "admin", "public", True, "Watchdog Behavior")
    assert [(rt["name"], rt.get("prefix")) for rt in body["resource_type_associations"]] == [
        ("OS::Glance::Image", "hw_"), ("OS::Cinder::Volume", "hw_"), ("OS::Nova::Flavor", "hw:")]
    assert list(body["properties"]) == ["hw:watchdog_action"]
    assert body["properties"]["hw:watchdog_action"]["enum"] == ["disabled", "reset", "poweroff", "pause", "none"]
    refused = users["admin"]("DELETE", f"{NAMESPACES}/OS::Compute::Watchdog")
    assert refused.status_code == 403


def test_show_prefixes_objects_properties_for_a_resource_type(admin):
    _make(admin, "pre", resource_type_associations=[{"name": "OS::Glance::Image", "prefix": "hw_"}],
          objects=[{"name": "o", "required": ["a"], "properties": {"a": {"title": "A", "type": "string"}}}])
    [obj] = admin("GET", f"{NAMESPACES}/pre?resource_type=OS::Glance::Image").get_json()["objects"]
    assert (obj["required"], list(obj["properties"])) == (["hw_a"], ["hw_a"])
    [plain] = admin("GET", f"{NAMESPACES}/pre?resource_type=OS::Nova::Flavor").get_json()["objects"]
    assert (plain["required"], list(plain["properties"])) == (["a"], ["a"])


@pytest.mark.parametrize("field, items, message", [
    ("objects", [{"name": "o"}, {"name": "o"}],
     "A metadata definition object with name=o already exists in namespace=dup."),
    ("tags", [{"name": "t"}, {"name": "T"}], "A metadata tag with name=T already exists in namespace=dup. "
     "(Please note that metadata tag names are case insensitive)."),
    ("resource_type_associations", [{"name": "OS::Glance::Image"}, {"name": "OS::Glance::Image"}],
     "The metadata definition resource-type association of resource-type=OS::Glance::Image to namespace=dup "
     "already exists."),
])
def test_create_refuses_a_name_twice(admin, field, items, message):
    response = admin("POST", NAMESPACES, {"namespace": "dup", field: items})
    assert (response.status_code, response.get_json()) == (409, error_body(409, message))
    assert admin("GET", f"{NAMESPACES}/dup").status_code == 404
