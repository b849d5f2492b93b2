"""Quotas against a live fakenova: openstacksdk's quota calls round trip, and creates racing from many threads
stop exactly at the quota; novaclient's quota managers at several microversions."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

openstack = pytest.importorskip("openstack")
novaclient = pytest.importorskip("novaclient.client")
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
THREADS, PER_THREAD = 16, 3


def connect(auth_url: str, user: str = "demo", project: str = "demo"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=project,
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")


def token(auth_url: str, user: str = "demo") -> str:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": user}}},
        "scope": {"project": {"name": user, "domain": {"id": "default"}}}}}
    response = requests.post(f"{auth_url}/v3/auth/tokens", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


def test_sdk_quota_round_trip_and_limits_agree(auth_url):
    admin, demo = connect(auth_url, "admin", "admin"), connect(auth_url)
    assert admin.get_compute_quotas("demo").instances == 10
    admin.set_compute_quotas("demo", instances=2, cores=3)
    quotas = admin.get_compute_quotas("demo")
    assert (quotas.instances, quotas.cores, quotas.ram) == (2, 3, 51200)
    limits = demo.get_compute_limits()
    assert (limits.max_total_instances, limits.max_total_cores, limits.total_instances_used) == (2, 3, 0)
    for name in ("q1", "q2"):
        demo.create_server(name, image="cirros", flavor="m1.tiny", network="private", wait=True, timeout=30)
    with pytest.raises(openstack.exceptions.HttpException) as caught:
        demo.create_server("q3", image="cirros", flavor="m1.tiny", network="private")
    assert caught.value.status_code == 403
    assert "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances" in str(caught.value)
    detail = admin.compute.get_quota_set(admin.identity.find_project("demo"), usage=True)
    assert detail.usage["instances"] == 2 and detail.usage["cores"] == 2
    assert demo.get_compute_limits().total_instances_used == 2
    admin.delete_compute_quotas("demo")
    assert admin.get_compute_quotas("demo").instances == 10
    assert admin.compute.get_quota_set_defaults(admin.identity.find_project("demo")).instances == 10


def test_concurrent_creates_stop_exactly_at_the_quota(cloud, auth_url):
    url = f"{cloud.url}/compute/v2.1"
    headers = {"X-Auth-Token": token(auth_url), "OpenStack-API-Version": "compute 2.37"}
    body = {"server": {"name": "race", "imageRef": IMAGE, "flavorRef": "1", "networks": "none"}}
    start = threading.Barrier(THREADS)

    def create_three(_: int) -> list:
        session = requests.Session()
        start.wait(timeout=30)  # every thread fires at once
        return [session.post(f"{url}/servers", json=body, headers=headers, timeout=30) for _ in range(PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        responses = [response for batch in pool.map(create_three, range(THREADS)) for response in batch]
    codes = sorted(response.status_code for response in responses)
    assert codes == [202] * 10 + [403] * (THREADS * PER_THREAD - 10)
    refusals = {response.json()["forbidden"]["message"] for response in responses if response.status_code == 403}
    assert refusals == {"Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}
    listed = requests.get(f"{url}/servers", headers=headers, timeout=10).json()["servers"]
    assert len(listed) == 10
    absolute = requests.get(f"{url}/limits", headers=headers, timeout=10).json()["limits"]["absolute"]
    assert (absolute["totalInstancesUsed"], absolute["totalCoresUsed"], absolute["totalRAMUsed"]) == (10, 10, 5120)


@pytest.mark.parametrize("version", ["2.1", "2.50", "2.57"])
def test_novaclient_quota_calls(auth_url, version):
    auth = v3.Password(auth_url=auth_url, username="admin", password="admin", project_name="admin",
                       user_domain_id="default", project_domain_id="default")
    nova = novaclient.Client(version, session=ks_session.Session(auth=auth))
    assert nova.quotas.update(DEMO, instances=4, force=True).instances == 4
    assert nova.quotas.get(DEMO).instances == 4
    assert nova.quotas.get(DEMO, detail=True).instances == {"in_use": 0, "limit": 4, "reserved": 0}
    assert nova.quotas.defaults(DEMO).instances == 10
    nova.quota_classes.update("default", cores=30)
    assert nova.quota_classes.get("default").cores == 30
    nova.quotas.delete(DEMO)
    assert nova.quotas.get(DEMO).instances == 10
