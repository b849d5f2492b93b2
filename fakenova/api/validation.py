"""Validate a request body or query string against a versioned schema table, answering as Nova does.

One job: pick the schema for the negotiated microversion, run a Draft 2020-12 validator that has Nova's
lenient format checkers and string-tolerant ``minimum``/``maximum`` (``nova/api/validation/validators.py``),
and turn the first error into :class:`~fakenova.domain.errors.BadRequest` worded like Nova's.
"""
from __future__ import annotations

import base64
import ipaddress
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from fakenova.api.schema_check import Check, Compiler, compile_check
from fakenova.api.schema_types import Schema, is_printable
from fakenova.domain import errors
from fakenova.microversions import Version, Versioned


class InvalidName(ValueError):
    """Raised by the name format checkers; its text is the whole 400 message, as in Nova."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"An invalid 'name' value was provided. The name must be: {reason}")


# format -> (reason, forbidden characters, trimmed): Nova's four name regexes, as predicates. "trimmed"
# names may not start or end with whitespace; the others need one non-space character somewhere.
_NAME_RULES: Dict[str, Tuple[str, str, bool]] = {
    "name": ("printable characters. Can not start or end with whitespace.", "", True),
    "name_with_leading_trailing_spaces": (
        "printable characters with at least one non space character", "", False),
    "az_name": ("printable characters except :.Can not start or end with whitespace.", ":", True),
    "az_name_with_leading_trailing_spaces": (
        "printable characters except :, with at least one non space character", ":", False),
}


def _name_ok(text: str, forbidden: str, trimmed: bool) -> bool:
    if text.isascii() and text.isprintable() and text:
        # The usual name, decided at C speed: printable ASCII is printable for Nova too, and its only
        # whitespace is the space.
        if any(char in text for char in forbidden):
            return False
        return text[0] != " " and text[-1] != " " if trimmed else bool(text.strip(" "))
    # Nova's regexes end in "$", which also matches before one final newline: "web-1\n" passes in Nova.
    body = text[:-1] if text.endswith("\n") else text
    if not all(is_printable(char) and char not in forbidden for char in body):
        return False
    if trimmed:
        # "" passes, as in Nova, so that minLength reports empty names; the start is judged on the raw text.
        return not text or (is_printable(text[0], spaces=False) and is_printable(body[-1], spaces=False))
    return any(is_printable(char, spaces=False) for char in body)


def _name_checker(reason: str, forbidden: str, trimmed: bool) -> Callable[[object], bool]:
    def check(instance: object) -> bool:
        if isinstance(instance, str) and _name_ok(instance, forbidden, trimmed):
            return True
        raise InvalidName(reason)
    return check


def _is_uuid_like(text: str) -> bool:
    # oslo_utils.uuidutils.is_uuid_like: upper case, no hyphens, braces and "urn:uuid:" all pass.
    canonical = str(uuid.UUID(text)).replace("-", "")
    return canonical == text.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "").lower()


# The grammar of the iso8601 library behind oslo's parse_isotime: zone optional, "T" or space, basic or
# extended form, date alone allowed.
_ISO8601 = re.compile(
    r"(?P<year>\d{4})(?:(?:-(?P<month>\d{1,2})|(?P<month2>\d{2})(?!$))"
    r"(?:(?:-(?P<day>\d{1,2})|(?P<day2>\d{2}))"
    r"(?:[ T](?P<hour>\d{2})(?::?(?P<minute>\d{2}))?(?::?(?P<second>\d{1,2})(?:[.,]\d+)?)?"
    r"(?:Z|[-+](?P<tz_hour>\d{2}):?(?P<tz_minute>\d{2})?)?)?)?)?$")


def _is_date_time(text: str) -> bool:
    match = _ISO8601.match(text)
    if match:  # the grammar is loose: building the values is what refuses month 13 or zone +25:00
        parts = {name: int(value) for name, value in match.groupdict().items() if value}
        timezone(timedelta(hours=parts.get("tz_hour", 0), minutes=parts.get("tz_minute", 0)))
        datetime(parts["year"], parts.get("month", parts.get("month2", 1)),
                 parts.get("day", parts.get("day2", 1)),
                 parts.get("hour", 0), parts.get("minute", 0), parts.get("second", 0))
    return match is not None


_URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")


def _is_uri(text: str) -> bool:
    # What Nova asks of rfc3986: a scheme and a host, and only characters a URI may contain.
    if not _URI_CHARACTERS.fullmatch(text) or re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return False
    parts = urlsplit(text)
    return bool(_URI_SCHEME.fullmatch(parts.scheme)) and bool(parts.hostname)


_MAC = re.compile(r"[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}")

# format -> check of a string; a ValueError (or re.error) from the parsers also means "invalid". Formats
# only judge strings: "type" refuses the rest.
_STRING_FORMATS: Dict[str, Callable[[str], bool]] = {
    "uuid": _is_uuid_like,
    "date-time": _is_date_time,
    "uri": _is_uri,
    # oslo's decode_as_bytes is b64decode *without* validate=True: characters outside the alphabet (the
    # newlines of wrapped base64) are skipped, but padding must be right. Non-ASCII (a 500 in Nova) is a 400.
    "base64": lambda text: base64.b64decode(text) is not None,
    # "" compiles, but Nova refuses it: it would match everything.
    "regex": lambda text: bool(text) and re.compile(text) is not None,
    "cidr": lambda text: ("/" in text and not re.search(r"\s", text)
                          and ipaddress.ip_network(text, strict=False) is not None),
    "ipv4": lambda text: ipaddress.IPv4Address(text) is not None,
    # jsonschema's rule, which Nova keeps: a zone index ("fe80::1%eth0") is not an address.
    "ipv6": lambda text: not ipaddress.IPv6Address(text).scope_id,
    "mac-address": lambda text: _MAC.fullmatch(text) is not None,
}


def _strings_only(check: Callable[[str], bool]) -> Callable[[object], bool]:
    return lambda instance: not isinstance(instance, str) or check(instance)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in _STRING_FORMATS.items():
        checker.checks(name, raises=(ValueError, re.error))(_strings_only(check))
    for name, rule in _NAME_RULES.items():
        checker.checks(name, raises=InvalidName)(_name_checker(*rule))
    return checker


FORMAT_CHECKER = _format_checker()


def _number_from_str(instance: Any) -> Union[int, float, None]:
    for convert in (int, float):
        try:
            return convert(instance)
        except (TypeError, ValueError):
            continue
    return None


def _lenient_bound(keyword: str) -> Callable[..., Any]:
    strict = Draft202012Validator.VALIDATORS[keyword]

    def check(validator: Any, bound: Any, instance: Any, schema: Schema) -> Any:
        # Nova compares digit strings ("10") with minimum/maximum as numbers; other values are not its job.
        number = _number_from_str(instance)
        return None if number is None else strict(validator, bound, number, schema)
    return check


_NovaValidator = validators.extend(
    Draft202012Validator, {"minimum": _lenient_bound("minimum"), "maximum": _lenient_bound("maximum")})

# id(schema) -> (schema, validator, fast check or None). The schema is kept so that its id cannot be reused
# by another dict.
_COMPILED: Dict[int, Tuple[Schema, Any, Optional[Check]]] = {}
_CHECK_COMPILER = Compiler(FORMAT_CHECKER.conforms, _number_from_str)


def _compiled(schema: Schema) -> Tuple[Schema, Any, Optional[Check]]:
    cached = _COMPILED.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, _NovaValidator(schema, format_checker=FORMAT_CHECKER),
                  compile_check(schema, _CHECK_COMPILER))
        _COMPILED[id(schema)] = cached
    return cached


def validator_for(schema: Schema) -> Any:
    """The compiled validator for ``schema``, built once per schema object so a request costs one validation.

    :param schema: a schema from a table (or any Draft 2020-12 schema, e.g. Nova's own in tests).

    .. versionadded:: 0.1
    """
    return _compiled(schema)[1]


def first_error(schema: Schema, instance: object) -> Optional[ValidationError]:
    """The error Nova would report: the first one jsonschema yields (Nova calls ``validator.validate``).

    A valid instance is recognised by the schema's compiled check (:mod:`fakenova.api.schema_check`) without
    running jsonschema; jsonschema alone judges the rest, so every message is its own.
    """
    _, validator, check = _compiled(schema)
    if check is not None and check(instance):
        return None
    return next(iter(validator.iter_errors(instance)), None)


def _message(error: ValidationError, *, query: bool) -> str:
    if isinstance(error.cause, InvalidName):
        return str(error.cause)
    if not error.path:
        return error.message
    if query:
        # A query is {name: [values]}: the parameter name is the *first* path element.
        return f"Invalid input for query parameters {error.path[0]}. Value: {error.instance}. {error.message}"
    return f"Invalid input for field/attribute {error.path[-1]}. Value: {error.instance}. {error.message}"


def _schema_for(table: Versioned[Schema], version: Version) -> Schema:
    schema = table.get(version)
    if schema is None:
        # The operation does not exist at this version: Nova answers 404, as for an unknown route.
        raise errors.NotFound()
    return schema


def validate_body(table: Versioned[Schema], version: Version, body: object) -> None:
    """Validate a parsed JSON body; raise :class:`errors.BadRequest` with Nova's message on failure.

    :param table: the operation's schema table, e.g. ``schemas.servers.CREATE``.
    :param version: the negotiated microversion.
    :param body: the parsed body (``None`` when there was none, which Nova validates too).

    .. versionadded:: 0.1
    """
    schema = _schema_for(table, version)
    if _legacy_v2():
        _drop_unknown_keys(schema, body)
    error = first_error(schema, body)
    if error is not None:
        raise errors.BadRequest(_message(error, query=False))


def _legacy_v2() -> bool:
    from flask import g, has_request_context  # late: the validator itself is used without Flask (tests)

    return has_request_context() and bool(getattr(g, "fakenova_legacy_v2", False))


def _drop_unknown_keys(schema: Schema, body: object) -> None:
    """Nova's v2.0 compatibility mode: keys an object's schema does not allow are removed from the body
    (in place, so the handler reads the rest) instead of failing validation."""
    _, validator, _ = _compiled(schema)
    for _ in range(MAX_STRIP_ROUNDS):
        extra = [error for error in validator.iter_errors(body)
                 if error.validator == "additionalProperties" and isinstance(error.instance, dict)]
        if not extra:
            return
        for error in extra:
            known = error.schema.get("properties", {})
            patterns = [re.compile(pattern) for pattern in error.schema.get("patternProperties", {})]
            for key in [key for key in error.instance
                        if key not in known and not any(p.search(key) for p in patterns)]:
                del error.instance[key]


#: how many passes :func:`_drop_unknown_keys` makes (one per nesting level that has unknown keys)
MAX_STRIP_ROUNDS = 8


def validate_query(table: Versioned[Schema], version: Version,
                   args: Mapping[str, List[str]]) -> Dict[str, List[str]]:
    """Validate query parameters (every value of each name) and return the ones the handler should see.

    Where the schema allows additional properties (before 2.75 for the server list), unknown names are
    dropped silently as Nova strips them; names matching ``patternProperties`` are kept.

    :param args: ``{name: [value, ...]}``, e.g. werkzeug's ``request.args.to_dict(flat=False)``.

    .. versionadded:: 0.1
    """
    schema = _schema_for(table, version)
    error = first_error(schema, {name: list(values) for name, values in args.items()})
    if error is not None:
        raise errors.BadRequest(_message(error, query=True))
    return {name: list(values) for name, values in args.items() if _kept(schema, name)}


def _kept(schema: Schema, name: str) -> bool:
    if name in schema.get("properties", {}) or not schema.get("additionalProperties", True):
        return True
    return any(re.match(pattern, name) for pattern in schema.get("patternProperties", {}))
