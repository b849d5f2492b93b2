"""``POST /os-server-external-events``: events other services (Neutron, Cinder, Ironic, Cyborg) send.

Each event is answered on its own, as Nova's ``ServerExternalEventsController`` does: 404 for a server
that does not exist (or, for a caller without the admin role, is not in the caller's project: Nova looks
servers up with the caller's context), 400 when an event that needs a tag has none, 422 for a server on no
host, else 200; the whole answer is 200 when every event is, else 207. The accepted events have the effects
of Nova's compute API: ``volume-extended`` and ``power-update`` record instance actions, and a
``power-update`` of a server in the matching steady state powers it on or off (as the Ironic driver does).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import history
from .context import RequestContext
from .models import Server
from .ports import Runtime
from .states import PowerState, VmState

#: the events Nova drops (400) without a tag
TAG_REQUIRED = frozenset({"volume-extended", "power-update", "accelerator-request-bound"})


@dataclass(frozen=True)
class PowerChange:
    """A ``power-update`` tag: the instance action it records and the steady states it moves between."""

    action: str
    source: Tuple[VmState, PowerState]
    target: Tuple[VmState, PowerState]


#: ``power-update`` tags (any other tag is skipped, as Nova skips it)
POWER_UPDATES: Mapping[str, PowerChange] = {
    "POWER_ON": PowerChange("start", (VmState.STOPPED, PowerState.SHUTDOWN), (VmState.ACTIVE, PowerState.RUNNING)),
    "POWER_OFF": PowerChange("stop", (VmState.ACTIVE, PowerState.RUNNING), (VmState.STOPPED, PowerState.SHUTDOWN)),
}
#: events that record an instance action whatever their tag
ACTIONS: Mapping[str, str] = {"volume-extended": "extend_volume"}


def _server(runtime: Runtime, ctx: RequestContext, server_id: str) -> Optional[Server]:
    server = runtime.store.get("server", server_id)
    if server is None or server.deleted or (not ctx.is_admin and server.project_id != ctx.project_id):
        return None
    return server


def _code(event: Mapping[str, Any], server: Optional[Server]) -> int:
    if server is None:
        return 404
    if event["name"] in TAG_REQUIRED and event.get("tag") is None:
        return 400
    return 200 if server.host else 422


def _power(change: PowerChange, now: float) -> Callable[[Optional[Server]], Optional[Server]]:
    def apply(server: Optional[Server]) -> Optional[Server]:
        if server is None or server.task_state is not None or server.transition is not None:
            return server
        if (server.vm_state, server.power_state) != change.source:
            return server  # Nova's no-op for a server not in the state the tag moves from
        vm_state, power_state = change.target
        return dataclasses.replace(server, vm_state=vm_state, power_state=power_state, updated_at=now)
    return apply


def _apply(runtime: Runtime, ctx: RequestContext, event: Mapping[str, Any], server: Server) -> None:
    name, tag = event["name"], event.get("tag")
    change = POWER_UPDATES.get(tag or "") if name == "power-update" else None
    action = change.action if change is not None else ACTIONS.get(name)
    if action is not None:
        history.record(runtime.store, ctx, server.id, action, host=server.host)
    if change is not None:
        runtime.store.compute("server", server.id, _power(change, ctx.now))


def create_events(runtime: Runtime, ctx: RequestContext,
                  events: Sequence[Mapping[str, Any]]) -> Tuple[List[Dict[str, Any]], int]:
    """Answer each event (the caller's keys plus ``status`` and ``code``) and the overall status code."""
    answered: List[Dict[str, Any]] = []
    for event in events:
        server = _server(runtime, ctx, event["server_uuid"])
        code = _code(event, server)
        answered.append({**event, "status": "completed" if code == 200 else "failed", "code": code})
        if code == 200:
            _apply(runtime, ctx, event, server)  # type: ignore[arg-type]
    return answered, 200 if all(event["code"] == 200 for event in answered) else 207
