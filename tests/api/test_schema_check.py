"""The compiled schema checks give jsonschema's verdict, for every schema of every table, on a mutation corpus.

``fakenova.api.schema_check`` lets a valid request skip jsonschema, so a check that accepted something
jsonschema refuses would let a bad request through. Each schema gets an example body built from the schema
itself, then every member of it is replaced by each value of :data:`ODD_VALUES`, deleted, or given an unknown
key; the check and jsonschema must agree on every one.
"""
from __future__ import annotations

import gc
import json
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from support.apps import shared_app

from fakenova.api import schema_check
from fakenova.api.validation import _CHECK_COMPILER, validator_for
from fakenova.microversions import Versioned

UUID = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
ODD_VALUES: List[Any] = [
    None, True, False, 0, 1, -1, 1.0, 1.5, 65536, "", " ", "a", "1", "-1", "10", "1.5", "true", "no", " x",
    "x ", "x\n", "a:b", "\u2028", "a" * 300, UUID, UUID.upper(), "not-a-uuid", "10.0.0.1", "::1", "fe80::1%eth0",
    "10.0.0.0/24", "aGVsbG8=", "aGVsbG8", "^a[", "2026-01-01T00:00:00Z", "yesterday", "http://x/y",
    [], [1], ["a"], ["a", "a"], ["a", "b"], [{"a": 1}], {}, {"a": 1}, {"name": "x"},
]
FORMAT_EXAMPLES = {"uuid": UUID, "base64": "aGVsbG8=", "ipv4": "10.0.0.1", "ipv6": "::1", "regex": "^a",
                   "date-time": "2026-01-01T00:00:00Z", "cidr": "10.0.0.0/24", "uri": "http://x/y",
                   "mac-address": "fa:16:3e:00:00:01"}


def all_schemas() -> List[Tuple[str, Dict[str, Any]]]:
    """Every request schema of every versioned table (the app is built so every table module is loaded)."""
    shared_app()
    found: Dict[str, Tuple[str, Dict[str, Any]]] = {}
    for table in (o for o in gc.get_objects() if isinstance(o, Versioned)):
        for versions, schema in table.ranges():
            key = json.dumps(schema, sort_keys=True, default=str)  # equal schemas once
            if isinstance(schema, dict) and key not in found:
                found[key] = (f"{getattr(table, 'name', 'table')}@{versions.since}", schema)
    return sorted(found.values(), key=lambda item: item[0])


def example(schema: Any, depth: int = 0) -> Any:
    """A value shaped like ``schema`` wants (valid in most cases; the corpus needs both verdicts anyway)."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return example(schema[key][0], depth + 1)
    kind = schema.get("type", "object")
    kind = next((name for name in kind if name != "null"), "null") if isinstance(kind, list) else kind
    if kind == "object":
        return {name: example(sub, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), depth + 1)] * max(1, schema.get("minItems", 1))
    if kind == "string":
        return FORMAT_EXAMPLES.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1)) if isinstance(schema.get("minimum", 1), int) else 1
    return {"boolean": True, "null": None}.get(kind)


def paths(value: Any, prefix: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    """Every position in ``value``: the root, each member of an object and the first item of an array."""
    yield prefix
    if isinstance(value, dict):
        for key, member in value.items():
            yield from paths(member, (*prefix, key))
    elif isinstance(value, list) and value:
        yield from paths(value[0], (*prefix, 0))


def changed(value: Any, path: Tuple[Any, ...], new: Any) -> Any:
    """``value`` with the member at ``path`` replaced by ``new`` (or deleted when ``new`` is DELETE)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if not rest and new is DELETE:
            del copy[head]
        else:
            copy[head] = changed(value[head], rest, new)
        return copy
    return [changed(value[0], rest, new), *value[1:]]


DELETE = object()


def mutations(value: Any) -> Iterator[Any]:
    """``value`` itself, then at every position: each odd value, the member deleted, an unknown key added."""
    yield value
    for path in paths(value):
        for odd in ODD_VALUES:
            yield changed(value, path, odd)
        if path:
            yield changed(value, path, DELETE)
        target = value
        for step in path:
            target = target[step]
        if isinstance(target, dict):
            yield changed(value, path, {**target, "bogus_key": 1})
        if isinstance(target, list):
            yield changed(value, path, target + target)


SCHEMAS = all_schemas()


def test_every_table_schema_compiles() -> None:
    assert SCHEMAS, "no schema tables found"
    assert [name for name, schema in SCHEMAS if schema_check.compile_check(schema, _CHECK_COMPILER) is None] == []


@pytest.mark.parametrize("name, schema", SCHEMAS, ids=[name for name, _ in SCHEMAS])
def test_check_agrees_with_jsonschema(name: str, schema: Dict[str, Any]) -> None:
    check = schema_check.compile_check(schema, _CHECK_COMPILER)
    validator = validator_for(schema)
    disagreements, verdicts = [], set()
    for instance in mutations(example(schema)):
        expected = validator.is_valid(instance)
        verdicts.add(expected)
        if check(instance) != expected:
            disagreements.append((instance, expected))
    assert disagreements[:5] == []
    assert False in verdicts or not schema  # the corpus reaches refusals (an empty schema refuses nothing)


@pytest.mark.parametrize("schema, instance, valid", [
    ({"type": "integer"}, 1.0, True),  # Draft 2020-12: an integral float is an integer
    ({"type": "integer"}, True, False),
    ({"enum": [1]}, True, False),
    ({"enum": [True]}, 1, False),
    ({"enum": [1]}, 1.0, True),
    ({"type": "array", "uniqueItems": True}, ["a", "a"], False),
    ({"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False},
     {"x-a": "1"}, True),
    ({"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False},
     {"x-a": 1}, False),
    ({"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False},
     {"y": "1"}, False),
    ({"minimum": 1}, "0", False),  # Nova reads digit strings as numbers
    ({"minimum": 1}, "abc", True),
    ({"oneOf": [{"type": "string"}, {"minLength": 1}]}, "a", False),
])
def test_check_semantics(schema: Dict[str, Any], instance: Any, valid: bool) -> None:
    check = schema_check.compile_check(schema, _CHECK_COMPILER)
    assert check is not None
    assert (check(instance), validator_for(schema).is_valid(instance)) == (valid, valid)


@pytest.mark.parametrize("schema", [{"not": {"type": "string"}}, {"$ref": "#/x"},
                                    {"type": "object", "additionalProperties": {"type": "string"}},
                                    {"const": 1}, {"type": "array", "items": [{"type": "string"}]}])
def test_keywords_outside_the_subset_are_left_to_jsonschema(schema: Dict[str, Any]) -> None:
    assert schema_check.compile_check(schema, _CHECK_COMPILER) is None
