"""Domains and projects (Keystone's resource API), sans-IO: create, update, delete with Keystone's rules.

Names are unique per domain for projects and globally for domains; a project's ``parent_id`` is its domain
unless it names a parent project in the same domain; only a disabled domain and only a leaf project can be
deleted. Disabling or deleting one revokes the tokens scoped to it (:mod:`.revocation`).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Tuple

from ..ports import Runtime, Store
from ..strings import bool_from_string
from . import grants, revocation
from .records import Record, bad_request, conflict, forbidden_not_security, found, not_found

#: project fields an update may not change: how the record shows each, and Keystone's 400 message
_IMMUTABLE: Mapping[str, Tuple[Callable[[Record], Any], str]] = {
    "domain_id": (lambda record: record["domain_id"], "Cannot change Domain ID"),
    "is_domain": (lambda record: record.get("is_domain", False), "Update of `is_domain` is not allowed."),
    "parent_id": (lambda record: record.get("parent_id") or record["domain_id"], "Cannot change parent ID"),
}


def flag(value: Any, default: bool = True) -> bool:
    """A Keystone boolean attribute: JSON booleans as they are, strings as oslo reads them, null the default."""
    if isinstance(value, bool):
        return value
    return default if value is None else bool_from_string(str(value), default)


def _common(data: Mapping[str, Any]) -> Record:
    record = {key: value for key, value in data.items() if key not in ("id", "links")}
    if "enabled" in data:
        record["enabled"] = flag(data["enabled"])
    if "description" in data and data["description"] is None:
        record["description"] = ""
    return record


# -- domains -----------------------------------------------------------------------------------------------

def _domain_name_free(store: Store, name: str, own: str) -> None:
    if any(other["name"] == name and other["id"] != own for other in store.list("domain")):
        raise conflict("project", "it is not permitted to have two projects acting as domains with the same "
                                  f"name: {name}")


def create_domain(runtime: Runtime, data: Mapping[str, Any]) -> Record:
    """A new domain (``explicit_domain_id`` picks its id)."""
    record = {"enabled": True, "tags": [], "options": {}, **_common(data)}
    record["id"] = record.pop("explicit_domain_id", None) or runtime.ids.hex_id()
    if runtime.store.get("domain", record["id"]) is not None:
        raise conflict("domain", f"Duplicate entry found with ID {record['id']}")
    _domain_name_free(runtime.store, record["name"], record["id"])
    runtime.store.put("domain", record["id"], record)
    return record


def update_domain(runtime: Runtime, domain_id: str, data: Mapping[str, Any]) -> Record:
    """Rename, describe, enable or disable a domain; disabling revokes the tokens in it."""
    record = {**found(runtime.store, "domain", domain_id), **_common(data), "id": domain_id}
    _domain_name_free(runtime.store, record["name"], domain_id)
    runtime.store.put("domain", domain_id, record)
    if not record.get("enabled", True):
        revocation.revoke_tokens(runtime.store, runtime.clock.now(), revocation.in_domain(domain_id))
    return record


def delete_domain(runtime: Runtime, domain_id: str) -> None:
    """Delete a disabled domain with everything in it (Keystone's 403 while it is enabled)."""
    store = runtime.store
    if found(store, "domain", domain_id).get("enabled", True):
        raise forbidden_not_security("Cannot delete a domain that is enabled, please disable it first.")
    for project in [p for p in store.list("project") if p["domain_id"] == domain_id]:
        _remove_project(runtime, project["id"])
    from .users import delete_group, delete_user  # users import this module for domain lookups
    for user in [u for u in store.list("user") if u.get("domain_id") == domain_id]:
        delete_user(runtime, user["id"])
    for group in [g for g in store.list("group") if g.get("domain_id") == domain_id]:
        delete_group(runtime, group["id"])
    grants.forget(store, target="domain", target_id=domain_id)
    store.delete("domain", domain_id)
    revocation.revoke_tokens(store, runtime.clock.now(), revocation.in_domain(domain_id))


def domain_of(store: Store, data: Mapping[str, Any], caller: Mapping[str, Any]) -> str:
    """The domain a new project, user or group goes to: the body's, else the caller's scope, else default
    (Keystone's ``_normalize_domain_id``); 400 for one that does not exist."""
    domain_id = data.get("domain_id") or caller.get("scope_domain_id") or "default"
    if store.get("domain", domain_id) is None:
        raise bad_request(f"Could not find domain: {domain_id}.")  # keystone wraps DomainNotFound as 400
    return domain_id


# -- projects ----------------------------------------------------------------------------------------------

def _project_name_free(store: Store, record: Mapping[str, Any]) -> None:
    for other in store.list("project"):
        if other["id"] != record["id"] and other["name"] == record["name"] \
                and other["domain_id"] == record["domain_id"]:
            raise conflict("project", "it is not permitted to have two projects with either the same name or "
                                      f"same id in the same domain: name is {record['name']}, "
                                      f"project id {record['id']}")


def _parent(store: Store, parent_id: Optional[str], domain_id: str) -> str:
    if not parent_id or parent_id == domain_id:
        return domain_id
    parent = store.get("project", parent_id)
    if parent is None:
        raise not_found(f"Could not find project: {parent_id}.")
    if parent["domain_id"] != domain_id:
        raise bad_request("Cannot create project, the parent (%s) is in a different domain" % parent_id)
    return parent_id


def create_project(runtime: Runtime, data: Mapping[str, Any], caller: Mapping[str, Any]) -> Record:
    """A new project in the body's domain (or the caller's), under its domain or a parent project."""
    store = runtime.store
    domain_id = domain_of(store, data, caller)
    record = {"enabled": True, "tags": [], "options": {}, **_common(data), "id": runtime.ids.hex_id(),
              "domain_id": domain_id, "is_domain": flag(data.get("is_domain"), False)}
    record["parent_id"] = _parent(store, data.get("parent_id"), domain_id)
    _project_name_free(store, record)
    store.put("project", record["id"], record)
    return record


def update_project(runtime: Runtime, project_id: str, data: Mapping[str, Any]) -> Record:
    """Rename, describe, tag, enable or disable a project; disabling revokes the tokens scoped to it."""
    current = found(runtime.store, "project", project_id)
    for field, (shown, message) in _IMMUTABLE.items():
        if field in data and data[field] != shown(current):
            raise bad_request(message)
    record = {**current, **_common(data), "id": project_id}
    _project_name_free(runtime.store, record)
    runtime.store.put("project", project_id, record)
    if not record.get("enabled", True):
        revocation.revoke_tokens(runtime.store, runtime.clock.now(), revocation.on_project(project_id))
    return record


def delete_project(runtime: Runtime, project_id: str) -> None:
    """Delete a leaf project, its grants and application credentials; revoke the tokens scoped to it."""
    found(runtime.store, "project", project_id)
    if any(p.get("parent_id") == project_id for p in runtime.store.list("project")):
        raise forbidden_not_security(
            f"Cannot delete the project {project_id} since it is not a leaf in the hierarchy. Use the cascade "
            "option if you want to delete a whole subtree.")
    _remove_project(runtime, project_id)


def _remove_project(runtime: Runtime, project_id: str) -> None:
    store = runtime.store
    grants.forget(store, target="project", target_id=project_id)
    for cred in [c for c in store.list("app_cred") if c["project_id"] == project_id]:
        store.delete("app_cred", cred["id"])
    store.delete("project", project_id)
    revocation.revoke_tokens(store, runtime.clock.now(), revocation.on_project(project_id))
