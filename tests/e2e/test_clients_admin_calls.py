"""The admin calls of openstacksdk and python-novaclient that the other client tests leave out, unmodified,
against a live fakenova: server external events, aggregate metadata, host removal and image caching, service
force-down, disable with a reason and delete, hypervisor statistics, uptime, search and servers, the
instance usage audit log and availability zones."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")
novaclient_client = pytest.importorskip("novaclient.client")
from novaclient import exceptions as nova_exceptions  # noqa: E402

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
HOST = "fakenova-compute"
MISSING = "00000000-0000-4000-8000-000000000000"


def connect(auth_url: str, user: str = "admin", version: str = "2.latest"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


def nova(auth_url: str, version: str, user: str = "admin"):
    from keystoneauth1 import loading
    from keystoneauth1 import session as ks_session

    auth = loading.get_plugin_loader("password").load_from_options(
        auth_url=auth_url, username=user, password=user, project_name=user,
        user_domain_name="Default", project_domain_name="Default")
    return novaclient_client.Client(version, session=ks_session.Session(auth=auth))


def boot(conn) -> str:
    server = conn.compute.create_server(name="vm", flavor_id="1", image_id=IMAGE, networks="none")
    return conn.compute.wait_for_server(server, status="ACTIVE", wait=30).id


def test_sdk_external_events_answer_per_event(auth_url):
    conn = connect(auth_url)
    server_id = boot(conn)
    events = conn.compute.create_server_external_events([
        {"name": "network-changed", "server_uuid": server_id},
        {"name": "network-vif-plugged", "server_uuid": MISSING, "tag": "x"}])
    answered = {event.server_uuid: (event.code, event.status) for event in events}
    assert answered == {server_id: (200, "completed"), MISSING: (404, "failed")}


def test_novaclient_external_events_and_member_refusal(auth_url):
    server_id = boot(connect(auth_url))
    events = nova(auth_url, "2.76").server_external_events.create(  # power-update is 2.76's
        [{"name": "power-update", "server_uuid": server_id, "tag": "POWER_OFF"}])
    assert events == [{"name": "power-update", "server_uuid": server_id, "tag": "POWER_OFF",
                       "status": "completed", "code": 200}]
    with pytest.raises(nova_exceptions.BadRequest):
        nova(auth_url, "2.75").server_external_events.create(
            [{"name": "power-update", "server_uuid": server_id, "tag": "POWER_OFF"}])
    with pytest.raises(nova_exceptions.Forbidden):
        nova(auth_url, "2.1", "demo").server_external_events.create(
            [{"name": "network-changed", "server_uuid": server_id}])


def test_sdk_aggregate_metadata_hosts_and_image_cache(auth_url):
    conn = connect(auth_url)
    aggregate = conn.compute.create_aggregate(name="fast")
    aggregate = conn.compute.add_host_to_aggregate(aggregate, HOST)
    aggregate = conn.compute.set_aggregate_metadata(aggregate, {"ssd": "true", "availability_zone": "az-1"})
    assert (aggregate.metadata, aggregate.availability_zone) == ({"ssd": "true", "availability_zone": "az-1"},
                                                                 "az-1")
    conn.compute.aggregate_precache_images(aggregate, [IMAGE])  # 2.81: 202, nothing to show
    aggregate = conn.compute.remove_host_from_aggregate(aggregate, HOST)
    assert aggregate.hosts == []
    conn.compute.delete_aggregate(aggregate)
    assert [a.name for a in conn.compute.aggregates()] == []


@pytest.mark.parametrize("version", ["2.1", "2.41", "2.81"])
def test_novaclient_aggregate_life(auth_url, version):
    client = nova(auth_url, version)
    aggregate = client.aggregates.create("fast", "az-1")
    assert (aggregate.name, aggregate.availability_zone) == ("fast", "az-1")
    aggregate = client.aggregates.add_host(aggregate, HOST)
    aggregate = client.aggregates.set_metadata(aggregate, {"ssd": "true"})
    assert aggregate.hosts == [HOST] and aggregate.metadata == {"ssd": "true", "availability_zone": "az-1"}
    with pytest.raises(nova_exceptions.Conflict):
        client.aggregates.add_host(aggregate, HOST)
    if version == "2.81":
        client.aggregates.cache_images(aggregate, [IMAGE])
    aggregate = client.aggregates.remove_host(aggregate, HOST)
    assert aggregate.hosts == []
    client.aggregates.delete(aggregate)
    assert client.aggregates.list() == []
    with pytest.raises(nova_exceptions.NotFound):
        client.aggregates.get(aggregate.id)


def test_novaclient_services_force_down_and_disable_with_reason(auth_url):
    old = nova(auth_url, "2.11")
    down = old.services.force_down(HOST, "nova-compute", True)
    assert (down.host, down.binary, down.forced_down) == (HOST, "nova-compute", True)
    new = nova(auth_url, "2.53")
    (compute,) = new.services.list(binary="nova-compute")
    assert (compute.state, compute.forced_down) == ("down", True)
    compute = new.services.force_down(compute.id, False)
    compute = new.services.disable_log_reason(compute.id, "maintenance")
    assert (compute.status, compute.disabled_reason, compute.forced_down) == ("disabled", "maintenance", False)
    compute = new.services.enable(compute.id)
    assert compute.status == "enabled"


def test_novaclient_deletes_a_compute_service_without_servers(auth_url):
    client = nova(auth_url, "2.53")
    (compute,) = client.services.list(binary="nova-compute")
    client.services.delete(compute.id)
    assert client.services.list(binary="nova-compute") == []
    assert client.hypervisors.list() == []


def test_novaclient_hypervisor_statistics_uptime_search_and_servers(auth_url):
    server_id = boot(connect(auth_url))
    client = nova(auth_url, "2.1")
    statistics = client.hypervisor_stats.statistics()
    assert (statistics.count, statistics.running_vms) == (1, 1)
    (hypervisor,) = client.hypervisors.list()
    assert client.hypervisors.uptime(hypervisor).hypervisor_hostname == HOST
    (found,) = client.hypervisors.search(HOST, servers=True)
    assert [server["uuid"] for server in found.servers] == [server_id]
    with pytest.raises(nova_exceptions.NotFound):
        client.hypervisors.search("nowhere")


def test_sdk_hypervisor_uptime(auth_url):
    conn = connect(auth_url, version="2.87")
    (hypervisor,) = conn.compute.hypervisors()
    assert conn.compute.get_hypervisor_uptime(hypervisor).name == HOST


def test_novaclient_audit_log_and_zones(auth_url):
    client = nova(auth_url, "2.1")
    log = client.instance_usage_audit_log.get()
    assert {"hosts_not_run", "log", "num_hosts", "num_hosts_done", "overall_status", "period_beginning",
            "period_ending", "total_errors", "total_instances"} <= set(log.to_dict())
    zones = {zone.zoneName: zone for zone in client.availability_zones.list()}
    assert set(zones) == {"nova", "internal"}
    assert zones["nova"].zoneState == {"available": True}
    member_zones = nova(auth_url, "2.1", "demo").availability_zones.list(detailed=False)
    assert [zone.zoneName for zone in member_zones] == ["nova"]
