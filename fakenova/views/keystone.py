"""Keystone v3 bodies: token, service catalog, version document and the read-only resources, as pure functions.

Every URL is built from the identity or base URL the client used (passed in by the HTTP layer), so the
catalog follows port mappings. Shapes follow ``keystone/common/render_token.py``, the catalog of
``get_v3_catalog`` and the resources' ``links``.
"""
from __future__ import annotations

import time
import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional

Body = Dict[str, Any]

#: the catalog a devstack gives: (type, name, path on this one port)
CATALOG = (
    ("identity", "keystone", "/identity"),
    ("compute", "nova", "/compute/v2.1"),
    ("image", "glance", "/image"),
    ("network", "neutron", "/network"),
    # Cinder v3 as devstack registers it; ``volumev3`` is the type older clients look up
    ("block-storage", "cinderv3", "/volume/v3/{project_id}"),
    ("volumev3", "cinderv3", "/volume/v3/{project_id}"),
)
INTERFACES = ("public", "internal", "admin")

V3_MEDIA_TYPE = "application/vnd.openstack.identity-v3+json"

# Catalog ids are derived, not drawn from the id factory, so every token of an app shows the same ids.
_NAMESPACE = uuid.UUID("6f9d0c64-2d7b-4c1e-9a52-6b1f0c8e7a3d")


def _stable_id(*parts: str) -> str:
    return uuid.uuid5(_NAMESPACE, "/".join(parts)).hex


def token_time(when: float) -> str:
    """Keystone's token timestamps: UTC, microsecond field present but zero (``…T01:00:00.000000Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(when))) + ".000000Z"


def catalog(base_url: str, region: str, project_id: str = "") -> List[Body]:
    """The service catalog, every service with public, internal and admin endpoints.

    :param base_url: scheme, host and port the client used, without a trailing slash.
    :param region: the region id (``RegionOne``).
    :param project_id: the token's project, for endpoints whose URL names it (Cinder's).
    """
    return [{"endpoints": [{"id": _stable_id(kind, interface), "interface": interface, "region": region,
                            "region_id": region, "url": base_url + path.format(project_id=project_id)}
                           for interface in INTERFACES],
             "id": _stable_id(kind), "type": kind, "name": name}
            for kind, name, path in CATALOG]


def token(record: Mapping[str, Any], base_url: str, region: str, include_catalog: bool = True) -> Body:
    """``{"token": {...}}`` for a stored token record; unscoped tokens carry no project, roles or catalog."""
    body: Body = {
        "methods": list(record["methods"]),
        "user": {"domain": {"id": record["user_domain_id"], "name": record["user_domain_name"]},
                 "id": record["user_id"], "name": record["user_name"], "password_expires_at": None},
        "audit_ids": list(record["audit_ids"]),
        "expires_at": token_time(record["expires_at"]),
        "issued_at": token_time(record["issued_at"]),
    }
    if record.get("project_id"):
        body["project"] = {"domain": {"id": record["project_domain_id"], "name": record["project_domain_name"]},
                           "id": record["project_id"], "name": record["project_name"]}
        body["is_domain"] = False
        body["roles"] = [{"id": role_id, "name": name}
                         for role_id, name in zip(record["role_ids"], record["roles"])]
        if include_catalog:
            body["catalog"] = catalog(base_url, region, record["project_id"])
    return {"token": body}


def version_v3(identity_url: str) -> Body:
    """Keystone's v3 version document; ``self`` points at ``<identity>/v3/`` whichever path was asked."""
    return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{identity_url}/v3/"}],
            "media-types": [{"base": "application/json", "type": V3_MEDIA_TYPE}]}


def collection(key: str, items: Iterable[Body], self_url: str) -> Body:
    """A keystone list body: the items and ``links`` (fakenova never pages these)."""
    return {key: list(items), "links": {"self": self_url, "previous": None, "next": None}}


def project(record: Mapping[str, Any], v3_url: str) -> Body:
    """A project as ``GET /v3/projects/<id>`` shows it (top-level projects are parented by their domain)."""
    return {"id": record["id"], "name": record["name"], "domain_id": record["domain_id"],
            "description": record.get("description", ""), "enabled": record.get("enabled", True),
            "parent_id": record["domain_id"], "is_domain": False, "tags": list(record.get("tags", [])),
            "options": {}, "links": {"self": f"{v3_url}/projects/{record['id']}"}}


def user(record: Mapping[str, Any], v3_url: str, default_project_id: Optional[str] = None) -> Body:
    """A user as ``GET /v3/users/<id>`` shows it; never the password."""
    body: Body = {"id": record["id"], "name": record["name"], "domain_id": record["domain_id"],
                  "enabled": record.get("enabled", True), "password_expires_at": None, "options": {},
                  "links": {"self": f"{v3_url}/users/{record['id']}"}}
    if default_project_id:
        body["default_project_id"] = default_project_id
    return body


def domain(record: Mapping[str, Any], v3_url: str) -> Body:
    """A domain as ``GET /v3/domains/<id>`` shows it."""
    return {"id": record["id"], "name": record["name"], "description": record.get("description", ""),
            "enabled": record.get("enabled", True), "tags": [], "options": {},
            "links": {"self": f"{v3_url}/domains/{record['id']}"}}


def role(record: Mapping[str, Any], v3_url: str) -> Body:
    """A global role as ``GET /v3/roles/<id>`` shows it."""
    return {"id": record["id"], "name": record["name"], "domain_id": None,
            "description": record.get("description") or None, "options": {},
            "links": {"self": f"{v3_url}/roles/{record['id']}"}}


def role_assignment(user_ref: Mapping[str, Any], project_ref: Mapping[str, Any], role_ref: Mapping[str, Any],
                    v3_url: str, include_names: bool = False) -> Body:
    """One direct user-on-project assignment; ``include_names`` adds names as ``?include_names`` does."""
    def ref(record: Mapping[str, Any]) -> Body:
        return {"id": record["id"], "name": record["name"]} if include_names else {"id": record["id"]}

    link = f"{v3_url}/projects/{project_ref['id']}/users/{user_ref['id']}/roles/{role_ref['id']}"
    return {"role": ref(role_ref), "user": ref(user_ref), "scope": {"project": ref(project_ref)},
            "links": {"assignment": link}}
