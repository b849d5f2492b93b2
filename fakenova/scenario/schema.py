"""The JSON Schema of a scenario file: shapes and closed key sets (names are resolved later by the loader).

Structure is checked here; whether an action, a state, an outcome or a pace exists is checked by
``loader.py`` against the lifecycle table and the Enums, so the schema does not copy those vocabularies.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_NAME = {"type": "string", "minLength": 1, "maxLength": 255}
_VERSION = {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"}
_STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
_SECONDS = {"type": "number", "minimum": 0, "maximum": 3600}
_STATUS = {"type": "integer", "minimum": 100, "maximum": 599}
_MATCH = {"oneOf": [
    {"type": ["string", "number", "boolean", "null"]},
    {"type": "object", "additionalProperties": False, "required": ["regex"],
     "properties": {"regex": {"type": "string"}}},
    {"type": "object", "additionalProperties": False, "required": ["absent"],
     "properties": {"absent": {"const": True}}},
]}

_FAULT = {
    "type": "object", "additionalProperties": False,
    "properties": {"code": {"type": "integer", "minimum": 100, "maximum": 599}, "message": {"type": "string"},
                   "details": {"type": "string"}},
}

_WHEN = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "method": {"type": "string", "pattern": "^[A-Za-z]+$"},
        "path": {"type": "string", "pattern": "^/"},
        "service": {"type": "string"},
        "action": _STRINGS,
        "server_name": {"type": "string"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "versions": {"type": "object", "additionalProperties": False,
                     "properties": {"min": _VERSION, "max": _VERSION}},
        "project": _STRINGS,
        "user": _STRINGS,
        "state": _NAME,
        "query": {"type": "object", "additionalProperties": _MATCH},
        "headers": {"type": "object", "additionalProperties": _MATCH},
        "body": {"type": "object"},
        "after": {"type": "integer", "minimum": 0},
        "every": {"type": "integer", "minimum": 1},
        "probability": {"type": "number", "minimum": 0, "maximum": 1},
    },
}

_RESPOND = {
    "type": "object", "additionalProperties": False, "required": ["status"],
    "properties": {"status": _STATUS, "fault": {"type": "string", "pattern": "^[A-Za-z]+$"},
                   "message": {"type": "string"},
                   "headers": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
                   "delay": _SECONDS, "body": {}, "body_text": {"type": "string"},
                   "content_type": {"type": "string", "pattern": "^[^/]+/[^/]+$"}},
    # a Nova-shaped fault is an error status; a status below 400 needs the rule's own body
    "if": {"not": {"anyOf": [{"required": ["body"]}, {"required": ["body_text"]}]}},
    "then": {"properties": {"status": {"minimum": 400}}},
}

_SET_STATE = {
    "type": "object", "additionalProperties": False, "minProperties": 1,
    "properties": {"vm_state": {"type": "string"}, "task_state": {"type": ["string", "null"]},
                   "power_state": {"type": ["string", "integer"]}, "fault": _FAULT},
}

_TRANSPORT = {
    "type": "object", "additionalProperties": False, "required": ["fault"],
    "properties": {"fault": {"type": "string"}, "delay": _SECONDS,
                   "chunks": {"type": "integer", "minimum": 2, "maximum": 1000}},
}

_THEN = {
    "type": "object", "additionalProperties": False, "minProperties": 1,
    "properties": {
        "respond": _RESPOND,
        "outcome": {"type": "string"},
        "fault": _FAULT,
        "pace": {"type": "string"},
        "set_state": _SET_STATE,
        "transport": _TRANSPORT,
        "list_lag": {"type": "object", "additionalProperties": False, "required": ["reads"],
                     "properties": {"reads": {"type": "integer", "minimum": 1, "maximum": 1000}}},
        "delay": _SECONDS,
    },
}

_TIMES = {"oneOf": [{"type": "integer", "minimum": 1}, {"enum": ["once", "always"]}]}

_RULE = {
    "type": "object", "additionalProperties": False, "required": ["name", "then"],
    "properties": {"name": _NAME, "when": _WHEN, "then": _THEN, "times": _TIMES, "sets_state": _NAME},
}

_SEED_SERVER = {
    "type": "object", "additionalProperties": False, "required": ["name"],
    "properties": {
        "name": _NAME, "project": _NAME, "user": _NAME, "flavor": _NAME, "image": _NAME, "network": _NAME,
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "vm_state": {"type": "string"}, "task_state": {"type": ["string", "null"]},
        "power_state": {"type": ["string", "integer"]}, "locked": {"type": "boolean"}, "fault": _FAULT,
    },
}

_LIST_OF_OBJECTS = {"type": "array", "items": {"type": "object"}}

_SEED = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "flavors": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "ram", "vcpus", "disk"],
            "properties": {"id": {"type": ["string", "integer"]}, "name": _NAME,
                           "ram": {"type": "integer", "minimum": 0}, "vcpus": {"type": "integer", "minimum": 0},
                           "disk": {"type": "integer", "minimum": 0}}}},
        "images": {"type": "array", "items": {"type": "object", "required": ["id", "name"]}},
        "networks": {"type": "array", "items": {"type": "object", "required": ["id", "name"]}},
        "keypairs": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "public_key"],
            "properties": {"name": _NAME, "user": _NAME, "public_key": {"type": "string"},
                           "type": {"enum": ["ssh", "x509"]}}}},
        "projects": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {"name": _NAME, "id": _NAME, "description": {"type": "string"}}}},
        "users": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "project"],
            "properties": {"name": _NAME, "id": _NAME, "password": {"type": "string"}, "project": _NAME,
                           "roles": {"type": "array", "items": _NAME}}}},
        "quotas": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": {"type": "integer", "minimum": -1}}},
        "servers": {"type": "array", "items": _SEED_SERVER},
    },
}

SCENARIO_SCHEMA: Dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "fakenova scenario",
    "type": "object", "additionalProperties": False, "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$", "maxLength": 100},
        "description": {"type": "string"},
        "api": {"type": "object", "additionalProperties": False,
                "properties": {"min_version": _VERSION, "max_version": _VERSION}},
        "config": {"type": "object", "additionalProperties": False,
                   "properties": {"reclaim_instance_interval": {"type": "number", "minimum": 0},
                                  "enable_instance_password": {"type": "boolean"}}},
        "pace": {"type": "object", "additionalProperties": {"type": "string"}},
        "seed": _SEED,
        "random_seed": {"type": "integer"},
        # oslo.policy's file format: rule name -> check string (fakenova/policy_file.py)
        "policy": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 4096}},
        "rules": {"type": "array", "items": _RULE},
    },
}

# The metaschema check of SCENARIO_SCHEMA is a test (tests/scenario/test_schema_is_valid.py): it costs ~50 ms,
# which every start of the server would pay.


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    """The scenario schema's validator, built by the first scenario loaded (jsonschema is not a start-up cost)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCENARIO_SCHEMA)
