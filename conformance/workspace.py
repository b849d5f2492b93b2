"""Write the tempest workspace: tempest.conf (every setting with its reason), accounts.yaml and the seed body.

Both files come from the tables below; the code only formats them. Option names are tempest 47.0.0's
(``tempest/config.py`` in the tempest venv); anything not set keeps tempest's default.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, NamedTuple, Tuple


class Account(NamedTuple):
    """A Keystone user tempest may be handed. ``tempest_roles`` is what accounts.yaml declares, which is how
    tempest's pre-provisioned credential provider picks a user for a persona; ``roles`` is what fakenova grants.
    """
    user: str
    project: str
    roles: Tuple[str, ...]
    tempest_roles: Tuple[str, ...]
    seeded: bool  # False: already in fakenova's default fixtures (fixtures/identity.yaml)


#: Order matters: tempest's "alt" persona takes the first free non-admin account in file order, so alt_demo
#: follows demo (primary) and comes before the single-role readers and managers.
ACCOUNTS: Tuple[Account, ...] = (
    # admin persona and project_admin (scoped role admin)
    Account("admin", "admin", ("admin", "manager", "member", "reader"), ("admin",), False),
    # primary persona = project_member; the project with reader and manager users too, so tempest picks it
    Account("demo", "demo", ("member", "reader"), ("member",), False),
    # alt persona: a member of a second project (cross-project 404s)
    Account("alt_demo", "alt_demo", ("member", "reader"), ("member",), False),
    # project_reader, in primary's project as tempest requires (it reads what primary created)
    Account("demo_reader", "demo", ("reader",), ("reader",), False),
    # project_manager, same project
    Account("demo_manager", "demo", ("manager", "member", "reader"), ("manager",), False),
    # ['admin', 'service'] persona of the server external events tests (Nova's service role)
    Account("nova_service", "service", ("admin", "service"), ("admin", "service"), True),
    # a second one: the admin persona may be handed the first (tempest picks among admin-role accounts)
    Account("nova_service_alt", "service", ("admin", "service"), ("admin", "service"), True),
)

#: tempest's image_ref_alt (rebuild, image list tests): a second public image next to the default cirros
ALT_IMAGE = {"id": "0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e", "name": "cirros-alt", "disk_format": "qcow2",
             "container_format": "bare", "size": 21430272, "visibility": "public", "owner": "admin"}
IMAGE_ID = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"  # the default fixtures' cirros
NETWORK = "private"  # the default fixtures' shared network, as devstack's
#: the aliases fakenova's Neutron lists (fakenova/views/network_extensions.py and l3_extensions.py)
NEUTRON_EXTENSIONS = (
    "allowed-address-pairs", "availability_zone", "binding", "dns-integration", "empty-string-filtering",
    "ext-gw-mode", "external-net", "extraroute", "filter-validation", "fip-port-details", "ip-substring-filtering",
    "net-mtu", "net-mtu-writable", "pagination", "port-security", "project-id", "provider", "quota-check-limit",
    "quota_details", "quotas", "router", "router_availability_zone", "security-group",
    "security-groups-normalized-cidr", "security-groups-remote-address-group",
    "security-groups-rules-belongs-to-default-sg", "security-groups-shared-filtering", "sorting",
    "standard-attr-description", "standard-attr-revisions", "standard-attr-tag", "standard-attr-timestamp",
    "stateful-security-group", "subnet_allocation", "default-subnetpools", "network-ip-availability",
    "auto-allocated-topology", "address-scope", "agent",
)

#: (section, option, value, reason). Values may name {url}, {workspace}, {max_version}, {image}, {image_alt}.
CONF: Tuple[Tuple[str, str, str, str], ...] = (
    ("DEFAULT", "log_dir", "{workspace}", "tempest.log lands in the temporary workspace, not the repo"),
    ("DEFAULT", "log_file", "tempest.log", "one log: the harness reads each test's failing request from it"),
    ("DEFAULT", "debug", "False", "DEBUG logs every body; INFO still logs each request line the harness reads"),
    ("oslo_concurrency", "lock_path", "{workspace}/locks",
     "pre-provisioned accounts are locked by files here; a fresh dir each run"),
    ("auth", "use_dynamic_credentials", "True",
     "as devstack: tempest creates a project and users per test class through Keystone's admin API, and "
     "deletes them after"),
    ("auth", "admin_username", "admin", "the admin who creates them: fakenova's seeded admin"),
    ("auth", "admin_password", "admin", "the seeded admin's password"),
    ("auth", "admin_project_name", "admin", "the seeded admin project"),
    ("auth", "admin_domain_name", "Default", "the seeded default domain"),
    ("auth", "test_accounts_file", "{workspace}/accounts.yaml",
     "unused with dynamic credentials; kept so switching back is one option"),
    ("auth", "default_credentials_domain_name", "Default", "dynamic users and projects go to the default domain"),
    ("auth", "create_isolated_networks", "False",
     "every test project boots on the shared `private` network (fixed_network_name), as before"),
    ("identity", "uri_v3", "{url}/identity/v3", "fakenova's Keystone v3, on the same loopback port"),
    ("identity", "auth_version", "v3", "fakenova serves Keystone v3 only"),
    ("identity", "region", "RegionOne", "the region of every catalog entry fakenova builds"),
    ("identity", "v3_endpoint_type", "public", "fakenova's catalog has public, internal and admin endpoints"),
    ("identity-feature-enabled", "api_v2", "False", "no Keystone v2.0"),
    ("identity-feature-enabled", "api_v3", "True", "Keystone v3 with its admin API"),
    ("identity-feature-enabled", "trust", "False", "fakenova has no trusts (OS-TRUST)"),
    ("service_available", "nova", "True", "the service under test"),
    ("service_available", "glance", "True", "fakenova serves Glance v2 (images, data, members, tags, import)"),
    ("service_available", "neutron", "True", "fakenova serves Neutron reads (writes: issue 13)"),
    ("service_available", "cinder", "True",
     "fakenova serves Cinder v3 (issue 14): volumes, types, actions, quotas, and Nova's volume integration"),
    ("service_available", "swift", "False", "no object storage in fakenova"),
    ("service_available", "horizon", "False", "no dashboard in fakenova"),
    ("compute", "catalog_type", "compute", "the catalog type fakenova advertises"),
    ("compute", "endpoint_type", "publicURL", "the public endpoint, as devstack's tempest uses"),
    ("compute", "region", "RegionOne", "fakenova's region"),
    ("compute", "min_microversion", "2.1", "the lowest microversion fakenova advertises"),
    ("compute", "max_microversion", "{max_version}",
     "the highest fakenova advertises (read from its version document), so microversion tests run"),
    ("compute", "image_ref", "{image}", "the default fixtures' cirros image"),
    ("compute", "image_ref_alt", "{image_alt}", "a second image seeded by the harness (rebuild tests)"),
    ("compute", "flavor_ref", "1", "m1.tiny from the default fixtures"),
    ("compute", "flavor_ref_alt", "2", "m1.small: resize goes to a different flavor"),
    ("compute", "fixed_network_name", NETWORK, "the shared network every test project boots on"),
    ("compute", "build_interval", "1",
     "tempest's default (an integer option); at --pace immediate a waiter's first poll sees the end state"),
    ("compute", "build_timeout", "20",
     "nothing takes time at immediate pace; a waiter still waiting is a failure, so fail it fast"),
    ("compute", "ready_wait", "0", "no guest to wait for"),
    ("compute", "shelved_offload_time", "0", "Nova's devstack value: shelve offloads at once"),
    ("compute", "min_compute_nodes", "2",
     "the harness serves fakenova with `--hosts 2` (run.py): the multi-node tests (migrations, evacuation, "
     "hosts of server groups) run"),
    ("compute-feature-enabled", "resize", "True", "devstack-like: fakenova implements resize"),
    ("compute-feature-enabled", "cold_migration", "True", "migrate moves a server to the other host"),
    ("compute-feature-enabled", "live_migration", "True", "os-migrateLive moves a server to the other host"),
    ("compute-feature-enabled", "block_migration_for_live_migration", "True",
     "a multi-node devstack without shared storage live-migrates with block_migration; fakenova accepts it"),
    ("compute-feature-enabled", "volume_backed_live_migration", "False",
     "needs Cinder volumes to boot from (another engineer's work)"),
    ("compute-feature-enabled", "shelve_migrate", "True", "an unshelved server can be cold-migrated"),
    ("compute-feature-enabled", "can_migrate_between_any_hosts", "True", "the fake hosts are identical"),
    ("compute-feature-enabled", "scheduler_enabled_filters",
     "AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,"
     "ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,SameHostFilter,DifferentHostFilter",
     "devstack's list: fakenova's placement applies the zone, compute, group and same/different-host filters"),
    ("compute-feature-enabled", "shelve", "True", "devstack-like"),
    ("compute-feature-enabled", "pause", "True", "devstack-like"),
    ("compute-feature-enabled", "suspend", "True", "devstack-like"),
    ("compute-feature-enabled", "rescue", "True", "devstack-like"),
    ("compute-feature-enabled", "interface_attach", "True", "devstack-like"),
    ("compute-feature-enabled", "console_output", "True", "devstack-like"),
    ("compute-feature-enabled", "change_password", "True", "devstack-like (libvirt supports it with an agent)"),
    ("compute-feature-enabled", "snapshot", "True", "devstack-like: createImage"),
    ("compute-feature-enabled", "personality", "False", "devstack's default; personality is gone at 2.57"),
    ("compute-feature-enabled", "config_drive", "True", "devstack-like"),
    ("compute-feature-enabled", "vnc_console", "False",
     "fakenova answers the console URL, but no noVNC proxy listens behind it (tempest opens a websocket)"),
    ("compute-feature-enabled", "serial_console", "False", "devstack's default"),
    ("compute-feature-enabled", "spice_console", "False", "devstack's default"),
    ("compute-feature-enabled", "attach_encrypted_volume", "False", "needs Cinder"),
    ("volume", "catalog_type", "block-storage", "the Cinder v3 entry fakenova's catalog has, as devstack's"),
    ("volume", "region", "RegionOne", "fakenova's region"),
    ("volume", "min_microversion", "3.0", "the lowest volume microversion fakenova advertises"),
    ("volume", "max_microversion", "3.71", "the highest, as its /volume/v3 document says"),
    ("volume", "build_timeout", "20", "as compute build_timeout: volume waiters fail fast instead of in 300 s"),
    ("volume-feature-enabled", "backup", "False", "no cinder-backup in fakenova"),
    ("volume-feature-enabled", "snapshot", "True", "Cinder snapshots (create, force, list, show, update, delete)"),
    ("volume-feature-enabled", "extend_attached_volume", "True", "os-extend of in-use volumes from 3.42"),
    ("volume-feature-enabled", "extend_volume_with_snapshot", "False", "needs snapshots"),
    ("volume-feature-enabled", "enable_volume_image_dep_tests", "False",
     "volume upload to image (os-volume_upload_image) is not served"),
    ("image", "build_timeout", "20", "as compute build_timeout: image waiters fail fast instead of in 300 s"),
    ("image-feature-enabled", "import_image", "True",
     "fakenova's Glance offers glance-direct (stage, then import) in /v2/info/import, as its version document "
     "(2.6+) claims; tempest skips the methods it does not list (web-download, glance-download, copy-image)"),
    ("image-feature-enabled", "os_glance_reserved", "True", "fakenova refuses os_glance* properties (403) as Glance"),
    ("image-feature-enabled", "image_format_enforcement", "False",
     "fakenova keeps uploaded octets as given and does not inspect them against disk_format (Glance's format "
     "inspector): the list tests that upload bogus data for each format then run instead of skipping"),
    ("image-feature-enabled", "manage_locations", "False", "show_multiple_locations is off, as in devstack"),
    ("validation", "run_validation", "False", "servers are not real: nothing to ssh or ping into"),
    ("network-feature-enabled", "ipv6", "True",
     "fakenova's Neutron allocates IPv6 subnets too (SLAAC from the prefix, stateful from the pools)"),
    ("network", "public_network_id", "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718",
     "the default fixtures' external network (devstack's public), router1's gateway network"),
    ("network-feature-enabled", "api_extensions", ",".join(NEUTRON_EXTENSIONS),
     "exactly what fakenova's GET /network/v2.0/extensions lists (tempest's 'all' would expect agents, metering)"),
    ("enforce_scope", "nova", "True",
     "fakenova enforces Nova's new defaults (reader/member/manager/admin), so readers get their own client"),
)


def accounts_yaml() -> List[Dict[str, object]]:
    """accounts.yaml's document (JSON is YAML): one entry per account, each booting on the shared network."""
    return [{"username": a.user, "password": a.user, "project_name": a.project, "domain_name": "Default",
             "roles": list(a.tempest_roles), "resources": {"network": NETWORK}} for a in ACCOUNTS]


def seed_body() -> Dict[str, object]:
    """The ``POST /_fakenova/seed`` body: the accounts missing from the default fixtures and the alt image.

    Quotas stay Nova's defaults: test_compare_tenant_quotas_with_default_quotas compares them."""
    seeded = [a for a in ACCOUNTS if a.seeded]
    projects = sorted({a.project for a in seeded} - {"admin", "demo", "alt_demo", "service"})
    return {
        "projects": [{"name": name} for name in projects],
        "users": [{"name": a.user, "password": a.user, "project": a.project, "roles": list(a.roles)}
                  for a in seeded],
        "images": [ALT_IMAGE],
    }


def tempest_conf(values: Dict[str, str]) -> str:
    """tempest.conf's text: sections in table order, each option preceded by its reason."""
    lines = ["# Written by `make conformance` (conformance/workspace.py): every option says why it is set.", ""]
    section = ""
    for name, option, value, reason in CONF:
        if name != section:
            lines += ["", f"[{name}]"] if section else [f"[{name}]"]
            section = name
        lines += [f"# {reason}", f"{option} = {value.format(**values)}"]
    return "\n".join(lines) + "\n"


def unknown_options() -> List[str]:
    """Options of CONF that the installed tempest does not register (a typo would be silently ignored)."""
    from tempest import config  # the tempest venv runs this harness

    known = {(group if isinstance(group, str) else group.name, opt.dest)
             for group, opts in config._opts if group is not None for opt in opts}
    return [f"[{section}] {option}" for section, option, _, _ in CONF
            if section not in ("DEFAULT", "oslo_concurrency") and (section, option) not in known]


def write(workspace: Path, url: str, max_version: str) -> Path:
    """Write etc/tempest.conf and accounts.yaml under ``workspace``; returns the tempest.conf path."""
    values = {"url": url, "workspace": str(workspace), "max_version": max_version,
              "image": IMAGE_ID, "image_alt": ALT_IMAGE["id"]}
    (workspace / "etc").mkdir(parents=True, exist_ok=True)
    (workspace / "locks").mkdir(exist_ok=True)
    (workspace / "accounts.yaml").write_text(json.dumps(accounts_yaml(), indent=1) + "\n")
    conf = workspace / "etc" / "tempest.conf"
    conf.write_text(tempest_conf(values))
    return conf
