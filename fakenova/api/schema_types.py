"""Shared request-schema building blocks, and the pure helpers that derive one schema version from another.

The facts (patterns, limits, enums) are those of Nova's ``nova/api/validation/parameter_types.py``. Schemas
are plain dicts that nothing mutates: a later microversion's schema is a *new* dict made by :func:`extend`
from the previous one, sharing the untouched branches, and :func:`evolve` turns a base schema plus a table
of per-version edits into a :class:`~fakenova.microversions.Versioned` table.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from itertools import accumulate
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Sequence, Tuple

from fakenova.microversions import MIN_VERSION, Versioned

Schema = Dict[str, Any]
Path = Tuple[Any, ...]

# Nova scans ``range(0xFFFF)``: code points from U+FFFF up (emoji included) are never "printable", so a
# server name with an emoji is a 400 in Nova too.
_SCAN_END = 0xFFFF


def is_printable(char: str, *, spaces: bool = True) -> bool:
    """Nova's printable character: not ``C*`` (control, format, unassigned) and no separator but ``Zs``.

    :param char: one character.
    :param spaces: whether ``Zs`` space separators count; ``False`` is Nova's "non-whitespace".

    .. versionadded:: 0.1
    """
    if ord(char) >= _SCAN_END:
        return False
    category = unicodedata.category(char)
    if category.startswith("C") or (category.startswith("Z") and category != "Zs"):
        return False
    return spaces or category != "Zs"


@lru_cache(maxsize=None)
def printable_class() -> str:
    """The body of a regex character class of :func:`is_printable` characters, written as Nova's
    ``_build_regex_range`` writes it, so the description pattern is Nova's character for character.

    Computed with C-speed string operations instead of one :func:`is_printable` call per code point (the
    loop cost ~25 ms at import): ``str.isprintable`` is "no ``C*`` or ``Z*`` category, except U+0020", from
    the same Unicode database as :mod:`unicodedata`, so the only characters it leaves out that Nova keeps are
    the other ``Zs`` separators, all of which ``\\s`` matches. ``tests/test_printable_class.py`` compares
    the result with the per-character scan.
    """
    chars = _code_points()
    inside = bytearray(map(str.isprintable, chars))
    for space in re.findall(r"\s", chars):
        if unicodedata.category(space) == "Zs":
            inside[ord(space)] = 1
    runs = ((run.start(), run.end() - 1) for run in re.finditer(rb"\x01+", inside))
    return "".join(re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high != low else "")
                   for low, high in runs)


def _code_points() -> str:
    """Every code point below ``_SCAN_END`` (surrogates included) as one string, built without a Python loop."""
    codes = array("I", range(_SCAN_END))
    if codes.itemsize != 4:  # pragma: no cover - 4 bytes on every platform CPython runs on in practice
        return "".join(map(chr, range(_SCAN_END)))
    return codes.tobytes().decode(f"utf-32-{'le' if sys.byteorder == 'little' else 'be'}", "surrogatepass")


def object_of(properties: Mapping[str, Schema], *, required: Sequence[str] = (),
              additional: bool = False) -> Schema:
    """An object schema with Nova's keyword order (type, properties, required, additionalProperties).

    The order matters: Nova reports the *first* error jsonschema yields, and keywords are visited in order.
    """
    schema: Schema = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return {**schema, "additionalProperties": additional}


def multi_params(schema: Schema) -> Schema:
    """A query parameter: the list of every value given for one name (``?a=1&a=2``)."""
    return {"type": "array", "items": schema}


def extend(base: Schema, path: Path = (), *, add: Optional[Mapping[str, Schema]] = None,
           remove: Iterable[str] = (), require: Iterable[str] = (),
           keywords: Optional[Mapping[str, Any]] = None) -> Schema:
    """A new schema equal to ``base`` except for the object schema at ``path``.

    There, properties in ``remove`` are dropped, ``add`` adds or replaces properties (a replaced one keeps
    its place), ``require`` is appended to ``required`` and ``keywords`` replaces other keywords. Only the
    dicts along ``path`` are copied; ``base`` is left untouched.

    :param base: the schema to derive from.
    :param path: keys (and list indexes) from ``base`` down to the object schema to change.

    .. versionadded:: 0.1
    """
    dropped = frozenset(remove)

    def edit(node: Schema) -> Schema:
        changed = {**node, **(keywords or {})}
        if "properties" in node or add:
            kept = {name: sub for name, sub in node.get("properties", {}).items() if name not in dropped}
            changed["properties"] = {**kept, **(add or {})}
        before = list(node.get("required", ()))
        required = before + [name for name in require if name not in before]
        return {**changed, "required": required} if required else changed

    return _replace_at(base, tuple(path), edit)


def _replace_at(node: Any, path: Path, change: Callable[[Any], Any]) -> Any:
    if not path:
        return change(node)
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        return [*node[:head], _replace_at(node[head], rest, change), *node[head + 1:]]
    return {**node, head: _replace_at(node[head], rest, change)}


@dataclass(frozen=True)
class Edit:
    """One :func:`extend` step of a version row: at ``path``, ``add``/``remove``/``require``/``keywords``."""

    path: Path = ()
    add: Mapping[str, Schema] = field(default_factory=dict)
    remove: Tuple[str, ...] = ()
    require: Tuple[str, ...] = ()
    keywords: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, schema: Schema) -> Schema:
        return extend(schema, self.path, add=self.add, remove=self.remove, require=self.require,
                      keywords=self.keywords)


def evolve(name: str, base: Schema, rows: Sequence[Tuple[str, Sequence[Edit]]]) -> Versioned[Schema]:
    """A :class:`Versioned` table: ``base`` from 2.1, then each row's edits applied to the previous schema.

    :class:`Versioned` checks the row order at import; the metaschema check of every schema is a test
    (``check_schema`` costs ~80 ms a schema, too much for every start of the server).

    :param name: the table's name, used in error messages.
    :param rows: ``(since, edits)`` pairs in ascending version order.

    .. versionadded:: 0.1
    """
    schemas = list(accumulate(rows, lambda previous, row: reduce(lambda s, e: e.apply(s), row[1], previous),
                              initial=base))
    return Versioned(zip([str(MIN_VERSION), *(since for since, _ in rows)], schemas), name=name)


# --- building blocks (Nova's parameter_types names in lower case) ------------------------------------

BOOLEAN: Schema = {
    "type": ["boolean", "string"],
    "enum": [True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
             False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"],
}
POSITIVE_INTEGER: Schema = {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1,
                            "minLength": 1}
NON_NEGATIVE_INTEGER: Schema = {**POSITIVE_INTEGER, "minimum": 0}

NAME: Schema = {"type": "string", "format": "name", "minLength": 1, "maxLength": 255}
NAME_OR_NONE: Schema = {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "null"}]}
DESCRIPTION: Schema = {"type": ["string", "null"], "pattern": f"^[{printable_class()}]*$",
                       "minLength": 0, "maxLength": 255}

METADATA_KEY = "^[a-zA-Z0-9-_:. ]{1,255}$"
METADATA: Schema = {"type": "object",
                    "patternProperties": {METADATA_KEY: {"type": "string", "maxLength": 255}},
                    "additionalProperties": False}

TAG: Schema = {"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}
TAGS: Schema = {"type": "array", "items": TAG, "maxItems": 50}

# RFC 952/1123 host label; ``FQDN`` also allows dots and (as real systems have them) underscores.
HOSTNAME: Schema = {"type": "string", "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$",
                    "minLength": 2, "maxLength": 63}
FQDN: Schema = {"type": "string", "pattern": "^[a-zA-Z0-9-._]*$", "minLength": 1, "maxLength": 255}

UUID: Schema = {"type": "string", "format": "uuid"}
IMAGE_REF: Schema = {"oneOf": [UUID, {"type": "string", "maxLength": 0}]}
FLAVOR_REF: Schema = {"type": ["string", "integer"], "minLength": 1}
ADMIN_PASSWORD: Schema = {"type": "string"}
IPV4: Schema = {"type": "string", "format": "ipv4"}
IPV6: Schema = {"type": "string", "format": "ipv6"}
IP_ADDRESS: Schema = {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
DISK_CONFIG: Schema = {"type": "string", "enum": ["AUTO", "MANUAL"]}

VOLUME_SIZE: Schema = {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1,
                       "maximum": 0x7FFFFFFF}  # the database's MAX_INT
VOLUME_TYPE: Schema = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
PERSONALITY: Schema = {"type": "array", "items": object_of({
    "path": {"type": "string"},
    "contents": {"type": "string", "format": "base64"},
})}
# null is allowed so that rebuild can reset the certificates.
TRUSTED_CERTS: Schema = {"type": ["array", "null"], "minItems": 1, "maxItems": 50, "uniqueItems": True,
                         "items": {"type": "string", "minLength": 1}}

QUERY_STRING: Schema = multi_params({"type": "string"})
QUERY_REGEX: Schema = multi_params({"type": "string", "format": "regex"})
QUERY_DATE_TIME: Schema = multi_params({"type": "string", "format": "date-time"})
QUERY_NON_NEGATIVE_INTEGER: Schema = multi_params(NON_NEGATIVE_INTEGER)
