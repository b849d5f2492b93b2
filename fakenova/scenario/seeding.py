"""Put a scenario's ``seed`` into a runtime's store, and force a server into a state (seed, rules, control plane).

Seeded servers are made by the create use case itself (so their ports, addresses and instance names look like
any other server's), then pinned to the state the file asks for.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, Mapping, Optional

from ..domain import errors, keypairs
from ..domain.context import Identity, RequestContext
from ..domain.lifecycle import engine as lifecycle
from ..domain.models import Fault, Server
from ..domain.ports import Runtime, Store
from ..domain.states import USUAL_POWER, VmState
from ..microversions import MAX_VERSION
from ..seed import normalise_flavor, normalise_image, seed_network
from . import model


def pinned(server: Server, pin: model.StatePin, now: float, locked: Optional[bool] = None) -> Server:
    """``server`` with the pin's states (any action under way is dropped: a pinned state stays put)."""
    vm_state = pin.vm_state or server.vm_state
    task_state = pin.task_state if pin.sets_task_state else server.task_state
    power = pin.power_state if pin.power_state is not None else (
        USUAL_POWER[vm_state] if pin.vm_state is not None else server.power_state)
    fault = server.fault
    if pin.fault is not None:
        fault = Fault(code=pin.fault.code, message=pin.fault.message, created=now, details=pin.fault.details)
    launched = server.launched_at
    if launched is None and vm_state not in (VmState.BUILDING, VmState.ERROR):
        launched = now  # a server seen running has launched (soft delete and restore depend on it)
    host = server.host or (lifecycle.DEFAULT_HOST if launched is not None else None)
    changes: Dict[str, Any] = {}
    if locked is not None:
        changes = {"locked_by": "admin" if locked else None}
    return replace(server, vm_state=vm_state, task_state=task_state, power_state=power, fault=fault,
                   launched_at=launched, host=host, node=host, transition=None, progress=0, updated_at=now,
                   availability_zone=lifecycle.DEFAULT_ZONE if host else server.availability_zone, **changes)


def pin_server(runtime: Runtime, server_id: str, pin: model.StatePin, locked: Optional[bool] = None) -> Server:
    """Force ``server_id`` into the pinned state atomically; 404 when there is no such server."""
    now = runtime.clock.now()

    def apply(current: Optional[Server]) -> Server:
        if current is None or current.deleted:
            raise errors.InstanceNotFound(uuid=server_id)
        return pinned(current, pin, now, locked)

    return runtime.store.compute("server", server_id, apply)


def _named(store: Store, kind: str, name: str) -> Dict[str, Any]:
    for record in store.list(kind):
        if name in (record.get("name"), record.get("id")):
            return record
    raise errors.BadRequest(f"seed: no {kind} named {name!r}")


def _identities(runtime: Runtime, seed: Mapping[str, Any]) -> None:
    store, ids = runtime.store, runtime.ids
    for project in seed.get("projects", []):
        record = {"domain_id": "default", "enabled": True, "description": "", **project}
        record.setdefault("id", ids.hex_id())
        store.put("project", record["id"], record)
    for user in seed.get("users", []):
        project = _named(store, "project", user["project"])
        record = {"domain_id": "default", "enabled": True, "password": user["name"], "description": "",
                  **{k: v for k, v in user.items() if k not in ("project", "roles")},
                  "default_project": project["name"]}
        record.setdefault("id", ids.hex_id())
        store.put("user", record["id"], record)
        store.put("assignment", f"{record['id']}:{project['id']}", list(user.get("roles", ["member", "reader"])))
    for project_name, limits in seed.get("quotas", {}).items():
        project = _named(store, "project", project_name)
        store.put("quota", project["id"], {**(store.get("quota", project["id"]) or {}), **limits})


def _catalogue(runtime: Runtime, seed: Mapping[str, Any]) -> None:
    store, now = runtime.store, runtime.clock.now()
    projects = {record["name"]: record["id"] for record in store.list("project")}
    for flavor in seed.get("flavors", []):
        record = normalise_flavor(dict(flavor))
        store.put("flavor", record["id"], record)
    for image in seed.get("images", []):
        record = normalise_image(dict(image), now, projects)
        store.put("image", record["id"], record)
    for network in seed.get("networks", []):
        seed_network(runtime, dict(network), projects)


def _owner(store: Store, project_name: str, user_name: Optional[str]) -> Identity:
    """Who owns a seeded server: the named user, else the first user with a role on the project."""
    project = _named(store, "project", project_name)
    if user_name is not None:
        user = _named(store, "user", user_name)
    else:
        members = [u for u in store.list("user") if store.get("assignment", f"{u['id']}:{project['id']}")]
        if not members:
            raise errors.BadRequest(f"seed: project {project_name!r} has no users")
        # the project's namesake user (demo/demo) rather than an admin who also has a role there
        user = next((u for u in members if u["name"] == project["name"]), members[0])
    roles = tuple(store.get("assignment", f"{user['id']}:{project['id']}") or ("member",))
    return Identity(user_id=user["id"], user_name=user["name"], project_id=project["id"],
                    project_name=project["name"], roles=roles)


def _server(runtime: Runtime, spec: Mapping[str, Any], pin: model.StatePin) -> None:
    from ..domain.create import create_servers  # late: the create use case imports much of the domain

    store = runtime.store
    identity = _owner(store, spec.get("project", "demo"), spec.get("user"))
    ctx = RequestContext(identity=identity, version=MAX_VERSION, now=runtime.clock.now(),
                         request_id=runtime.ids.request_id())
    body = {"name": spec["name"], "flavorRef": _named(store, "flavor", spec.get("flavor", "m1.tiny"))["id"],
            "imageRef": _named(store, "image", spec.get("image", "cirros"))["id"],
            "networks": [{"uuid": _named(store, "network", spec.get("network", "private"))["id"]}],
            "metadata": dict(spec.get("metadata", {}))}
    made = create_servers(runtime, ctx, body, {})
    for server in made.servers:
        settled = lifecycle.advance(server, ctx.now, observed=False)  # finish the build, then pin
        store.put("server", server.id, settled, project=server.project_id)
        pin_server(runtime, server.id, pin, locked=spec.get("locked"))


def apply_seed(runtime: Runtime, scenario: model.Scenario) -> None:
    """Add a scenario's seed (identities, quotas, catalogue, keypairs, servers) to the runtime's store."""
    from .loader import Resolver  # the loader's resolver gives seed states the same checks and messages

    seed = scenario.seed
    if not seed:
        return
    _identities(runtime, seed)
    _catalogue(runtime, seed)
    store = runtime.store
    for pair in seed.get("keypairs", []):
        user = _named(store, "user", pair.get("user", "demo"))
        keypairs.create_keypair(store, user_id=user["id"], name=pair["name"], key_type=pair.get("type", "ssh"),
                                public_key=pair["public_key"], quota=-1, now=runtime.clock.now(),
                                make=lambda: ("", "", ""))
    names = Resolver(scenario.source, {"name": scenario.name})
    for index, spec in enumerate(seed.get("servers", [])):
        states = {key: spec[key] for key in ("vm_state", "task_state", "power_state", "fault") if key in spec}
        pin = names.pin({"vm_state": "active", **states}, f"seed.servers[{index}]")
        _server(runtime, spec, pin)
