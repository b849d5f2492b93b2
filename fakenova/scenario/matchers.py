"""Request matchers of ``when.query``, ``when.headers`` and ``when.body``, compiled once when a scenario loads.

Each matcher is a small frozen value with one ``reason(...)`` method: None when the request matches, else the
words the journal shows ("query all_tenants='0' != '1'"). The loader builds them (``compile_*``), so a bad
regular expression fails at load with the rule and field named, and a request pays only dict lookups and
precompiled regex searches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Pattern, Sequence, Tuple, Union

#: what a query or header matcher is written as: a literal, ``{regex: ...}`` or ``{absent: true}``
ValueSpec = Union[str, int, float, bool, None, Mapping[str, Any]]


class MatcherError(ValueError):
    """A matcher that cannot be compiled; ``field`` is where in ``when`` it is."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True)
class ValueMatcher:
    """One expected value: exact text, a regex (searched), or "absent"."""

    exact: Optional[str] = None
    regex: Optional[Pattern[str]] = None
    absent: bool = False

    def reason(self, label: str, value: Optional[str]) -> Optional[str]:
        if self.absent:
            return None if value is None else f"{label} is present ({value!r}), expected absent"
        if value is None:
            return f"{label} is absent"
        if self.regex is not None:
            return None if self.regex.search(value) else f"{label}={value!r} does not match {self.regex.pattern!r}"
        return None if value == self.exact else f"{label}={value!r} != {self.exact!r}"

    def describe(self) -> str:
        return "absent" if self.absent else repr(self.regex.pattern if self.regex is not None else self.exact)


def _regex(text: Any, field: str) -> Pattern[str]:
    if not isinstance(text, str):
        raise MatcherError(field, "a regex must be a string")
    try:
        return re.compile(text)
    except re.error as exc:
        raise MatcherError(field, f"invalid regular expression: {exc}") from None


def compile_value(spec: ValueSpec, field: str) -> ValueMatcher:
    """``"1"`` (exact), ``{regex: "^web"}`` or ``{absent: true}`` into a :class:`ValueMatcher`."""
    if isinstance(spec, Mapping):
        if set(spec) == {"regex"}:
            return ValueMatcher(regex=_regex(spec["regex"], field + ".regex"))
        if set(spec) == {"absent"} and spec["absent"] is True:
            return ValueMatcher(absent=True)
        raise MatcherError(field, "expected a value, {regex: ...} or {absent: true}")
    if isinstance(spec, bool):
        return ValueMatcher(exact=str(spec).lower())
    return ValueMatcher(exact="" if spec is None else str(spec))


@dataclass(frozen=True)
class QueryMatcher:
    """``when.query``: each named parameter's (first) value against its matcher."""

    params: Tuple[Tuple[str, ValueMatcher], ...]

    def reason(self, query: Mapping[str, List[str]]) -> Optional[str]:
        for name, matcher in self.params:
            values = query.get(name)
            why = matcher.reason(f"query {name}", values[0] if values else None)
            if why:
                return why
        return None


@dataclass(frozen=True)
class HeaderMatcher:
    """``when.headers``: names are case-insensitive (kept lower-case on both sides)."""

    headers: Tuple[Tuple[str, ValueMatcher], ...]

    def reason(self, headers: Mapping[str, str]) -> Optional[str]:
        for name, matcher in self.headers:
            why = matcher.reason(f"header {name}", headers.get(name))
            if why:
                return why
        return None


_MISSING = object()


@dataclass(frozen=True)
class BodyMatcher:
    """``when.body``: a JSON subset (``server: {flavorRef: "3"}``) plus JSON pointers (``/server/name``) whose
    value is compared exactly or, with ``{regex: ...}``, searched as text."""

    subset: Mapping[str, Any]
    pointers: Tuple[Tuple[str, Tuple[str, ...], Any, Optional[Pattern[str]]], ...]

    def reason(self, body: Any) -> Optional[str]:
        if body is _MISSING or body is None:
            return "body is not JSON"
        if self.subset:
            where = subset_mismatch(self.subset, body, "")
            if where is not None:
                return f"body {where}"
        for text, parts, expected, regex in self.pointers:
            found = resolve_pointer(body, parts)
            if found is _MISSING:
                return f"body {text} is absent"
            if regex is not None:
                if not isinstance(found, (str, int, float)) or not regex.search(str(found)):
                    return f"body {text}={found!r} does not match {regex.pattern!r}"
            elif found != expected:
                return f"body {text}={found!r} != {expected!r}"
        return None


def subset_mismatch(expected: Any, actual: Any, where: str) -> Optional[str]:
    """Where ``actual`` stops containing ``expected`` (None when it does): mappings by key, lists by "every
    expected item is contained in some actual item", anything else by equality."""
    if isinstance(expected, dict):  # JSON and YAML give dicts (a Mapping check costs an ABC lookup)
        if not isinstance(actual, dict):
            return f"{where or '/'} is not an object"
        for key, value in expected.items():
            if key not in actual:
                return f"{where}/{key} is absent"
            why = subset_mismatch(value, actual[key], f"{where}/{key}")
            if why is not None:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{where or '/'} is not a list"
        for index, item in enumerate(expected):
            if not any(subset_mismatch(item, candidate, where) is None for candidate in actual):
                return f"{where}[{index}] has no match"
        return None
    return None if expected == actual else f"{where}={actual!r} != {expected!r}"


def pointer_parts(text: str, field: str) -> Tuple[str, ...]:
    """RFC 6901: ``/server/metadata/a~1b`` -> ``("server", "metadata", "a/b")``."""
    if not text.startswith("/"):
        raise MatcherError(field, f"{text!r} is not a JSON pointer (it starts with '/')")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/"))


def resolve_pointer(document: Any, parts: Sequence[str]) -> Any:
    """The value at ``parts`` in ``document``, or a private sentinel when there is none."""
    current = document
    for part in parts:
        if isinstance(current, dict):
            current = current.get(part, _MISSING)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
        if current is _MISSING:
            return _MISSING
    return current


def compile_query(spec: Mapping[str, ValueSpec], field: str = "when.query") -> QueryMatcher:
    return QueryMatcher(tuple((name, compile_value(value, f"{field}.{name}")) for name, value in spec.items()))


def compile_headers(spec: Mapping[str, ValueSpec], field: str = "when.headers") -> HeaderMatcher:
    return HeaderMatcher(tuple((name.lower(), compile_value(value, f"{field}.{name}"))
                               for name, value in spec.items()))


def compile_body(spec: Mapping[str, Any], field: str = "when.body") -> BodyMatcher:
    """Keys starting with ``/`` are JSON pointers; the others form the subset."""
    subset: Dict[str, Any] = {}
    pointers: List[Tuple[str, Tuple[str, ...], Any, Optional[Pattern[str]]]] = []
    for key, value in spec.items():
        if not key.startswith("/"):
            subset[key] = value
            continue
        parts = pointer_parts(key, f"{field}.{key}")
        if isinstance(value, Mapping) and set(value) == {"regex"}:
            pointers.append((key, parts, None, _regex(value["regex"], f"{field}.{key}.regex")))
        else:
            pointers.append((key, parts, value, None))
    return BodyMatcher(subset=subset, pointers=tuple(pointers))


#: what a probe's body is when the request had none or it was not JSON
NO_BODY = _MISSING
