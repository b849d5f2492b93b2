"""Role grants (user or group, on a project, a domain or the system), effective roles and role assignments.

A user's roles on a project stay where the rest of fakenova reads them, kind ``assignment`` keyed
``<user id>:<project id>`` holding role names; every other grant is kind ``grant`` keyed
``<actor>:<actor id>:<target>:<target id>``. Group membership is kind ``membership`` keyed
``<group id>:<user id>``. Listing follows ``GET /v3/role_assignments``: filters, ``effective`` (group grants
become their members' and implied roles are added) and ``include_names`` (rendered by the views).
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, NamedTuple, Optional, Tuple

from ...store.base import REMOVE
from ..ports import Store
from ..strings import bool_from_string
from .inference import expand, implied_by
from .records import Query

ACTORS = ("user", "group")
TARGETS = ("project", "domain", "system")
SYSTEM = "all"  # the one system target id


class Assignment(NamedTuple):
    """One row of ``/v3/role_assignments``; ``via_group`` and ``prior_role_id`` only in effective listings."""
    actor: str
    actor_id: str
    target: str
    target_id: str
    role_id: str
    via_group: Optional[str] = None
    prior_role_id: Optional[str] = None


def _slot(actor: str, actor_id: str, target: str, target_id: str) -> Tuple[str, str]:
    if (actor, target) == ("user", "project"):
        return "assignment", f"{actor_id}:{target_id}"
    return "grant", f"{actor}:{actor_id}:{target}:{target_id}"


def direct_roles(store: Store, actor: str, actor_id: str, target: str, target_id: str) -> List[str]:
    """Names of the roles granted directly to the actor on the target."""
    kind, key = _slot(actor, actor_id, target, target_id)
    return _names(kind, store.get(kind, key))


def _names(kind: str, value: Any) -> List[str]:
    if value is None:
        return []
    return list(value if kind == "assignment" else value["roles"])


def grant(store: Store, actor: str, actor_id: str, target: str, target_id: str, role: str) -> None:
    """Add a role to the grant (idempotent, as Keystone's PUT)."""
    kind, key = _slot(actor, actor_id, target, target_id)

    def add(value: Any) -> Any:
        names = _names(kind, value)
        names = names if role in names else [*names, role]
        if kind == "assignment":
            return names
        return {"actor": actor, "actor_id": actor_id, "target": target, "target_id": target_id, "roles": names}

    store.compute(kind, key, add)


def revoke(store: Store, actor: str, actor_id: str, target: str, target_id: str, role: str) -> bool:
    """Remove a role from the grant; False when it was not granted."""
    kind, key = _slot(actor, actor_id, target, target_id)
    removed = [False]

    def drop(value: Any) -> Any:
        if value is None:
            return REMOVE
        names = _names(kind, value)
        removed[0] = role in names
        names = [name for name in names if name != role]
        if not names:
            return REMOVE
        return names if kind == "assignment" else {**value, "roles": names}

    store.compute(kind, key, drop)
    return removed[0]


def groups_of(store: Store, user_id: str) -> List[str]:
    """Ids of the groups the user belongs to."""
    return [member["group_id"] for member in store.list("membership") if member["user_id"] == user_id]


def effective_roles(store: Store, user_id: str, target: str, target_id: str) -> List[str]:
    """The user's roles on a target: direct, through groups, then every implied role."""
    names = direct_roles(store, "user", user_id, target, target_id)
    for group_id in groups_of(store, user_id):
        names += direct_roles(store, "group", group_id, target, target_id)
    return expand(store, names)


def _rows(store: Store) -> Iterator[Tuple[str, str, str, str, List[str]]]:
    projects = [project["id"] for project in store.list("project")]
    for user in store.list("user"):
        for project_id in projects:
            names = store.get("assignment", f"{user['id']}:{project_id}")
            if names:
                yield "user", user["id"], "project", project_id, list(names)
    for record in store.list("grant"):
        yield record["actor"], record["actor_id"], record["target"], record["target_id"], list(record["roles"])


def direct(store: Store) -> List[Assignment]:
    """Every direct assignment (roles unknown to the store skipped)."""
    ids = {role["name"]: role["id"] for role in store.list("role")}
    return [Assignment(actor, actor_id, target, target_id, ids[name])
            for actor, actor_id, target, target_id, names in _rows(store) for name in names if name in ids]


def _effective(store: Store, rows: List[Assignment]) -> List[Assignment]:
    members: Dict[str, List[str]] = {}
    for member in store.list("membership"):
        members.setdefault(member["group_id"], []).append(member["user_id"])
    users = [row for row in rows if row.actor == "user"]
    users += [row._replace(actor="user", actor_id=user_id, via_group=row.actor_id)
              for row in rows if row.actor == "group" for user_id in members.get(row.actor_id, ())]
    table = implied_by(store)
    result: List[Assignment] = []
    for row in users:
        result.append(row)
        seen, queue = {row.role_id}, list(table.get(row.role_id, ()))
        while queue:
            implied = queue.pop(0)
            if implied not in seen:
                seen.add(implied)
                result.append(row._replace(role_id=implied, prior_role_id=row.role_id))
                queue += table.get(implied, ())
    return result


#: query filter -> how an assignment row answers it
_FILTERS: Mapping[str, Any] = {
    "user.id": lambda row: row.actor_id if row.actor == "user" else None,
    "group.id": lambda row: row.actor_id if row.actor == "group" else row.via_group,
    "scope.project.id": lambda row: row.target_id if row.target == "project" else None,
    "scope.domain.id": lambda row: row.target_id if row.target == "domain" else None,
    "scope.system": lambda row: row.target_id if row.target == "system" else None,
    "role.id": lambda row: row.role_id,
}


def listing(store: Store, query: Query) -> List[Assignment]:
    """``GET /v3/role_assignments`` rows for the query's filters and ``effective`` flag."""
    rows = direct(store)
    if "effective" in query and bool_from_string(query["effective"] or "true", True):  # ?effective alone is true
        rows = _effective(store, rows)
    wanted = [(_FILTERS[name], value) for name, value in query.items() if name in _FILTERS]
    return [row for row in rows if all(pick(row) == value for pick, value in wanted)]


def forget(store: Store, actor: Optional[str] = None, actor_id: Optional[str] = None,
           target: Optional[str] = None, target_id: Optional[str] = None) -> None:
    """Delete every grant of an actor or on a target (the resource is being deleted)."""
    for row_actor, row_actor_id, row_target, row_target_id, _ in list(_rows(store)):
        if (actor, actor_id) == (row_actor, row_actor_id) or (target, target_id) == (row_target, row_target_id):
            store.delete(*_slot(row_actor, row_actor_id, row_target, row_target_id))


def drop_role(store: Store, role: str) -> None:
    """Remove a role (by name) from every grant (the role is being deleted)."""
    for actor, actor_id, target, target_id, names in list(_rows(store)):
        if role in names:
            revoke(store, actor, actor_id, target, target_id, role)

