"""Load seed data (identities, flavors, images, metadef resource types, networks, quotas, compute hosts) from
YAML fixtures into a runtime's store.

The bundled ``fixtures/`` folder ships inside the package; ``Settings.fixtures_dir`` points at a user's own
folder with the same layout. YAML is read by :func:`~fakenova.yaml_io.read_yaml` only (safe, size-capped,
cached), and every record is normalised here so the rest of fakenova sees one shape.
"""
from __future__ import annotations

import functools
import ipaddress
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Protocol, Set

from .clock import Clock
from .domain import cinder, hosts, metadefs, network_agents, network_quotas, routers, subnet_pool_resources
from .domain.quotas import DEFAULTS_KEY, PROJECT, check_limits
from .settings import Settings
from .store import Store
from .yaml_io import read_yaml


class SeedTarget(Protocol):
    """What seeding needs of a runtime (``fakenova.runtime.Runtime`` is one), stated here so that this module
    does not import the runtime, which imports this one to reset."""

    settings: Settings
    store: Store
    clock: Clock


_REPO_ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=None)
def bundled_dir(name: str) -> Path:
    """The folder of bundled data ``name`` (``fixtures`` or ``scenarios``), installed or in a checkout (looked
    up once: every reset reads the fixtures)."""
    installed = Path(__file__).resolve().parent / name
    return installed if installed.is_dir() else _REPO_ROOT / name


def _read(folder: Path, relative: str) -> Dict[str, Any]:
    """One fixture file's mapping ({} when absent). read_yaml caches the parse by mtime and size (parsing
    YAML on every reset would cost more than a whole per-test reset should, see bench/plugin_overhead.py)
    and returns a copy, so callers never share nested values."""
    path = folder / relative
    try:
        data = read_yaml(path, bundled=folder == bundled_dir("fixtures")) or {}
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_seed(runtime: SeedTarget) -> None:
    """Put the fixtures' records into the runtime's store (after a reset)."""
    folder = Path(runtime.settings.fixtures_dir) if runtime.settings.fixtures_dir else bundled_dir("fixtures")
    now = runtime.clock.now()
    identity = _read(folder, "identity.yaml")
    projects = _seed_identity(runtime, identity)
    for flavor in _read(folder, "catalogue/flavors.yaml").get("flavors", []):
        record = normalise_flavor(flavor)
        runtime.store.put("flavor", record["id"], record)
    for image in _read(folder, "catalogue/images.yaml").get("images", []):
        record = normalise_image(image, now, projects)
        runtime.store.put("image", record["id"], record)
    for pool in _read(folder, "catalogue/subnetpools.yaml").get("subnetpools", []):
        subnet_pool_resources.seed(runtime.store, pool, projects.get(pool.get("project", ""), ""), now)
    for network in _read(folder, "catalogue/networks.yaml").get("networks", []):
        _seed_network(runtime, network, projects)
    for router in _read(folder, "catalogue/routers.yaml").get("routers", []):
        routers.seed(runtime.store, router, projects.get(router.get("project", ""), ""), now)
    _seed_quotas(runtime, _read(folder, "quotas.yaml"), projects, str(folder / "quotas.yaml"))
    for volume in _read(folder, "catalogue/volumes.yaml").get("volumes", []):
        project = projects.get(volume.get("project", ""), volume.get("project", ""))
        runtime.store.put("volume", volume["id"], cinder.seed_record(volume, project, now), project=project)
    catalogue = _read_large(folder, "catalogue/metadefs.yaml")
    metadefs.seed(runtime.store, catalogue.get("namespaces", []), catalogue.get("resource_types", []), now)
    specs = hosts.host_specs(_read(folder, "hosts.yaml"), runtime.settings.hosts)
    hosts.seed_hosts(runtime.store, specs, now)
    network_agents.seed(runtime.store, specs, now)


@functools.lru_cache(maxsize=8)
def _as_json(path: Path, mtime_ns: int, size: int) -> str:
    return json.dumps(_read(path.parent, path.name))


def _read_large(folder: Path, relative: str) -> Dict[str, Any]:
    """A fixture file too large to deep-copy on every reset (the metadefs documents): its parse is kept as
    JSON text by path, mtime and size, and decoded afresh each time (several times faster than a deep copy)."""
    path = folder / relative
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    return json.loads(_as_json(path, info.st_mtime_ns, info.st_size))


def _seed_quotas(runtime: SeedTarget, data: Dict[str, Any], projects: Dict[str, str], where: str) -> None:
    """The fixtures' default limits (under the ``--quota`` settings) and per-project limits (name or id)."""
    configured = {**check_limits(data.get("defaults") or {}, where), **runtime.settings.quota}
    runtime.store.put(*DEFAULTS_KEY, configured)
    runtime.store.put(*network_quotas.DEFAULTS_KEY, dict(runtime.settings.network_quota))
    for project, limits in (data.get("projects") or {}).items():
        checked = check_limits(limits or {}, f"{where}: {project}")
        runtime.store.put(PROJECT, projects.get(project, project), checked)


def _by_name(items: Iterable[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    return {item["name"]: item for item in items}


def _seed_identity(runtime: SeedTarget, data: Dict[str, Any]) -> Dict[str, str]:
    """Store domains, roles, projects, users and role assignments; return project name -> id."""
    store = runtime.store
    store.put("config", "region", data.get("region", "RegionOne"))
    for kind in ("domain", "role", "project", "user"):
        for item in data.get(kind + "s", []):
            record = {"domain_id": "default", "enabled": True, "description": "", **item}
            if kind == "role":
                record["domain_id"] = item.get("domain_id")  # Keystone's roles are global unless domain-specific
            store.put(kind, record["id"], record)
    projects = _by_name(data.get("projects", []))
    users = _by_name(data.get("users", []))
    for assignment in data.get("assignments", []):
        user, project = users[assignment["user"]], projects[assignment["project"]]
        store.put("assignment", f"{user['id']}:{project['id']}", list(assignment["roles"]))
    roles = _by_name(data.get("roles", []))
    for rule in data.get("implied_roles", []):  # keystone's role inference rules, by role name
        prior, implied = roles[rule["prior"]]["id"], roles[rule["implies"]]["id"]
        store.put("implied_role", f"{prior}:{implied}", {"prior_role_id": prior, "implied_role_id": implied})
    return {name: project["id"] for name, project in projects.items()}


def normalise_flavor(flavor: Dict[str, Any]) -> Dict[str, Any]:
    """A flavor with every field Nova shows, defaults filled in."""
    return {"ephemeral": 0, "swap": 0, "rxtx_factor": 1.0, "is_public": True, "disabled": False,
            "description": None, "extra_specs": {}, **flavor, "id": str(flavor["id"])}


def normalise_image(image: Dict[str, Any], now: float, projects: Dict[str, str]) -> Dict[str, Any]:
    """A Glance image record with defaults; ``owner`` may name a project."""
    owner = image.get("owner")
    return {"status": "active", "visibility": "public", "protected": False, "tags": [],
            "disk_format": "qcow2", "container_format": "bare", "size": 0, "min_disk": 0, "min_ram": 0,
            "properties": {}, "created_at": now, "updated_at": now, **image,
            "owner": projects.get(owner, owner) if isinstance(owner, str) else owner}


def _seed_network(runtime: SeedTarget, network: Dict[str, Any], projects: Dict[str, str]) -> None:
    project = projects.get(network.get("project", ""), network.get("project", ""))
    subnets: List[Dict[str, Any]] = []
    for subnet in network.get("subnets", []):
        cidr = ipaddress.ip_network(subnet["cidr"])
        record = {"ip_version": cidr.version, "gateway_ip": str(next(cidr.hosts())), "enable_dhcp": True,
                  "dns_nameservers": [], "host_routes": [], **subnet, "network_id": network["id"],
                  "project_id": project}
        subnets.append(record)
        # filed under its project, as a created one is: Neutron's quota usage counts it
        runtime.store.put("subnet", record["id"], record, project=project or None)
    record = {"status": "ACTIVE", "admin_state_up": True, "mtu": 1450, **network, "project_id": project,
              "subnets": [subnet["id"] for subnet in subnets]}
    record.pop("project", None)
    runtime.store.put("network", record["id"], record, project=project or None)


def fixture_names(fixtures_dir: Optional[str] = None) -> Dict[str, Set[str]]:
    """Names and ids of the fixtures' flavors, images, networks, projects and users (for scenario checks)."""
    folder = Path(fixtures_dir) if fixtures_dir else bundled_dir("fixtures")
    identity = _read(folder, "identity.yaml")
    sources = {
        "flavors": _read(folder, "catalogue/flavors.yaml").get("flavors", []),
        "images": _read(folder, "catalogue/images.yaml").get("images", []),
        "networks": _read(folder, "catalogue/networks.yaml").get("networks", []),
        "projects": identity.get("projects", []), "users": identity.get("users", []),
    }
    return {kind: {str(item[key]) for item in items for key in ("id", "name") if key in item}
            for kind, items in sources.items()}


def seed_network(runtime: SeedTarget, network: Dict[str, Any], projects: Dict[str, str]) -> None:
    """Store one network (and its subnets) given in the fixtures' shape; ``project`` may name a project."""
    _seed_network(runtime, network, projects)
