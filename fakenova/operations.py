"""The control operations (reset, seed, scenarios, clock, server state, journal, health) on a runtime.

One vocabulary for every caller: the ``/_fakenova`` blueprint (``control.py``) maps HTTP onto these functions,
and the in-process :class:`~fakenova.testing.harness.FakeNova` calls them directly. Arguments and results are
JSON-shaped, so the two paths cannot drift apart. Invalid input raises the declared errors (400/404).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, TypeVar, Union

from .clock import AdvancingClock, FreezingClock
from .domain import errors
from .domain.lifecycle import engine as lifecycle
from .domain.lifecycle import finishing
from .domain.models import Server
from .domain.states import derive_status
from .runtime import Runtime
from .settings import parse_setting
from .views.common import isotime

if TYPE_CHECKING:
    from .scenario.engine import ScenarioEngine

#: settings a reset may override for the next test (the pytest marker's keys)
RESET_SETTINGS = ("min_version", "max_version", "pace", "seed", "reclaim_instance_interval", "shelved_offload_time",
                  "enable_instance_password", "token_ttl", "max_limit", "hosts", "allow_resize_to_same_host")


def _engine(runtime: Runtime) -> ScenarioEngine:
    return runtime.engine


def _typed(name: str, value: Any) -> Any:
    if name not in RESET_SETTINGS:
        raise errors.BadRequest(f"Unknown setting {name!r}; a reset accepts {', '.join(RESET_SETTINGS)}")
    if value is None or not isinstance(value, str):
        return value
    try:
        return parse_setting(name, value)
    except ValueError as exc:
        raise errors.BadRequest(f"Invalid value for setting {name}: {exc}") from None


def reset(runtime: Runtime, project: Optional[str] = None,
          settings: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Back to the seed data with no scenario loaded, the clock at system time and the journal empty.

    :param project: reset only this project (id or name): its servers and quota overrides go, the rest stays.
    :param settings: overrides kept until the next reset (``max_version``, ``pace``, ``seed``, ...).
    """
    if project is not None:
        return _reset_project(runtime, project)
    overrides = {name: _typed(name, value) for name, value in (settings or {}).items()}
    try:
        runtime.reset(**{name: value for name, value in overrides.items() if value is not None})
    except ValueError as exc:
        raise errors.BadRequest(str(exc)) from None
    _engine(runtime).refresh()
    return {"reset": "all", "settings": {name: str(value) for name, value in overrides.items()}}


def _reset_project(runtime: Runtime, project: str) -> Dict[str, Any]:
    store = runtime.store
    record = next((p for p in store.list("project") if project in (p["id"], p["name"])), None)
    if record is None:
        raise errors.NotFound(f"Project {project} could not be found.")
    with store.atomically():
        servers = [server.id for server in store.list("server", record["id"])]
        for server_id in servers:
            store.delete("server", server_id)
        store.delete("quota", record["id"])
    return {"reset": record["id"], "servers_removed": len(servers)}


def seed(runtime: Runtime, data: Mapping[str, Any]) -> Dict[str, Any]:
    """Add seed data (the ``seed`` section of a scenario file) without loading a scenario."""
    from .scenario import loader
    from .scenario.seeding import apply_seed

    scenario = _checked(lambda: loader.build({"name": "seed", "seed": dict(data)}, "<seed>"))
    with _engine(runtime).suspended():
        apply_seed(runtime, scenario)
    return {"seeded": sorted(data)}


_T = TypeVar("_T")


def _checked(build: Callable[[], _T]) -> _T:
    from .scenario.loader import ScenarioError

    try:
        return build()
    except ScenarioError as exc:
        raise errors.BadRequest(str(exc)) from None


def load_scenario(runtime: Runtime, source: Union[str, Mapping[str, Any]]) -> Dict[str, Any]:
    """Load a bundled scenario by name, a file by path, or an inline document; returns its description."""
    from .scenario import loader

    document, origin = _checked(lambda: loader.read(source))
    scenario = _checked(lambda: loader.build(document, origin))
    try:
        _engine(runtime).load(scenario, document)
    except ValueError as exc:  # e.g. an api range the base settings cannot take
        _engine(runtime).unload(scenario.name)
        raise errors.BadRequest(f"{origin}: {exc}") from None
    return next(item for item in scenarios(runtime) if item["name"] == scenario.name)


def unload_scenario(runtime: Runtime, name: Optional[str] = None) -> Dict[str, Any]:
    """Unload one scenario (404 when it is not loaded), or all of them when ``name`` is None."""
    unloaded = _engine(runtime).unload(name)
    if name is not None and not unloaded:
        raise errors.NotFound(f"Scenario {name} is not loaded.")
    return {"unloaded": unloaded}


def scenarios(runtime: Runtime) -> List[Dict[str, Any]]:
    """Loaded scenarios with each rule's effect, times and hit count."""
    return _engine(runtime).describe()


def clock(runtime: Runtime) -> Dict[str, Any]:
    """The fake cloud's time, and whether it is frozen."""
    now = runtime.clock.now()
    return {"now": isotime(now), "epoch": now, "frozen": bool(getattr(runtime.clock, "frozen", True))}


def advance_clock(runtime: Runtime, seconds: Any) -> Dict[str, Any]:
    """Move time forward by ``seconds`` (tokens expire, paces move, soft-deleted servers are reclaimed)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise errors.BadRequest("advance must be a number of seconds >= 0")
    if not isinstance(runtime.clock, AdvancingClock):
        raise errors.Conflict("This clock cannot be advanced.")
    runtime.clock.advance(float(seconds))
    return clock(runtime)


def freeze_clock(runtime: Runtime, frozen: bool) -> Dict[str, Any]:
    """Stop (or restart) the clock; a ManualClock is always frozen."""
    if not isinstance(frozen, bool):
        raise errors.BadRequest("freeze must be true or false")
    if isinstance(runtime.clock, FreezingClock):
        runtime.clock.freeze() if frozen else runtime.clock.unfreeze()
    elif not frozen:
        raise errors.Conflict("This clock only moves when advanced.")
    return clock(runtime)


def summary(server: Server) -> Dict[str, Any]:
    """A server's stored state as the control plane shows it (every project, no microversion)."""
    fault = server.fault
    return {"id": server.id, "name": server.name, "project_id": server.project_id, "user_id": server.user_id,
            "status": derive_status(server.vm_state, server.task_state, server.deleted).value,
            "vm_state": server.vm_state.value, "task_state": server.task_state.value if server.task_state else None,
            "power_state": int(server.power_state), "locked": server.locked_by is not None,
            "action": server.transition.action if server.transition else None,
            "fault": {"code": fault.code, "message": fault.message, "details": fault.details} if fault else None}


def servers(runtime: Runtime, project: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every server that is not deleted (of one project id when given), oldest first."""
    found = runtime.store.list("server", project) if project else runtime.store.list("server")
    return [summary(server) for server in found if not server.deleted]


def set_server_state(runtime: Runtime, server_id: str, data: Mapping[str, Any]) -> Dict[str, Any]:
    """Force a server's vm_state, task_state, power_state, fault and lock (checked like a scenario's)."""
    from .scenario.loader import Resolver
    from .scenario.seeding import pin_server

    allowed = {"vm_state", "task_state", "power_state", "fault", "locked"}
    unknown = sorted(set(data) - allowed)
    if unknown or not data:
        raise errors.BadRequest(f"Give some of {', '.join(sorted(allowed))}" +
                                (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    states = {key: value for key, value in data.items() if key != "locked"}
    pin = _checked(lambda: Resolver("<state>", {"name": "state"}).pin(states, "state"))
    locked = data.get("locked")
    return summary(pin_server(runtime, server_id, pin, locked=bool(locked) if locked is not None else None))


def step_server(runtime: Runtime, server_id: str) -> Dict[str, Any]:
    """Move a server one step along its action (how a ``manual`` pace advances)."""
    now = runtime.clock.now()

    def step(current: Optional[Server]) -> Server:
        if current is None or current.deleted:
            raise errors.InstanceNotFound(uuid=server_id)
        stepped = lifecycle.step_manually(current, now)
        if current.transition is not None and stepped.transition is None:
            finishing.finished(runtime, stepped, current.transition.action, now)  # as a paced end does
        return stepped

    return summary(runtime.store.compute("server", server_id, step, touches=finishing.WRITES))


#: the control plane's name of each Cinder collection whose records a manual pace leaves to be stepped
VOLUME_KINDS: Mapping[str, str] = {"volumes": "volume", "snapshots": "volume_snapshot"}


def step_volume(runtime: Runtime, collection: str, record_id: str) -> Dict[str, Any]:
    """End a volume's or snapshot's transient status (how a ``manual`` pace advances Cinder's records);
    ``{"status": None}`` once a delete has removed it."""
    from .domain import cinder

    kind = VOLUME_KINDS[collection]
    now = runtime.clock.now()

    def step(current: Optional[Dict[str, Any]]) -> Any:
        if current is None:
            raise errors.NotFound(f"{collection[:-1].capitalize()} {record_id} could not be found.")
        after = cinder.finish_now(current, now)
        return after if after is not None else cinder.removed()

    after = runtime.store.compute(kind, record_id, step)
    return {"id": record_id, "status": None if after is cinder.removed() else after["status"]}


def journal(runtime: Runtime, server_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every API request since the last reset or clear, oldest first, with the rule verdicts, headers and
    bodies (secrets redacted); with ``server_id``, only the requests that touched that server."""
    from . import journal as entries  # read side only: decoding and redaction run when someone reads

    return entries.entries(runtime.store, server_id)


def clear_journal(runtime: Runtime) -> Dict[str, Any]:
    runtime.store.journal_clear()
    return {"cleared": True}


def health(runtime: Runtime) -> Dict[str, Any]:
    """Liveness, what is advertised, and how many requests ended in an unexpected server error."""
    settings = runtime.settings
    return {"status": "ok", "min_version": str(settings.min_version), "max_version": str(settings.max_version),
            "scenarios": [item["name"] for item in scenarios(runtime)],
            "errors": sum(1 for entry in runtime.store.journal() if entry.get("error"))}
