"""Glance's request bodies: JSON read as its deserializer reads it, and the JSON-patch documents of PATCH.

Glance does not look at a JSON body's Content-Type; an empty body is ``Body expected in request.`` and text
that is not a JSON object or array is ``Malformed JSON in request body.`` (400s).
"""
from __future__ import annotations

from typing import Any, List, Tuple

from flask import request

from ...domain import errors
from ...domain.glance_errors import UnsupportedMediaTypeDetail
from ...domain.glance_images import READ_ONLY, RESERVED, RESERVED_PREFIX, Change
from ...domain.image_schema import validate_image
from ..http import parse_json

#: PATCH media types -> JSON-schema draft the change objects follow
PATCH_TYPES = {"application/openstack-images-v2.0-json-patch": 4,
               "application/openstack-images-v2.1-json-patch": 10}
OPERATIONS = ("add", "remove", "replace")


def read_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise errors.BadRequest("Body expected in request.")
    try:
        value = parse_json(raw)
    except errors.MalformedBody:
        raise errors.BadRequest("Malformed JSON in request body.") from None
    if not isinstance(value, (dict, list)):
        raise errors.BadRequest("Malformed JSON in request body.")
    return value


def _pointer(pointer: Any) -> str:
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise errors.BadRequest(f'Pointer `{pointer}` does not start with "/".')
    if "//" in pointer:
        raise errors.BadRequest(f'Pointer `{pointer}` contains adjacent "/".')
    if len(pointer) > 1 and pointer.endswith("/"):
        raise errors.BadRequest(f'Pointer `{pointer}` end with "/".')
    if pointer == "/":
        raise errors.BadRequest(f"Pointer `{pointer}` does not contains valid token.")
    tokens = pointer[1:].split("/")
    for token in tokens:
        if "~" in token.replace("~0", "").replace("~1", ""):
            raise errors.BadRequest(f'Pointer `{pointer}` contains "~" not part of a recognized escape sequence.')
    if len(tokens) != 1:
        raise errors.BadRequest(f"Invalid JSON pointer for this resource: '/{'/'.join(tokens)}'")
    return tokens[0].replace("~1", "/").replace("~0", "~")


def _op_and_path(raw: dict, draft: int) -> Tuple[str, str]:
    if draft == 10:
        op = raw.get("op")
        if op is None:
            raise errors.BadRequest(f"Unable to find `op` in JSON Schema change. It must be one of the following: "
                                    f"{', '.join(OPERATIONS)}.")
        if op not in OPERATIONS:
            raise errors.BadRequest(f"Invalid operation: `{op}`. It must be one of the following: "
                                    f"{', '.join(OPERATIONS)}.")
        if "path" not in raw:
            raise errors.BadRequest("Unable to find 'path' in JSON Schema change")
        return op, raw["path"]
    named = [op for op in OPERATIONS if op in raw]
    if len(named) != 1:
        raise errors.BadRequest("Operation objects must contain exactly one member named \"add\", \"remove\", "
                                "or \"replace\".")
    return named[0], raw[named[0]]


def _check_path(name: str) -> None:
    if name in READ_ONLY:
        raise errors.Forbidden(f"Attribute '{name}' is read-only.")
    if name in RESERVED or name.startswith(RESERVED_PREFIX):
        raise errors.Forbidden(f"Attribute '{name}' is reserved.")


def read_patch() -> List[Change]:
    """The PATCH body as (op, attribute, value) changes, checked as Glance's deserializer checks them."""
    media = request.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip()
    if media not in PATCH_TYPES:
        allowed = ", ".join(sorted(PATCH_TYPES))
        raise UnsupportedMediaTypeDetail(f"Image PATCH expects Content-Type one of: {allowed}",
                                         headers={"Accept-Patch": allowed})
    body = read_body()
    if not isinstance(body, list):
        raise errors.BadRequest("Request body must be a JSON array of operation objects.")
    changes: List[Change] = []
    for raw in body:
        if not isinstance(raw, dict):
            raise errors.BadRequest("Operations must be JSON objects.")
        op, pointer = _op_and_path(raw, PATCH_TYPES[media])
        name = _pointer(pointer)
        value = None
        if op != "remove":
            if "value" not in raw:
                raise errors.BadRequest(f'Operation "{op}" requires a member named "value".')
            value = raw["value"]
        _check_path(name)
        if op != "remove":
            validate_image({name: value})
        changes.append((op, name, value))
    return changes
