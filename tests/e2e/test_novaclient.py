"""python-novaclient on a keystoneauth1 session: create, list, get, delete at 2.1 and at 2.latest."""
from __future__ import annotations

import pytest

novaclient_client = pytest.importorskip("novaclient.client")
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402
from novaclient import api_versions  # noqa: E402
from novaclient import exceptions as nova_exceptions  # noqa: E402

IMAGE_ID = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
BASE_KEYS = {"accessIPv4", "accessIPv6", "addresses", "created", "flavor", "hostId", "id", "image", "links",
             "metadata", "name", "status", "tenant_id", "user_id", "updated", "OS-DCF:diskConfig",
             "OS-EXT-AZ:availability_zone", "config_drive", "key_name", "OS-SRV-USG:launched_at",
             "OS-SRV-USG:terminated_at", "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state",
             "OS-EXT-STS:power_state", "os-extended-volumes:volumes_attached", "progress", "security_groups"}
LATEST_EXTRA = {"locked", "description", "tags", "trusted_image_certificates", "server_groups",
                "locked_reason", "OS-EXT-SRV-ATTR:hostname", "pinned_availability_zone", "scheduler_hints"}


def nova(auth_url: str, version: str):
    """A client at ``version``; ``2.latest`` is discovered from the server, as the ``nova`` shell does."""
    auth = v3.Password(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                       user_domain_id="default", project_domain_id="default")
    session = ks_session.Session(auth=auth)
    if version == "2.latest":
        probe = novaclient_client.Client("2.1", session=session)
        version = api_versions.discover_version(probe, api_versions.APIVersion("2.latest"))
    return novaclient_client.Client(version, session=session)


def _life(client, **create_kwargs):
    server = client.servers.create("nc-vm", image=IMAGE_ID, flavor="1", **create_kwargs)
    assert len(server.adminPass) == 12
    assert [s.id for s in client.servers.list()] == [server.id]
    fetched = client.servers.get(server.id)
    assert fetched.status == "ACTIVE"
    keys = set(fetched.to_dict())
    client.servers.delete(server.id)
    with pytest.raises(nova_exceptions.NotFound):
        client.servers.get(server.id)
    return keys


def test_life_at_2_1_has_the_base_key_set(auth_url):
    client = nova(auth_url, "2.1")
    assert client.api_version.get_string() == "2.1"
    assert _life(client) == BASE_KEYS


def test_life_at_latest_adds_exactly_novas_keys(auth_url):
    client = nova(auth_url, "2.latest")
    assert client.api_version.get_string() not in ("2.1", "2.latest")
    version = client.api_version.get_string()
    keys = _life(client, nics="auto")
    minor = int(version.split(".")[1])
    expected = set(BASE_KEYS)
    for key, since in (("locked", 9), ("description", 19), ("tags", 26), ("trusted_image_certificates", 63),
                       ("server_groups", 71), ("locked_reason", 73), ("OS-EXT-SRV-ATTR:hostname", 90),
                       ("pinned_availability_zone", 96), ("scheduler_hints", 100)):
        if minor >= since:
            expected.add(key)
    assert keys == expected
    assert keys - BASE_KEYS <= LATEST_EXTRA


def test_networks_required_from_2_37(auth_url):
    client = nova(auth_url, "2.37")
    with pytest.raises(nova_exceptions.BadRequest) as caught:
        client.servers.create("x", image=IMAGE_ID, flavor="1", nics=[{"net-id": "not-a-uuid"}])
    # networks is oneOf(list, "auto"/"none") from 2.37, so Nova's first error names the whole field
    assert str(caught.value).startswith("Invalid input for field/attribute networks. Value: [{'uuid': "
                                        "'not-a-uuid'}]. [{'uuid': 'not-a-uuid'}] is not valid under any of "
                                        "the given schemas (HTTP 400)")
