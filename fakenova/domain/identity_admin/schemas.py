"""Keystone's request body schemas for the admin API (keystone/*/schema.py and keystone/api/validation's
parameter types), as data: the member object of each create and update body.

Keystone lets unknown attributes through on most resources (``additionalProperties: True``: they are stored
and shown back as "extra" attributes) and is strict on password changes and application credentials.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping

Schema = Dict[str, Any]

NAME: Schema = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"}
#: a project's or a domain's name is shorter (keystone/resource/schema.py ``_name_properties``)
RESOURCE_NAME: Schema = {**NAME, "maxLength": 64}
ID_STRING: Schema = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[a-zA-Z0-9-]+$"}
DESCRIPTION: Schema = {"type": ["string", "null"], "maxLength": 255}
BOOLEAN: Schema = {"type": ["boolean", "string", "null"],
                   "enum": [True, "True", "TRUE", "true", False, "False", "FALSE", "false", "", "1", "0", "y",
                            "Y", "n", "N", "on", "ON", "off", "OFF", "yes", "no"]}
TAGS: Schema = {"type": "array", "maxItems": 80, "uniqueItems": True,
                "items": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[^,/]*$"}}
OPTIONS: Schema = {"type": "object"}


def _member(properties: Mapping[str, Any], required: tuple = (), extra: bool = True, **more: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": dict(properties), "additionalProperties": extra, **more}
    if required:
        schema["required"] = list(required)
    return schema


_DOMAIN = {"name": RESOURCE_NAME, "description": DESCRIPTION, "enabled": BOOLEAN, "tags": TAGS, "options": OPTIONS,
           "explicit_domain_id": ID_STRING}
_PROJECT = {"name": RESOURCE_NAME, "description": DESCRIPTION, "enabled": BOOLEAN, "tags": TAGS, "options": OPTIONS}
_USER = {"name": NAME, "description": DESCRIPTION, "enabled": BOOLEAN, "options": OPTIONS,
         "default_project_id": {"type": ["string", "null"]}, "password": {"type": ["string", "null"]},
         "domain_id": ID_STRING}
_GROUP = {"name": NAME, "description": DESCRIPTION, "domain_id": ID_STRING}
_ROLE = {"name": NAME, "description": DESCRIPTION, "options": OPTIONS,
         "domain_id": {"type": ["string", "null"], **{k: v for k, v in ID_STRING.items() if k != "type"}}}

#: the member object of each request body, by (resource, operation)
SCHEMAS: Mapping[str, Schema] = {
    "domain.create": _member(_DOMAIN, ("name",)),
    "domain.update": _member(_DOMAIN, minProperties=1),
    "project.create": _member({**_PROJECT, "domain_id": {"type": ["string", "null"]},
                               "parent_id": {"type": ["string", "null"]}, "is_domain": BOOLEAN}, ("name",)),
    "project.update": _member(_PROJECT, minProperties=1),
    "user.create": _member(_USER, ("name",)),
    "user.update": _member(_USER, minProperties=1),
    "user.password": _member({"original_password": {"type": "string"}, "password": {"type": "string"}},
                             ("original_password", "password"), extra=False),
    "group.create": _member(_GROUP, ("name",)),
    "group.update": _member(_GROUP, minProperties=1),
    "role.create": _member(_ROLE, ("name",)),
    "role.update": _member(_ROLE, minProperties=1),
    "application_credential.create": _member({
        "id": {"type": "string"}, "secret": {"type": ["string", "null"]}, "name": NAME,
        "description": DESCRIPTION, "expires_at": {"type": ["string", "null"]},
        "project_id": {"type": "string"}, "unrestricted": {"type": ["boolean", "null"]},
        "system": {"type": ["string", "null"]}, "access_rules": {"type": "array", "items": {"type": "object"}},
        "roles": {"type": "array", "items": {
            "type": "object", "properties": {"id": ID_STRING, "name": NAME},
            "minProperties": 1, "maxProperties": 1, "additionalProperties": False}},
    }, ("name",), extra=False),
}
