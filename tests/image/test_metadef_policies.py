"""Glance's default metadef rules, route by route and role by role: reads for a reader of the owning project or
of a public namespace (another's private namespace is a bare 404), writes admin-only (403
``You are not authorized to complete <rule> action.``). A refused write changes nothing."""
from __future__ import annotations

import pytest
from metadef_support import NAMESPACES, error_body

PUB, PRIV = f"{NAMESPACES}/pub", f"{NAMESPACES}/priv"
ROLES = ("admin", "demo", "demo_reader", "alt_demo")
READ_ALL = {role: 200 for role in ROLES}
HIDDEN = {"admin": 200, "demo": 404, "demo_reader": 404, "alt_demo": 404}


def _admin_only(status: int) -> dict:
    return {"admin": status, "demo": 403, "demo_reader": 403, "alt_demo": 403}


NEW_NS = {"namespace": "made"}
PROP = {"name": "q", "title": "Q", "type": "string"}

#: (method, path, body, rule a refusal names, {role: status})
ROUTES = [
    ("GET", NAMESPACES, None, None, READ_ALL),
    ("POST", NAMESPACES, NEW_NS, "add_metadef_namespace", _admin_only(201)),
    ("GET", PUB, None, None, READ_ALL),
    ("GET", PRIV, None, None, HIDDEN),
    ("PUT", PUB, {"namespace": "pub", "visibility": "public"}, "modify_metadef_namespace", _admin_only(200)),
    ("DELETE", PUB, None, "delete_metadef_namespace", _admin_only(204)),
    ("GET", f"{PUB}/objects", None, None, READ_ALL),
    ("GET", f"{PRIV}/objects", None, None, HIDDEN),
    ("GET", f"{PUB}/objects/o", None, None, READ_ALL),
    ("POST", f"{PUB}/objects", {"name": "o2"}, "add_metadef_object", _admin_only(201)),
    ("PUT", f"{PUB}/objects/o", {"name": "o"}, "modify_metadef_object", _admin_only(200)),
    ("DELETE", f"{PUB}/objects/o", None, "delete_metadef_object", _admin_only(204)),
    ("DELETE", f"{PUB}/objects", None, "delete_metadef_namespace", _admin_only(204)),
    ("GET", f"{PUB}/properties", None, None, READ_ALL),
    ("GET", f"{PRIV}/properties/p", None, None, HIDDEN),
    ("POST", f"{PUB}/properties", PROP, "add_metadef_property", _admin_only(201)),
    ("PUT", f"{PUB}/properties/p", {**PROP, "name": "p"}, "modify_metadef_property", _admin_only(200)),
    ("DELETE", f"{PUB}/properties/p", None, "remove_metadef_property", _admin_only(204)),
    ("DELETE", f"{PUB}/properties", None, "delete_metadef_namespace", _admin_only(204)),
    ("GET", f"{PUB}/tags", None, None, READ_ALL),
    ("GET", f"{PUB}/tags/t", None, None, READ_ALL),
    ("GET", f"{PRIV}/tags", None, None, HIDDEN),
    ("POST", f"{PUB}/tags/t2", None, "add_metadef_tag", _admin_only(201)),
    ("POST", f"{PUB}/tags", {"tags": [{"name": "t3"}]}, "add_metadef_tags", _admin_only(201)),
    ("PUT", f"{PUB}/tags/t", {"name": "t4"}, "modify_metadef_tag", _admin_only(200)),
    ("DELETE", f"{PUB}/tags/t", None, "delete_metadef_tag", _admin_only(204)),
    ("DELETE", f"{PUB}/tags", None, "delete_metadef_tags", _admin_only(204)),
    ("GET", "/metadefs/resource_types", None, None, READ_ALL),
    ("GET", f"{PUB}/resource_types", None, None, READ_ALL),
    ("GET", f"{PRIV}/resource_types", None, None, HIDDEN),
    ("POST", f"{PUB}/resource_types", {"name": "OS::Nova::Flavor"}, "add_metadef_resource_type_association",
     _admin_only(201)),
    ("DELETE", f"{PUB}/resource_types/OS::Glance::Image", None, "remove_metadef_resource_type_association",
     _admin_only(204)),
]


@pytest.fixture
def seeded(admin):
    """A public and a private namespace of admin's, each with an object, a property, a tag and an
    association."""
    for name, visibility in (("pub", "public"), ("priv", "private")):
        response = admin("POST", NAMESPACES, {
            "namespace": name, "visibility": visibility, "objects": [{"name": "o"}],
            "properties": {"p": {"title": "P", "type": "string"}}, "tags": [{"name": "t"}],
            "resource_type_associations": [{"name": "OS::Glance::Image"}]})
        assert response.status_code == 201, response.get_data(as_text=True)
    return admin


def _snapshot(admin) -> list:
    return [admin("GET", path).get_json() for path in (PUB, PRIV, NAMESPACES)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, body, rule, expected", ROUTES,
                         ids=[f"{method} {path}" for method, path, *_ in ROUTES])
def test_route_by_role(users, seeded, role, method, path, body, rule, expected):
    refused = expected[role] >= 400
    before = _snapshot(seeded) if refused else None
    response = users[role](method, path, body)
    assert response.status_code == expected[role], response.get_data(as_text=True)
    if expected[role] == 403:
        assert response.get_json() == error_body(403, f"You are not authorized to complete {rule} action.")
    if expected[role] == 404:  # show answers webob's bare 404; the content controllers name the namespace
        message = "The resource could not be found." if path == PRIV else "Namespace priv not found"
        assert response.get_json() == error_body(404, message)
    if refused:
        assert _snapshot(seeded) == before  # nothing changes on a refused request


@pytest.mark.parametrize("role, seen", [("admin", ["made", "priv", "pub", "OS::OperatingSystem"]),
                                        ("demo", ["made", "pub"]), ("demo_reader", ["made", "pub"]),
                                        ("alt_demo", ["pub"])])
def test_list_shows_what_each_caller_may_see(users, seeded, role, seen):
    # a private namespace owned by demo's project (admin names the owner); the seeded private one is admin's
    assert seeded("POST", NAMESPACES, {"namespace": "made", "owner": "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"}) \
        .status_code == 201
    response = users[role]("GET", f"{NAMESPACES}?limit=100")
    assert response.status_code == 200
    listed = [ns["namespace"] for ns in response.get_json()["namespaces"]]
    public_seeded = [name for name in listed if name.startswith("OS::") and name != "OS::OperatingSystem"]
    assert len(public_seeded) == 6
    assert sorted(set(listed) - set(public_seeded)) == sorted(seen)


#: writes a non-admin makes on admin's private namespace, or on one that does not exist: Glance's controllers get
#: the namespace before the rule, so the caller is told it is not there (not that the write is refused)
HIDDEN_WRITES = [
    ("PUT", "{ns}", {"namespace": "{name}"}),
    ("DELETE", "{ns}", None),
    ("DELETE", "{ns}/objects", None),
    ("DELETE", "{ns}/tags", None),
    ("POST", "{ns}/objects", {"name": "o2"}),
    ("PUT", "{ns}/objects/o", {"name": "o"}),
    ("POST", "{ns}/properties", PROP),
    ("DELETE", "{ns}/properties/p", None),
    ("POST", "{ns}/tags/t2", None),
    ("PUT", "{ns}/tags/t", {"name": "t4"}),
    ("POST", "{ns}/resource_types", {"name": "OS::Nova::Flavor"}),
    ("DELETE", "{ns}/resource_types/OS::Glance::Image", None),
]


def _filled(value, ns, name):
    if isinstance(value, str):
        return value.format(ns=ns, name=name)
    return None if value is None else {key: _filled(item, ns, name) for key, item in value.items()}


@pytest.mark.parametrize("role", ("demo", "demo_reader", "alt_demo"))
@pytest.mark.parametrize("name", ("priv", "nope"))
@pytest.mark.parametrize("method, path, body", HIDDEN_WRITES, ids=[f"{m} {p}" for m, p, _ in HIDDEN_WRITES])
def test_a_write_on_a_namespace_the_caller_cannot_see_is_a_404_before_the_rule(users, seeded, role, name, method,
                                                                              path, body):
    before = _snapshot(seeded)
    ns = f"{NAMESPACES}/{name}"
    response = users[role](method, _filled(path, ns, name), _filled(body, ns, name))
    # the objects controller passes the repository's own wording through for a namespace that does not exist
    # (the namespaces controller's DELETE of all objects words its own)
    objects_controller = path.startswith("{ns}/objects") and (method, path) != ("DELETE", "{ns}/objects")
    repository = name == "nope" and objects_controller
    message = (f"Metadata definition namespace={name} was not found." if repository
               else f"Namespace {name} not found")
    assert (response.status_code, response.get_json()) == (404, error_body(404, message))
    assert _snapshot(seeded) == before
