"""How servers are indexed for listing, and how long deleted ones are kept.

Nova keeps deleted instance rows (``deleted != 0``) so that ``changes-since`` and an admin's ``deleted=true``
can still list them; fakenova keeps them too, but only the newest ``Settings.deleted_retention`` of them:
beyond that the oldest-deleted are dropped for good. The store's ordered index (when it has one) gives the
``(created_at, uuid)`` order and two marks: ``busy`` (an action under way, or soft-deleted awaiting reclaim)
and ``deleted``, so neither settling nor pruning has to scan every server.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, cast

from ..store.base import REMOVE, OrderedStore
from .models import Server
from .ports import Runtime, Store
from .states import VmState

SERVER = "server"


def order(server: Server) -> Tuple[Any, ...]:
    """The index position of a server, before its uuid: its creation time."""
    return (server.created_at,)


def busy(server: Server) -> bool:
    """Whether a read may change the server: an action under way, a soft delete awaiting reclaim, or a shelved
    server awaiting offload."""
    return server.transition is not None or (server.vm_state is VmState.SOFT_DELETED and not server.deleted) or (
        server.vm_state is VmState.SHELVED and server.shelved_at is not None)


def _deleted(server: Server) -> bool:
    return server.deleted


MARKS = {"busy": busy, "deleted": _deleted}


#: the distinct usage tuples seen, so the index keeps one shared tuple per flavor size, not one per server
_USAGES: Dict[Tuple[int, ...], Tuple[int, ...]] = {}
_USAGES_MAX = 1024


def counted(server: Server) -> Tuple[int, ...]:
    """What a server adds to its project's quota usage: (instances, cores, ram); soft-deleted and deleted
    servers count nothing, as in Nova."""
    if server.deleted or server.vm_state is VmState.SOFT_DELETED:
        return (0, 0, 0)
    usage = (1, server.flavor["vcpus"], server.flavor["ram"])
    shared = _USAGES.get(usage)
    if shared is None and len(_USAGES) < _USAGES_MAX:
        shared = _USAGES.setdefault(usage, usage)
    return shared or usage


#: running totals the index keeps, so quota checks do not count every server on each create
SUMS = {"usage": counted}


#: store class -> whether it offers OrderedStore (isinstance against a runtime Protocol inspects every
#: method, and this is asked on every create)
_ORDERED_CLASSES: Dict[type, bool] = {}


def ensure_index(store: Store) -> bool:
    """Define the server index on stores that can keep one (idempotent); False for stores that cannot."""
    ordered = _ORDERED_CLASSES.get(type(store))
    if ordered is None:
        ordered = _ORDERED_CLASSES[type(store)] = isinstance(store, OrderedStore)
    if not ordered:
        return False
    store.define_order(SERVER, order, MARKS, SUMS)  # type: ignore[attr-defined]  # isinstance above, cached
    return True


def server_index(store: Store) -> Optional[OrderedStore]:
    """The store, typed as the :class:`OrderedStore` it is, with the server index defined; None when the
    store cannot keep one (callers then scan)."""
    return cast(OrderedStore, store) if ensure_index(store) else None


def prune_deleted(runtime: Runtime) -> int:
    """Drop the oldest-deleted servers beyond ``deleted_retention``; returns how many were dropped."""
    store, keep = runtime.store, max(0, runtime.settings.deleted_retention)
    index = server_index(store)
    if index is not None:
        keys = index.marked(SERVER, "deleted")
    else:
        gone = sorted((s for s in store.list(SERVER) if s.deleted), key=lambda s: (s.deleted_at or 0, s.id))
        keys = [server.id for server in gone]
    extra = keys[:max(0, len(keys) - keep)]
    for key in extra:
        store.compute(SERVER, key, lambda current: REMOVE if current is not None and current.deleted else current)
    return len(extra)
