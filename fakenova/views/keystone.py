"""Keystone v3 bodies: token, service catalog and its read API, version document, as pure functions.

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


#: how Keystone's endpoint API shows a URL part it substitutes per token (``/volume/v3/$(project_id)s``)
PROJECT_TEMPLATE = "$(project_id)s"


def catalog(base_url: str, region: str, project_id: Optional[str] = PROJECT_TEMPLATE) -> List[Body]:
    """The service catalog, every service with public, internal and admin endpoints.

    :param base_url: scheme, host and port the client used, without a trailing slash.
    :param region: the region id (``RegionOne``).
    :param project_id: the token's project, for endpoints whose URL names it (Cinder's). None, a token scoped
        to a domain or the system: those endpoints cannot be formatted and Keystone leaves them out. The
        default keeps Keystone's template, as its endpoint API shows it.
    """
    return [{"endpoints": [{"id": _stable_id(kind, interface), "interface": interface, "region": region,
                            "region_id": region, "url": base_url + path.format(project_id=project_id)}
                           for interface in INTERFACES],
             "id": _stable_id(kind), "type": kind, "name": name}
            for kind, name, path in CATALOG if project_id is not None or "{project_id}" not in path]


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
    scope = _scope(record)
    if scope:
        body.update(scope)
        body["roles"] = [{"id": role_id, "name": name}
                         for role_id, name in zip(record["role_ids"], record["roles"])]
        if include_catalog:
            body["catalog"] = catalog(base_url, region, record.get("project_id"))
    if record.get("application_credential_id"):
        body["application_credential"] = {"id": record["application_credential_id"],
                                          "name": record["application_credential_name"],
                                          "restricted": bool(record.get("app_cred_restricted"))}
    return {"token": body}


def _scope(record: Mapping[str, Any]) -> Body:
    """The scope part of a token body: project (with ``is_domain``), domain or system; {} when unscoped."""
    if record.get("project_id"):
        return {"project": {"domain": {"id": record["project_domain_id"], "name": record["project_domain_name"]},
                            "id": record["project_id"], "name": record["project_name"]},
                "is_domain": False}
    if record.get("scope_domain_id"):
        return {"domain": {"id": record["scope_domain_id"], "name": record["scope_domain_name"]}}
    if record.get("system"):
        return {"system": {"all": True}}
    return {}


def version_v3(identity_url: str) -> Body:
    """Keystone's v3 version document; ``self`` points at ``<identity>/v3/`` whichever path was asked."""
    return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{identity_url}/v3/"}],
            "media-types": [{"base": "application/json", "type": V3_MEDIA_TYPE}]}


def collection(key: str, items: Iterable[Body], self_url: str) -> Body:
    """A keystone list body: the items and ``links`` (fakenova never pages these)."""
    return {key: list(items), "links": {"self": self_url, "previous": None, "next": None}}


def services(v3_url: str) -> List[Body]:
    """``GET /v3/services``: the catalog's services."""
    return [{"id": _stable_id(kind), "type": kind, "name": name, "enabled": True, "description": "",
             "links": {"self": f"{v3_url}/services/{_stable_id(kind)}"}} for kind, name, _ in CATALOG]


def endpoints(base_url: str, region: str, v3_url: str) -> List[Body]:
    """``GET /v3/endpoints``: every endpoint of the catalog, as the tokens carry them."""
    return [{**endpoint, "service_id": service["id"], "enabled": True,
             "links": {"self": f"{v3_url}/endpoints/{endpoint['id']}"}}
            for service in catalog(base_url, region) for endpoint in service["endpoints"]]


def region_body(region: str, v3_url: str) -> Body:
    """``GET /v3/regions/<id>``: the one region."""
    return {"id": region, "description": "", "parent_region_id": None,
            "links": {"self": f"{v3_url}/regions/{region}"}}
