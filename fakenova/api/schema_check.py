"""Compile a request schema into one fast yes/no check, so a valid request skips jsonschema altogether.

jsonschema walks a schema keyword by keyword for every request, which made validation the largest single
cost of create, update and actions. Nova's request schemas use a small part of JSON Schema, and for that
part this module builds nested closures that answer "valid?" about 10x faster. It never words an error:
when the check says no, :mod:`fakenova.api.validation` asks jsonschema for Nova's first error, so messages
still come from the reference implementation.

The check must never accept what jsonschema refuses. Each keyword below follows jsonschema's Draft 2020-12
semantics exactly (including Nova's lenient ``minimum``/``maximum`` and its format checkers, which are
reused, not re-implemented); a schema using any keyword outside :data:`KEYWORDS` is not compiled at all
(:func:`compile_check` returns None and jsonschema alone decides). ``tests/api/test_schema_check.py`` holds
every table's schemas to the same verdicts as jsonschema over a corpus of valid and broken bodies.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Sized, Tuple, Type

Check = Callable[[Any], bool]
Schema = Mapping[str, Any]


class Unsupported(Exception):
    """The schema uses a keyword (or a form of one) this module does not compile."""


def _is_integer(value: Any) -> bool:
    # jsonschema: bools are not integers; floats with an integral value are
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: JSON type name -> predicate, as jsonschema's Draft 2020-12 type checker has them
TYPES: Dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": _is_integer,
    "number": _is_number,
}

#: keywords that only annotate; they never change a verdict
ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$comment", "$schema", "deprecated"})


class Compiler:
    """Turns one schema into a check. ``format_conforms(value, format)`` and ``to_number(value)`` are the
    validator's own format checker and lenient number reading, so both paths share them."""

    def __init__(self, format_conforms: Callable[[Any, str], bool],
                 to_number: Callable[[Any], Any]) -> None:
        self.format_conforms = format_conforms
        self.to_number = to_number

    def compile(self, schema: Any) -> Check:
        """The check for ``schema``; raise :class:`Unsupported` for anything outside :data:`KEYWORDS`."""
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, Mapping):
            raise Unsupported(repr(schema))
        checks: List[Check] = []
        for keyword, argument in schema.items():
            if keyword in ANNOTATIONS or keyword == "patternProperties":
                continue  # patternProperties is compiled with properties/additionalProperties below
            build = KEYWORDS.get(keyword)
            if build is None:
                raise Unsupported(keyword)
            check = build(self, argument, schema)
            if check is not None:
                checks.append(check)
        if "patternProperties" in schema and "properties" not in schema and "additionalProperties" not in schema:
            checks.append(_object_members(self, schema))
        return _all_of(checks)


def _all_of(checks: Sequence[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    bound = tuple(checks)

    def check_all(value: Any) -> bool:
        for check in bound:  # a plain loop: all() over a generator costs a frame per schema node
            if not check(value):
                return False
        return True
    return check_all


def _type(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    names = [argument] if isinstance(argument, str) else list(argument)
    if any(name not in TYPES for name in names):
        raise Unsupported(f"type {argument!r}")
    predicates = tuple(TYPES[name] for name in names)
    if len(predicates) == 1:
        return predicates[0]
    return lambda value: any(predicate(value) for predicate in predicates)


def _object_members(compiler: Compiler, schema: Schema) -> Check:
    """properties, patternProperties and additionalProperties together, in one pass over the members."""
    properties = {name: compiler.compile(sub) for name, sub in schema.get("properties", {}).items()}
    patterns: Tuple[Tuple[Any, Check], ...] = tuple(
        (re.compile(pattern), compiler.compile(sub)) for pattern, sub in schema.get("patternProperties", {}).items())
    extra = schema.get("additionalProperties", True)
    if not isinstance(extra, bool):
        raise Unsupported("additionalProperties with a schema")

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, member in value.items():
            matched = False
            for pattern, sub in patterns:
                if pattern.search(name):
                    matched = True
                    if not sub(member):
                        return False
            known = properties.get(name)
            if known is not None:
                if not known(member):
                    return False
            elif not matched and not extra:
                return False
        return True
    return check


def _properties(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    return _object_members(compiler, schema)


def _additional(compiler: Compiler, argument: Any, schema: Schema) -> Optional[Check]:
    if "properties" in schema:
        return None  # compiled with properties
    return _object_members(compiler, schema)


def _required(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    names = tuple(argument)
    return lambda value: not isinstance(value, dict) or all(name in value for name in names)


def _items(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    if isinstance(argument, list):
        raise Unsupported("items as a list")
    each = compiler.compile(argument)
    return lambda value: not isinstance(value, list) or all(each(item) for item in value)


def _sized(kind: Type[Sized], compare: Callable[[int, int], bool]) -> Callable[[Compiler, Any, Schema], Check]:
    def build(compiler: Compiler, argument: Any, schema: Schema) -> Check:
        return lambda value: not isinstance(value, kind) or compare(len(value), argument)
    return build


def _at_least(size: int, bound: int) -> bool:
    return size >= bound


def _at_most(size: int, bound: int) -> bool:
    return size <= bound


def _enum(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    # jsonschema compares without bool/number coercion (True is not 1); scalars only, keyed by type
    if any(not (option is None or isinstance(option, (str, bool, int, float))) for option in argument):
        raise Unsupported("enum with containers")
    options = frozenset((type(option) is bool, option) for option in argument)
    numbers = frozenset(option for option in argument if _is_number(option))

    def check(value: Any) -> bool:
        if _is_number(value):
            return value in numbers
        if value is None or isinstance(value, (str, bool)):
            return (isinstance(value, bool), value) in options
        return False
    return check


def _unique(compiler: Compiler, argument: Any, schema: Schema) -> Optional[Check]:
    if not argument:
        return None

    def check(value: Any) -> bool:
        # strings compare plainly; for anything else (1 vs True vs 1.0, nested values) let jsonschema judge
        if not isinstance(value, list):
            return True
        return all(isinstance(item, str) for item in value) and len(set(value)) == len(value)
    return check


def _pattern(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    search = re.compile(argument).search
    return lambda value: not isinstance(value, str) or search(value) is not None


def _format(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    conforms = compiler.format_conforms
    return lambda value: conforms(value, argument)


def _bound(below: bool) -> Callable[[Compiler, Any, Schema], Check]:
    def build(compiler: Compiler, argument: Any, schema: Schema) -> Check:
        to_number = compiler.to_number

        def check(value: Any) -> bool:
            number = to_number(value)
            if not _is_number(number):
                return True
            return number >= argument if below else number <= argument
        return check
    return build


def _exclusive_minimum(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    # the standard keyword, not made string-tolerant by Nova: a digit string is not compared at all
    return lambda value: not _is_number(value) or value > argument


def _one_of(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    subs = tuple(compiler.compile(sub) for sub in argument)
    return lambda value: sum(1 for sub in subs if sub(value)) == 1


def _all_of_keyword(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    return _all_of([compiler.compile(sub) for sub in argument])


def _any_of(compiler: Compiler, argument: Any, schema: Schema) -> Check:
    subs = tuple(compiler.compile(sub) for sub in argument)
    return lambda value: any(sub(value) for sub in subs)


#: keyword -> builder of its check (None when another keyword's builder covers it)
KEYWORDS: Dict[str, Callable[[Compiler, Any, Schema], Optional[Check]]] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "minLength": _sized(str, _at_least),
    "maxLength": _sized(str, _at_most),
    "minItems": _sized(list, _at_least),
    "maxItems": _sized(list, _at_most),
    "minProperties": _sized(dict, _at_least),
    "maxProperties": _sized(dict, _at_most),
    "uniqueItems": _unique,
    "enum": _enum,
    "pattern": _pattern,
    "format": _format,
    "minimum": _bound(below=True),
    "maximum": _bound(below=False),
    "exclusiveMinimum": _exclusive_minimum,
    "oneOf": _one_of,
    "allOf": _all_of_keyword,
    "anyOf": _any_of,
}


def compile_check(schema: Schema, compiler: Compiler) -> Optional[Check]:
    """The fast check for ``schema``, or None when it uses anything outside :data:`KEYWORDS`."""
    try:
        return compiler.compile(schema)
    except (Unsupported, re.error):
        return None
