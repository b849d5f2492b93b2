"""The fleet's admin APIs through real clients against a live fakenova: openstacksdk's services, hypervisors,
aggregates and availability zones, and novaclient's hypervisor and service managers."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")
novaclient = pytest.importorskip("novaclient.client")
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402

HOST = "fakenova-compute"


def connect(auth_url: str, user: str = "admin"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")


def nova(auth_url: str, version: str):
    auth = v3.Password(auth_url=f"{auth_url}/v3", username="admin", password="admin", project_name="admin",
                       user_domain_id="default", project_domain_id="default")
    return novaclient.Client(version, session=ks_session.Session(auth=auth))


def test_sdk_services_and_hypervisors(auth_url):
    conn = connect(auth_url)
    services = list(conn.compute.services())
    assert {(service.binary, service.host) for service in services} == {
        ("nova-conductor", HOST), ("nova-scheduler", HOST), ("nova-compute", HOST)}
    compute = next(service for service in services if service.binary == "nova-compute")
    assert (compute.status, compute.state, compute.availability_zone) == ("enabled", "up", "nova")
    (hypervisor,) = conn.compute.hypervisors(details=True)
    assert hypervisor.name == HOST and hypervisor.state == "up"
    assert conn.compute.get_hypervisor(hypervisor.id).name == HOST


def test_sdk_disable_service(auth_url):
    conn = connect(auth_url)
    compute = next(s for s in conn.compute.services() if s.binary == "nova-compute")
    conn.compute.disable_service(compute, disabled_reason="maintenance")
    again = next(s for s in conn.compute.services() if s.binary == "nova-compute")
    assert (again.status, again.disabled_reason) == ("disabled", "maintenance")


def test_sdk_aggregates_and_zones(auth_url):
    conn = connect(auth_url)
    aggregate = conn.compute.create_aggregate(name="fast", availability_zone="az-fast")
    aggregate = conn.compute.add_host_to_aggregate(aggregate, HOST)
    assert aggregate.hosts == [HOST] and aggregate.availability_zone == "az-fast"
    zones = {zone.name: zone for zone in conn.compute.availability_zones(details=True)}
    assert set(zones) == {"az-fast", "internal"}
    assert set(zones["az-fast"].hosts[HOST]) == {"nova-compute"}
    server = conn.compute.create_server(name="vm", image_id="8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f",
                                        flavor_id="1", networks="none", availability_zone="az-fast")
    server = conn.compute.wait_for_server(server, wait=30)
    assert server.availability_zone == "az-fast"


def test_sdk_member_is_refused(auth_url):
    with pytest.raises(openstack.exceptions.ForbiddenException):
        list(connect(auth_url, "demo").compute.hypervisors())


@pytest.mark.parametrize("version", ["2.1", "2.53", "2.88"])
def test_novaclient_hypervisors_and_services(auth_url, version):
    client = nova(auth_url, version)
    assert [hypervisor.hypervisor_hostname for hypervisor in client.hypervisors.list()] == [HOST]
    assert {service.binary for service in client.services.list(host=HOST)} == {
        "nova-conductor", "nova-scheduler", "nova-compute"}
