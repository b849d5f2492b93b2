"""openstacksdk's metadef calls against a live fakenova's Glance: namespaces, objects, properties, resource type
associations and the metadefs schemas, as an admin (writes are admin-only) and as a member (reads)."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")


def connect(auth_url: str, user: str):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")


def test_sdk_metadef_namespace_flow(auth_url):
    admin, demo = connect(auth_url, "admin"), connect(auth_url, "demo")
    made = admin.image.create_metadef_namespace(namespace="sdk-ns", display_name="SDK", visibility="public",
                                                protected=True)
    assert (made.namespace, made.visibility, made.is_protected) == ("sdk-ns", "public", True)
    assert "sdk-ns" in [ns.namespace for ns in demo.image.metadef_namespaces()]
    with pytest.raises(openstack.exceptions.ForbiddenException):
        demo.image.create_metadef_namespace(namespace="denied")
    with pytest.raises(openstack.exceptions.ForbiddenException):
        admin.image.delete_metadef_namespace("sdk-ns")  # protected

    obj = admin.image.create_metadef_object("sdk-ns", name="cpu", description="CPU",
                                            properties={"cores": {"title": "Cores", "type": "integer"}})
    assert (obj.name, obj.description) == ("cpu", "CPU")
    assert demo.image.get_metadef_object("cpu", "sdk-ns").properties == {"cores": {"title": "Cores",
                                                                                   "type": "integer"}}
    prop = admin.image.create_metadef_property("sdk-ns", name="hw_rng", title="RNG", type="string",
                                               enum=["virtio"])
    assert (prop.name, prop.enum) == ("hw_rng", ["virtio"])
    assert [p.name for p in demo.image.metadef_properties("sdk-ns")] == ["hw_rng"]

    names = [rt.name for rt in demo.image.metadef_resource_types()]
    assert "OS::Glance::Image" in names
    admin.image.create_metadef_resource_type_association("sdk-ns", name="OS::Glance::Image", prefix="hw_")
    assert [a.name for a in demo.image.metadef_resource_type_associations("sdk-ns")] == ["OS::Glance::Image"]

    shown = demo.image.get_metadef_namespace("sdk-ns")
    assert (shown.display_name, shown.owner) == ("SDK", "2f1c3b1e9a6d4c1f8e7d6c5b4a392817")
    assert [o.name for o in demo.image.metadef_objects("sdk-ns")] == ["cpu"]
    updated = admin.image.update_metadef_namespace("sdk-ns", namespace="sdk-ns", protected=False,
                                                   visibility="private")
    assert (updated.visibility, updated.is_protected) == ("private", False)
    assert "sdk-ns" not in [ns.namespace for ns in demo.image.metadef_namespaces()]
    admin.image.delete_metadef_namespace("sdk-ns")
    with pytest.raises(openstack.exceptions.NotFoundException):
        admin.image.get_metadef_namespace("sdk-ns")


def test_sdk_metadef_schemas(auth_url):
    demo = connect(auth_url, "demo")
    assert demo.image.get_metadef_namespace_schema().properties["namespace"]["maxLength"] == 80
    assert "tags" in demo.image.get_metadef_tags_schema().properties
