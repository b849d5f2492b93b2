"""Keystone's read-only resources, sans-IO: who may read what (the default policy), lookups and list filters.

Authentication and tokens are :mod:`.keystone`; this module answers the ``/v3/projects``, ``/users``,
``/domains``, ``/roles`` and ``/role_assignments`` reads: the policy check on the caller's token record, the
record or Keystone's 404, and the query filters Keystone applies (exact string match on each one present).
"""
from __future__ import annotations

from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from .keystone import assignments, forbidden, not_found
from .ports import Store

Caller = Mapping[str, Any]
Record = Mapping[str, Any]
Query = Mapping[str, str]


def _admin(caller: Caller, target: Optional[str]) -> bool:
    return "admin" in caller.get("roles", ())


def _admin_or_own_project(caller: Caller, target: Optional[str]) -> bool:
    return _admin(caller, target) or target == caller.get("project_id")


def _admin_or_self(caller: Caller, target: Optional[str]) -> bool:
    return _admin(caller, target) or target == caller["user_id"]


#: Keystone's default policy for each read: admin everywhere, others only themselves
def _admin_service_or_subject(caller: Caller, target: Optional[str]) -> bool:
    """Keystone's token policies: ``rule:admin_required or rule:service_role or rule:token_subject``."""
    return _admin(caller, target) or "service" in caller.get("roles", ()) or target == caller["user_id"]


POLICIES: Mapping[str, Callable[[Caller, Optional[str]], bool]] = {
    "identity:validate_token": _admin_service_or_subject,
    "identity:revoke_token": _admin_service_or_subject,
    "identity:list_projects": _admin,
    "identity:get_project": _admin_or_own_project,
    "identity:get_user": _admin_or_self,
    "identity:list_user_projects": _admin_or_self,
    "identity:list_domains": _admin,
    "identity:get_domain": _admin,
    "identity:list_roles": _admin,
    "identity:list_role_assignments": _admin_or_self,
}

#: role assignment query filters -> position in a (user, project, role) triple
ASSIGNMENT_FILTERS = (("user.id", 0), ("scope.project.id", 1), ("role.id", 2))


def authorize(caller: Caller, action: str, target: Optional[str] = None) -> None:
    """Keystone's 403 ``ForbiddenAction`` unless the policy of ``action`` lets ``caller`` read ``target``."""
    if not POLICIES[action](caller, target):
        raise forbidden(action)


def found(store: Store, kind: str, key: str) -> Record:
    """The ``kind`` record ``key``, or Keystone's 404 ``Could not find <kind>: <key>.``."""
    record = store.get(kind, key)
    if record is None:
        raise not_found(f"Could not find {kind}: {key}.")
    return record


def filtered(records: Sequence[Record], query: Query, names: Mapping[str, str]) -> List[Record]:
    """Records matching every query filter present; ``names`` maps query names to record keys."""
    wanted = {key: query[name] for name, key in names.items() if name in query}
    return [record for record in records if all(str(record.get(k)) == v for k, v in wanted.items())]


def role_assignments(store: Store, query: Query) -> List[Tuple[Record, Record, Record]]:
    """The (user, project, role) assignments matching ``?user.id=``, ``?scope.project.id=``, ``?role.id=``."""
    wanted = [(index, query[name]) for name, index in ASSIGNMENT_FILTERS if name in query]
    return [triple for triple in assignments(store) if all(triple[index]["id"] == value for index, value in wanted)]


def region(store: Store) -> str:
    """The region the catalog names (``RegionOne`` unless configured)."""
    return store.get("config", "region") or "RegionOne"
