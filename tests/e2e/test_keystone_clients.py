"""Keystone's admin API through real clients against a live fakenova: openstacksdk's identity calls and the
``openstack`` CLI, ending with a server list authenticated by an application credential."""
from __future__ import annotations

import json

import pytest
from support.cli import AVAILABLE, MISSING, credentials, run_cli

openstack = pytest.importorskip("openstack")


def admin_cloud(auth_url: str):
    return openstack.connect(auth_url=auth_url, username="admin", password="admin", project_name="admin",
                             user_domain_id="default", project_domain_id="default", region_name="RegionOne")


def test_sdk_provisions_a_project_user_and_credential(auth_url):
    cloud = admin_cloud(auth_url)
    project = cloud.create_project("sdk-project", domain_id="default", description="made by the SDK")
    user = cloud.create_user("sdk-user", password="sdk-pass", default_project=project.id, domain_id="default")
    assert (project.name, project.domain_id, user.name, user.default_project_id) == (
        "sdk-project", "default", "sdk-user", project.id)
    assert cloud.grant_role("member", user=user.id, project=project.id) is True
    assignments = cloud.list_role_assignments(filters={"user": user.id})
    assert [(a.role["id"], a.scope["project"]["id"]) for a in assignments] == [
        (cloud.get_role("member").id, project.id)]
    member = openstack.connect(auth_url=auth_url, username="sdk-user", password="sdk-pass",
                               project_id=project.id, user_domain_id="default", region_name="RegionOne")
    cred = member.identity.create_application_credential(user=user.id, name="sdk-cred")
    assert cred.secret and [r["name"] for r in cred.roles] == ["member", "reader"]
    by_cred = openstack.connect(auth_url=auth_url, auth_type="v3applicationcredential",
                                application_credential_id=cred.id, application_credential_secret=cred.secret,
                                region_name="RegionOne")
    assert list(by_cred.compute.servers()) == []
    assert by_cred.current_project_id == project.id


@pytest.mark.skipif(not AVAILABLE, reason=MISSING)
def test_cli_provisions_then_lists_servers_with_an_application_credential(auth_url):
    admin = credentials(auth_url, "admin")
    project = json.loads(run_cli(admin, "project", "create", "-f", "json", "cli-project"))
    user = json.loads(run_cli(admin, "user", "create", "-f", "json", "--password", "cli-pass",
                           "--project", "cli-project", "cli-user"))
    assert (project["name"], user["name"], user["default_project_id"]) == ("cli-project", "cli-user", project["id"])
    run_cli(admin, "role", "add", "--user", "cli-user", "--project", "cli-project", "member")
    shown = json.loads(run_cli(credentials(auth_url, "cli-user", "cli-project", "cli-pass"),
                               "application", "credential", "create", "-f", "json", "cli-cred"))
    cred = {key.lower().replace(" ", "_"): value for key, value in shown.items()}  # OSC titles its columns
    assert cred["project_id"] == project["id"] and cred["secret"]
    by_cred = {key: value for key, value in admin.items()
               if key not in ("OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_USER_DOMAIN_NAME",
                              "OS_PROJECT_DOMAIN_NAME")}
    listed = run_cli(by_cred, "--os-auth-type", "v3applicationcredential", "--os-application-credential-id",
                     cred["id"], "--os-application-credential-secret", cred["secret"], "server", "list", "-f", "json")
    assert json.loads(listed) == []
