"""``GET /image/v2/schemas/metadefs/{name}``: every document, for any authenticated caller, shaped as Glance's
``glance.schema`` renders it (item: closed object with its required attributes; collection: the item nested
under the collection's name, with first/next/describedby links)."""
from __future__ import annotations

import pytest

#: URL name -> (document name, required attributes, whether it has read-only timestamps)
ITEMS = {
    "namespace": ("namespace", ["namespace"], True),
    "object": ("object", ["name"], True),
    "property": ("property", ["type", "title", "name"], False),
    "resource_type": ("resource_type_association", ["name"], True),
    "tag": ("tag", ["name"], True),
}
#: URL name -> (document name, its container type, required attributes of an item)
COLLECTIONS = {
    "namespaces": ("namespaces", "array", ["namespace"]),
    "objects": ("objects", "array", ["name"]),
    "properties": ("properties", "object", ["type", "title"]),
    "resource_types": ("resource_type_associations", "array", ["name"]),
    "tags": ("tags", "array", ["name"]),
}
LINKS = [{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"},
         {"rel": "describedby", "href": "{schema}"}]


@pytest.mark.parametrize("user", ["admin", "demo", "demo_reader"])
@pytest.mark.parametrize("url_name, expected", list(ITEMS.items()))
def test_item_schema(users, user, url_name, expected):
    response = users[user]("GET", f"/schemas/metadefs/{url_name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.get_json()
    name, required, stamped = expected
    assert (body["name"], body["required"], body["additionalProperties"]) == (name, required, False)
    assert body["properties"].get("created_at", {}).get("readOnly", False) is stamped


@pytest.mark.parametrize("url_name, expected", list(COLLECTIONS.items()))
def test_collection_schema(users, url_name, expected):
    body = users["demo_reader"]("GET", f"/schemas/metadefs/{url_name}").get_json()
    name, container, required = expected
    holder = body["properties"][name]
    item = holder["items"] if container == "array" else holder["additionalProperties"]
    assert (body["name"], holder["type"], item["required"], body["links"]) == (name, container, required, LINKS)
    assert "definitions" not in item  # they move up to the collection
    assert set(body["properties"]) == {name, "first", "next", "schema"}


def test_namespace_schema_carries_the_property_definitions(users):
    body = users["demo"]("GET", "/schemas/metadefs/namespace").get_json()
    definitions = body["definitions"]
    assert set(definitions) == {"positiveInteger", "positiveIntegerDefault0", "stringArray", "property"}
    assert definitions["property"]["additionalProperties"]["required"] == ["title", "type"]
    assert body["properties"]["visibility"]["enum"] == ["public", "private"]
    assert body["properties"]["namespace"]["maxLength"] == 80


def test_schemas_need_a_token(app):
    response = app.test_client().get("/image/v2/schemas/metadefs/namespace")
    assert response.status_code == 401
