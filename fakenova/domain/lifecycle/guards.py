"""Nova's guards for writes to a server's sub-resources, as one table, and the atomic edit that applies them.

Nova guards these writes with ``check_instance_lock`` and ``check_instance_state`` decorators (or, for tags,
a hand-written vm_state check) in ``nova/compute/api.py``; :data:`GUARDS` states each one's allowed
vm_states, whether the lock and a null task_state are required and whether the server must have launched.
:func:`check` raises in the decorators' order: lock, vm_state, task_state, launched_at.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, FrozenSet, Mapping, Optional

from .. import compute, errors
from ..context import RequestContext
from ..models import Server
from ..states import VmState

_V = VmState


@dataclass(frozen=True)
class Guard:
    """One guarded write: its Nova name (as the 409 message quotes it) and what it requires."""

    nova_name: str
    allowed: Optional[FrozenSet[VmState]]
    checks_lock: bool = True
    task_must_be_none: bool = True
    must_have_launched: bool = True


_METADATA = frozenset({_V.ACTIVE, _V.PAUSED, _V.SUSPENDED, _V.STOPPED})
_INTERFACE = frozenset({_V.ACTIVE, _V.PAUSED, _V.STOPPED})
_VOLUME = frozenset({_V.ACTIVE, _V.PAUSED, _V.STOPPED, _V.RESIZED, _V.SOFT_DELETED, _V.SHELVED,
                     _V.SHELVED_OFFLOADED})

#: Nova's name -> guard. Metadata writes allow any task_state (``task_state=None`` in Nova's decorator);
#: the tags controller checks vm_state only (no lock, no task_state, no launched_at).
GUARDS: Mapping[str, Guard] = {guard.nova_name: guard for guard in (
    Guard("update metadata", _METADATA, task_must_be_none=False),
    Guard("delete metadata", _METADATA, task_must_be_none=False),
    Guard("update tag", _METADATA, checks_lock=False, task_must_be_none=False, must_have_launched=False),
    Guard("update tags", _METADATA, checks_lock=False, task_must_be_none=False, must_have_launched=False),
    Guard("delete tag", _METADATA, checks_lock=False, task_must_be_none=False, must_have_launched=False),
    Guard("delete tags", _METADATA, checks_lock=False, task_must_be_none=False, must_have_launched=False),
    Guard("attach_interface", _INTERFACE),
    Guard("detach_interface", _INTERFACE),
    Guard("attach_volume", _VOLUME),
    Guard("detach_volume", _VOLUME),
    Guard("swap_volume", frozenset({_V.ACTIVE, _V.PAUSED, _V.RESIZED})),
)}


def check(server: Server, name: str, ctx: RequestContext) -> None:
    """Raise Nova's 409 if the write ``name`` may not run on ``server`` now (admins bypass locks)."""
    guard = GUARDS[name]
    if guard.checks_lock and server.locked_by is not None and not ctx.is_admin:
        raise errors.InstanceIsLocked(uuid=server.id)
    if guard.allowed is not None and server.vm_state not in guard.allowed:
        raise errors.InstanceInvalidState(action=name, uuid=server.id, attr="vm_state",
                                          state=server.vm_state.value)
    if guard.task_must_be_none and server.task_state is not None:
        raise errors.InstanceInvalidState(action=name, uuid=server.id, attr="task_state",
                                          state=server.task_state.value)
    if guard.must_have_launched and server.launched_at is None:
        raise errors.InstanceInvalidState(action=name, uuid=server.id, attr="launched_at", state="None")


#: whether the caller may see a server (one definition, in the server use cases)
visible = compute.visible


def edit(runtime: Any, ctx: RequestContext, server_id: str, change: Callable[[Server], Server], *,
         touches: Collection[str] = ()) -> Server:
    """Atomically settle the caller's server and apply ``change`` to it; 404 when it is not theirs.

    :param change: a function of the settled server; it raises to refuse (guards, quotas).
    :param touches: the kinds ``change`` writes besides the server (``Store.compute``'s declaration).
    """
    def apply(current: Optional[Server]) -> Server:
        return change(compute.settle(runtime, compute.callers_server(current, ctx, server_id), ctx.now,
                                     observed=False))

    return runtime.store.compute("server", server_id, apply, touches=(*compute.SETTLE_WRITES, *touches))
