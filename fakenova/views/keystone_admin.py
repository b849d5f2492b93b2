"""Keystone v3 admin resources as Keystone shows them: domains, projects, users, groups, roles, inference
rules, role assignments and application credentials, as pure functions of stored records.

Attributes Keystone does not know are "extra" attributes: stored and shown back at the top level, as Keystone
does; internal fields (passwords, secrets, the seed's ``default_project`` name) never are.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from .keystone import token_time

Body = Dict[str, Any]
Record = Mapping[str, Any]
#: fields kept in records that no body shows
_HIDDEN = frozenset({"password", "default_project", "secret", "links"})


def _extras(record: Record, known: Body) -> Body:
    return {**{k: v for k, v in record.items() if k not in _HIDDEN and k not in known}, **known}


def domain(record: Record, v3_url: str) -> Body:
    return _extras(record, {
        "id": record["id"], "name": record["name"], "description": record.get("description") or "",
        "enabled": record.get("enabled", True), "tags": list(record.get("tags", [])),
        "options": dict(record.get("options", {})), "links": {"self": f"{v3_url}/domains/{record['id']}"}})


def project(record: Record, v3_url: str) -> Body:
    """Top-level projects are parented by their domain, as Keystone shows them."""
    return _extras(record, {
        "id": record["id"], "name": record["name"], "domain_id": record["domain_id"],
        "description": record.get("description") or "", "enabled": record.get("enabled", True),
        "parent_id": record.get("parent_id") or record["domain_id"], "is_domain": bool(record.get("is_domain")),
        "tags": list(record.get("tags", [])), "options": dict(record.get("options", {})),
        "links": {"self": f"{v3_url}/projects/{record['id']}"}})


def user(record: Record, v3_url: str, default_project_id: Optional[str] = None) -> Body:
    body = _extras(record, {
        "id": record["id"], "name": record["name"], "domain_id": record.get("domain_id", "default"),
        "enabled": record.get("enabled", True), "password_expires_at": None,
        "options": dict(record.get("options", {})), "links": {"self": f"{v3_url}/users/{record['id']}"}})
    body.pop("default_project_id", None)
    if not body.get("description"):
        body.pop("description", None)
    if default_project_id:
        body["default_project_id"] = default_project_id
    return body


def group(record: Record, v3_url: str) -> Body:
    return _extras(record, {"id": record["id"], "name": record["name"], "domain_id": record["domain_id"],
                            "description": record.get("description") or "",
                            "links": {"self": f"{v3_url}/groups/{record['id']}"}})


def role(record: Record, v3_url: str) -> Body:
    return _extras(record, {"id": record["id"], "name": record["name"], "domain_id": record.get("domain_id"),
                            "description": record.get("description") or None,
                            "options": dict(record.get("options", {})),
                            "links": {"self": f"{v3_url}/roles/{record['id']}"}})


def _role_ref(record: Record, v3_url: str) -> Body:
    return {"id": record["id"], "name": record["name"], "links": {"self": f"{v3_url}/roles/{record['id']}"}}


def inference(prior: Record, implied: Record, v3_url: str) -> Body:
    """``PUT``/``GET /v3/roles/{prior}/implies/{implied}``."""
    return {"role_inference": {"prior_role": _role_ref(prior, v3_url), "implies": _role_ref(implied, v3_url)},
            "links": {"self": f"{v3_url}/roles/{prior['id']}/implies/{implied['id']}"}}


def inferences(prior: Record, implied: Any, v3_url: str) -> Body:
    """The ``role_inference`` of one prior role: what it implies directly."""
    return {"prior_role": _role_ref(prior, v3_url), "implies": [_role_ref(r, v3_url) for r in implied]}


def app_cred(record: Record, v3_url: str, with_secret: bool = False) -> Body:
    body = {"id": record["id"], "name": record["name"], "description": record.get("description"),
            "user_id": record["user_id"], "project_id": record["project_id"], "system": record.get("system"),
            "roles": [dict(r) for r in record["roles"]], "unrestricted": bool(record.get("unrestricted")),
            "access_rules": list(record.get("access_rules", [])),
            "expires_at": token_time(record["expires_at"]) if record.get("expires_at") is not None else None,
            "links": {"self": f"{v3_url}/application_credentials/{record['id']}"}}
    if with_secret:
        body["secret"] = record["secret"]
    return body


def _named(record: Optional[Record], key: str, names: bool, domains: Mapping[str, Record]) -> Body:
    """``{"id"}``, or with ``include_names`` the name and, for domain-owned things, the domain."""
    if record is None or not names:
        return {"id": key}
    body: Body = {"id": record["id"], "name": record["name"]}
    if record.get("domain_id") and record["domain_id"] in domains:
        owner = domains[record["domain_id"]]
        body["domain"] = {"id": owner["id"], "name": owner["name"]}
    return body


def assignment(row: Any, lookup: Mapping[str, Mapping[str, Record]], v3_url: str, names: bool) -> Body:
    """One ``/v3/role_assignments`` entry; ``lookup`` maps kind -> id -> record for ``include_names``."""
    domains = lookup["domain"]
    actor = _named(lookup[row.actor].get(row.actor_id), row.actor_id, names, domains)
    role_ref = _named(lookup["role"].get(row.role_id), row.role_id, names, {})
    if row.target == "system":
        scope: Body = {"system": {"all": True}}
        base = f"{v3_url}/system"
    else:
        scope = {row.target: _named(lookup[row.target].get(row.target_id), row.target_id, names,
                                    domains if row.target == "project" else {})}
        base = f"{v3_url}/{row.target}s/{row.target_id}"
    grant_actor = "groups/" + row.via_group if row.via_group else f"{row.actor}s/{row.actor_id}"
    links = {"assignment": f"{base}/{grant_actor}/roles/{row.prior_role_id or row.role_id}"}
    if row.via_group:
        links["membership"] = f"{v3_url}/groups/{row.via_group}/users/{row.actor_id}"
    if row.prior_role_id:
        links["prior_role"] = f"{v3_url}/roles/{row.prior_role_id}"
    return {"role": role_ref, row.actor: actor, "scope": scope, "links": links}
