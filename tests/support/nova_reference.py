"""Nova's own response schemas from ``../shared`` (when present), picked per operation and microversion.

Tests that use them are marked ``needs_shared`` and skip cleanly on a fresh clone without ``../shared``.
"""
from __future__ import annotations

import base64
import ipaddress
import json
import re
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

import pytest

from fakenova.microversions import V

REPO_ROOT = Path(__file__).resolve().parents[2]
NOVA_REF = REPO_ROOT.parent / "shared" / "reference" / "nova"
needs_shared = pytest.mark.skipif(not (NOVA_REF / "generated").is_dir(), reason="../shared is absent")

_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")
_MAC = re.compile(r"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")
_CHECKS = {
    "date-time": lambda v: bool(_DATE_TIME.match(v)),
    "uuid": lambda v: bool(uuid.UUID(v)),
    "uri": lambda v: bool(urlsplit(v).scheme and urlsplit(v).netloc),
    "base64": lambda v: bool(base64.b64decode(v, validate=True) or True),
    "mac-address": lambda v: bool(_MAC.match(v)),
    "ipv4": lambda v: bool(ipaddress.IPv4Address(v)),
    "ipv6": lambda v: bool(ipaddress.IPv6Address(v)),
    "cidr": lambda v: bool(ipaddress.ip_network(v, strict=False)),
    "regex": lambda v: bool(re.compile(v)),
    "name": lambda v: v.isprintable() and v == v.strip(),
    "az_name": lambda v: v.isprintable() and v == v.strip(),
}


def lenient_format_checker():
    """Format checks as lenient as Nova's own (date-times with or without zone, any UUID form)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for fmt, check in _CHECKS.items():
        checker.checks(fmt, raises=(ValueError, TypeError))(
            lambda value, check=check: not isinstance(value, str) or check(value))
    return checker


@lru_cache(maxsize=None)
def _load(name: str) -> Any:
    return json.loads((NOVA_REF / "generated" / name).read_text())


def operation(method: str, path: str, action: Optional[str] = None) -> Dict[str, Any]:
    """The operations.json entry for a route (and action key, for ``/servers/{id}/action``)."""
    found = [op for op in _load("operations.json")["operations"]
             if op.get("method") == method and op.get("path") == path and op.get("action") == action]
    assert len(found) == 1, (method, path, action, len(found))
    return found[0]


@lru_cache(maxsize=None)
def response_validator(method: str, path: str, version: str, action: Optional[str] = None):
    """A Draft 2020-12 validator for the response body Nova documents for this operation at ``version``."""
    from jsonschema import Draft202012Validator

    ver = V(version)
    rows = [row for row in operation(method, path, action)["response_body_schemas"]
            if (row["min_version"] is None or V(row["min_version"]) <= ver)
            and (row["max_version"] is None or ver <= V(row["max_version"]))]
    assert len(rows) == 1, (method, path, version, rows)
    schema = _load(f"schemas/{rows[0]['schema_module']}.json")[rows[0]["schema"]]
    return Draft202012Validator(schema, format_checker=lenient_format_checker())


def schema_errors(method: str, path: str, version: str, body: Any, action: Optional[str] = None) -> List[str]:
    """Every way ``body`` departs from Nova's response schema, as short messages (empty when valid)."""
    from jsonschema.exceptions import best_match

    validator = response_validator(method, path, version, action)
    return [f"{list(best_match([error]).absolute_path)}: {best_match([error]).message[:200]}"
            for error in validator.iter_errors(body)]
