"""Quotas at work: creates refused with Nova's messages, ``GET /limits`` agreeing with the quota set after every
step, and the default limits taken from ``fixtures/quotas.yaml``, ``Settings.quota`` and ``FAKENOVA_QUOTA``."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from support.apps import fresh_app
from support.tokens import issue_token

from fakenova.cli import main
from fakenova.seed import bundled_dir
from fakenova.settings import Settings

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
DEMO_USER = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
# /limits name -> (quota set resource, whether it is the usage rather than the limit)
LIMITS_VS_QUOTA_SET = {
    "maxTotalInstances": ("instances", False), "maxTotalCores": ("cores", False),
    "maxTotalRAMSize": ("ram", False), "maxServerMeta": ("metadata_items", False),
    "maxTotalKeypairs": ("key_pairs", False), "maxServerGroups": ("server_groups", False),
    "maxServerGroupMembers": ("server_group_members", False), "totalInstancesUsed": ("instances", True),
    "totalCoresUsed": ("cores", True), "totalRAMUsed": ("ram", True), "totalServerGroupsUsed": ("server_groups", True),
}


class Api:
    def __init__(self, app, user: str = "demo", project: str = "demo"):
        self.client, self.token = app.test_client(), issue_token(app, user, project)

    def __call__(self, method, path, body=None, version="2.57"):
        headers = {"X-Auth-Token": self.token, "OpenStack-API-Version": f"compute {version}"}
        return self.client.open(f"/compute/v2.1{path}", method=method, json=body, headers=headers)

    def boot(self, flavor="1", **server):
        body = {"name": "vm", "imageRef": IMAGE, "flavorRef": flavor, "networks": "none", **server}
        return self("POST", "/servers", {"server": body})

    def servers(self):
        return self("GET", "/servers").json["servers"]


def make(**settings):
    return fresh_app(**{"seed": 3, **settings})


@pytest.fixture
def app():
    return make()


@pytest.fixture
def demo(app):
    return Api(app)


@pytest.fixture
def admin(app):
    return Api(app, "admin", "admin")


def refusal(response) -> str:
    assert response.status_code == 403, response.json
    return response.json["forbidden"]["message"]


def assert_limits_agree(api: Api) -> dict:
    """``GET /limits`` shows exactly the limits and usage of the project's detailed quota set."""
    absolute = api("GET", "/limits").json["limits"]["absolute"]
    detail = api("GET", f"/os-quota-sets/{DEMO}/detail").json["quota_set"]
    expected = {name: detail[resource]["in_use" if used else "limit"]
                for name, (resource, used) in LIMITS_VS_QUOTA_SET.items()}
    assert absolute == expected
    return absolute


def test_limits_agree_with_the_quota_set_after_every_step(demo, admin):
    steps = [
        lambda: demo.boot("1"),
        lambda: demo.boot("3", min_count=2, max_count=2),
        lambda: admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": 5, "cores": 12}}),
        lambda: demo.boot("1", min_count=1, max_count=10),  # only 2 more fit
        lambda: demo("DELETE", f"/servers/{demo.servers()[0]['id']}"),
        lambda: admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"ram": 1024, "force": True}}),
        lambda: admin("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"metadata_items": 7}}),
        lambda: admin("DELETE", f"/os-quota-sets/{DEMO}"),
    ]
    assert assert_limits_agree(demo)["totalInstancesUsed"] == 0
    for step in steps:
        assert step().status_code in (200, 202, 204)
        assert_limits_agree(demo)
    final = assert_limits_agree(demo)
    assert (final["totalInstancesUsed"], final["maxTotalInstances"], final["maxServerMeta"]) == (4, 10, 7)


def test_eleventh_server_is_refused(demo):
    assert demo.boot(min_count=10, max_count=10).status_code == 202
    assert refusal(demo.boot()) == "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"


@pytest.mark.parametrize("quota_set, flavor, counts, message", [
    ({"cores": 3}, "3", (2, 2), "Quota exceeded for cores: Requested 4, but already used 0 of 3 cores"),
    ({"ram": 4000}, "3", (1, 1), "Quota exceeded for ram: Requested 4096, but already used 0 of 4000 ram"),
    ({"instances": 1}, "1", (2, 5), "Quota exceeded for instances: Requested 2-5, but already used 0 of 1 instances"),
    ({"instances": 0, "cores": 1, "ram": 1}, "3", (1, 1),
     "Quota exceeded for cores, instances, ram: Requested 2, 1, 4096, but already used 0, 0, 0 of 1, 0, 1 cores, "
     "instances, ram"),
], ids=["cores", "ram", "instances-range", "all-three"])
def test_create_refusals_are_novas(admin, demo, quota_set, flavor, counts, message):
    quota_set = {**quota_set, "instances": quota_set.get("instances", 10)}
    assert admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": quota_set}).status_code == 200
    assert refusal(demo.boot(flavor, min_count=counts[0], max_count=counts[1])) == message
    assert demo.servers() == []


def test_multiple_create_makes_as_many_as_fit(admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"cores": 5}})
    assert demo.boot("3", min_count=1, max_count=4).status_code == 202
    assert sorted(server["name"] for server in demo.servers()) == ["vm-1", "vm-2"]  # 2 x 2 cores of 5


def test_unlimited_means_unlimited(admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"instances": -1, "cores": -1, "ram": -1}})
    assert demo.boot(min_count=30, max_count=30).status_code == 202
    assert assert_limits_agree(demo)["totalInstancesUsed"] == 30


def test_metadata_quota_follows_the_quota_set(admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}", {"quota_set": {"metadata_items": 2}})
    metadata = {"a": "1", "b": "2", "c": "3"}
    assert refusal(demo.boot(metadata=metadata)) == "Maximum number of metadata items exceeds 2"
    assert demo.boot(metadata={"a": "1", "b": "2"}).status_code == 202


def test_key_pairs_quota_is_per_user(app, admin, demo):
    admin("PUT", f"/os-quota-sets/{DEMO}?user_id={DEMO_USER}", {"quota_set": {"key_pairs": 1}})
    assert demo("POST", "/os-keypairs", {"keypair": {"name": "one"}}, version="2.1").status_code == 200
    second = demo("POST", "/os-keypairs", {"keypair": {"name": "two", "public_key": "x"}}, version="2.1")
    assert refusal(second) == "Quota exceeded, too many key pairs."
    other = Api(app, "admin", "demo")("POST", "/os-keypairs", {"keypair": {"name": "two"}}, version="2.1")
    assert other.status_code == 200


def test_soft_deleted_servers_do_not_count():
    app = make(reclaim_instance_interval=3600.0)
    demo = Api(app)
    server_id = demo.boot().json["server"]["id"]
    assert demo("DELETE", f"/servers/{server_id}").status_code == 204
    assert assert_limits_agree(demo)["totalInstancesUsed"] == 0


def test_fixtures_quotas_yaml_sets_defaults_and_project_limits(tmp_path):
    shutil.copytree(bundled_dir("fixtures"), tmp_path, dirs_exist_ok=True)
    (tmp_path / "quotas.yaml").write_text("defaults: {instances: 2, cores: -1}\nprojects: {demo: {ram: 2048}}\n")
    app = make(fixtures_dir=str(tmp_path))
    demo = Api(app)
    shown = demo("GET", f"/os-quota-sets/{DEMO}").json["quota_set"]
    assert (shown["instances"], shown["cores"], shown["ram"]) == (2, -1, 2048)
    assert demo("GET", f"/os-quota-sets/{DEMO}/defaults").json["quota_set"]["ram"] == 51200
    assert demo.boot(min_count=2, max_count=2).status_code == 202
    assert refusal(demo.boot()) == "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances"


def test_settings_quota_overrides_the_fixtures_and_survives_a_reset():
    app = make(quota={"instances": 1})
    runtime = app.extensions["fakenova"]
    for _ in range(2):
        demo = Api(app)
        assert demo("GET", f"/os-quota-sets/{DEMO}/defaults").json["quota_set"]["instances"] == 1
        assert demo.boot().status_code == 202 and demo.boot().status_code == 403
        runtime.reset()


@pytest.mark.parametrize("text, expected", [
    ("instances=3", {"instances": 3}), ("instances=3, cores=-1", {"instances": 3, "cores": -1})])
def test_fakenova_quota_environment_variable(text, expected):
    assert Settings.from_env({"FAKENOVA_QUOTA": text}).quota == expected


def test_bad_quota_names_fail_early(tmp_path):
    with pytest.raises(ValueError, match="unknown quota 'instance'"):
        Settings(quota={"instance": 1})
    shutil.copytree(bundled_dir("fixtures"), tmp_path, dirs_exist_ok=True)
    (tmp_path / "quotas.yaml").write_text("defaults: {cores: many}\n")
    with pytest.raises(ValueError, match="quotas.yaml: quota cores must be an integer"):
        make(fixtures_dir=str(tmp_path))


@pytest.mark.parametrize("args, message", [
    (["--quota", "instance=2"], "unknown quota 'instance'"),
    (["--quota", "instances"], "is not NAME=VALUE"),
    (["--quota", "cores=-5"], "from -1 (unlimited)"),
])
def test_serve_refuses_bad_quota_options(args, message):
    result = CliRunner().invoke(main, ["serve", "--port", "0", *args])
    assert result.exit_code == 2 and message in result.output


def test_serve_help_documents_quota():
    assert "--quota NAME=VALUE" in CliRunner().invoke(main, ["serve", "--help"]).output
