"""openstacksdk and python-novaclient, unmodified, managing flavors on a live fakenova: create, describe,
share, extra specs and delete, and a member's refusal."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")
novaclient_client = pytest.importorskip("novaclient.client")
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402
from novaclient import exceptions as nova_exceptions  # noqa: E402

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"


def connect(auth_url: str, user: str = "admin", version: str = "2.87"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


def nova(auth_url: str, user: str = "admin", version: str = "2.87"):
    auth = v3.Password(auth_url=auth_url, username=user, password=user, project_name=user,
                       user_domain_id="default", project_domain_id="default")
    return novaclient_client.Client(version, session=ks_session.Session(auth=auth))


def test_sdk_flavor_life(auth_url):
    conn = connect(auth_url)
    flavor = conn.compute.create_flavor(name="sdk", ram=512, vcpus=1, disk=1, id="sdk-1", is_public=False,
                                        description="made by the sdk", swap=128)
    assert (flavor.id, flavor.is_public, flavor.swap, flavor.description) == ("sdk-1", False, 128, "made by the sdk")
    conn.compute.flavor_add_tenant_access(flavor, DEMO)
    assert conn.compute.get_flavor_access(flavor) == [{"flavor_id": "sdk-1", "tenant_id": DEMO}]
    member = connect(auth_url, "demo")
    assert member.compute.get_flavor("sdk-1").name == "sdk"
    conn.compute.create_flavor_extra_specs(flavor, {"hw:cpu_policy": "dedicated", "k": "v"})
    assert conn.compute.get_flavor_extra_specs_property(flavor, "hw:cpu_policy") == "dedicated"
    conn.compute.update_flavor_extra_specs_property(flavor, "k", "w")
    conn.compute.delete_flavor_extra_specs_property(flavor, "hw:cpu_policy")
    assert conn.compute.fetch_flavor_extra_specs(flavor).extra_specs == {"k": "w"}
    conn.compute.update_flavor("sdk-1", description="changed")
    assert conn.compute.get_flavor("sdk-1").description == "changed"
    conn.compute.flavor_remove_tenant_access(flavor, DEMO)
    with pytest.raises(openstack.exceptions.NotFoundException):
        member.compute.get_flavor("sdk-1")
    conn.compute.delete_flavor(flavor, ignore_missing=False)
    assert conn.compute.find_flavor("sdk-1") is None


def test_sdk_refusals(auth_url):
    with pytest.raises(openstack.exceptions.ForbiddenException, match="os-flavor-manage:create"):
        connect(auth_url, "demo").compute.create_flavor(name="x", ram=1, vcpus=1, disk=0)
    conn = connect(auth_url)
    with pytest.raises(openstack.exceptions.ConflictException, match="Flavor with ID 1 already exists."):
        conn.compute.create_flavor(name="x", ram=1, vcpus=1, disk=0, id="1")
    with pytest.raises(openstack.exceptions.BadRequestException, match="is not one of: dedicated"):
        conn.compute.create_flavor_extra_specs("1", {"hw:cpu_policy": "sometimes"})


def test_novaclient_flavor_life(auth_url):
    client = nova(auth_url)
    flavor = client.flavors.create("nc", 256, 1, 2, flavorid=99, ephemeral=3, is_public=False, description="nc")
    assert (flavor.id, flavor.ephemeral, flavor.is_public) == ("99", 3, False)
    flavor.set_keys({"hw:numa_nodes": "1", "a": "b"})
    assert flavor.get_keys() == {"hw:numa_nodes": "1", "a": "b"}
    flavor.unset_keys(["a"])
    assert client.flavors.get("99").get_keys() == {"hw:numa_nodes": "1"}
    client.flavor_access.add_tenant_access(flavor, DEMO)
    assert [access.tenant_id for access in client.flavor_access.list(flavor=flavor)] == [DEMO]
    client.flavor_access.remove_tenant_access(flavor, DEMO)
    generated = client.flavors.create("auto-id", 128, 1, 0)
    assert len(generated.id) == 36
    client.flavors.delete(flavor)
    with pytest.raises(nova_exceptions.NotFound):
        client.flavors.get("99")
    with pytest.raises(nova_exceptions.BadRequest, match="is less than the min value"):
        generated.set_keys({"hw:numa_nodes": "0"})
    with pytest.raises(nova_exceptions.Forbidden):
        nova(auth_url, "demo").flavors.delete(generated)
