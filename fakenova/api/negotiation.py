"""Microversion negotiation: the only code that reads or writes the version headers.

Nova's rules (nova-facts a.1): the last ``compute`` entry of ``OpenStack-API-Version`` wins, else the last
``X-OpenStack-Nova-API-Version`` value, else the minimum; ``latest`` is the maximum; a malformed string is
400 and a well-formed one outside the advertised range is 406.

Cinder negotiates ``volume 3.x`` by the same rules, except that it has no legacy header and refuses (400) an
``OpenStack-API-Version`` header that names no ``volume`` entry; :class:`Dialect` holds what differs.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import List, Optional, Tuple

from ..domain import errors
from ..microversions import InvalidVersion, Version

NEW_HEADER = "OpenStack-API-Version"
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
#: the same headers as WSGI environ keys (a WSGI server joins repeated headers into one value)
NEW_ENVIRON = "HTTP_OPENSTACK_API_VERSION"
LEGACY_ENVIRON = "HTTP_X_OPENSTACK_NOVA_API_VERSION"


@dataclass(frozen=True)
class Dialect:
    """How one service negotiates: its entry in ``OpenStack-API-Version``, its legacy header, its range."""

    service: str
    legacy_header: Optional[str]
    #: Cinder: a header without this service's entry is 400 (Nova falls back to the minimum)
    entry_required: bool = False
    #: the advertised range; None for compute, whose range the settings choose
    low: Optional[Version] = None
    high: Optional[Version] = None


COMPUTE = Dialect("compute", LEGACY_HEADER)
VOLUME = Dialect("volume", None, entry_required=True, low=Version(3, 0), high=Version(3, 71))


def _entries(values: List[str]) -> List[str]:
    return [entry.strip() for value in values for entry in value.split(",") if entry.strip()]


def requested(new_values: List[str], legacy_values: List[str], dialect: Dialect = COMPUTE) -> Optional[str]:
    """The version string the client asked for, or None when it asked for none."""
    chosen = None
    for entry in _entries(new_values):
        service, _, value = entry.partition(" ")
        if service.lower() == dialect.service:
            chosen = value.strip()
    if chosen is None and new_values and dialect.entry_required:
        raise errors.BadRequest("API version None is not supported on this method.")
    if chosen is None:
        legacy = _entries(legacy_values)
        chosen = legacy[-1] if legacy else None
    return chosen


def negotiate(text: Optional[str], low: Version, high: Version) -> Version:
    """Turn the requested version string into a Version within [low, high], or raise Nova's error.

    :param text: as returned by :func:`requested`.
    :param low: the advertised minimum (also the default).
    :param high: the advertised maximum (what ``latest`` means).
    """
    if text is None:
        return low
    if text == "latest":
        return high
    try:
        version = Version.parse(text)
    except InvalidVersion:
        raise errors.InvalidVersionString(version=text) from None
    if not low <= version <= high:
        raise errors.VersionNotAcceptable(version=text, low=low, high=high)
    return version


@functools.lru_cache(maxsize=512)
def negotiate_headers(new_value: Optional[str], legacy_value: Optional[str], low: Version,
                      high: Version, dialect: Dialect = COMPUTE) -> Version:
    """:func:`negotiate` for the raw header values of one request; clients send the same few, so the
    answers are remembered (errors are raised afresh each time, never cached)."""
    return negotiate(requested([new_value] if new_value else [], [legacy_value] if legacy_value else [],
                               dialect), low, high)


@functools.lru_cache(maxsize=None)  # one entry per microversion at most
def version_text(version: Version) -> str:
    """``str(version)``, worked out once per microversion (the journal records it for every request)."""
    return str(version)


@functools.lru_cache(maxsize=None)  # one entry per microversion at most
def response_headers(version: Version, dialect: Dialect = COMPUTE) -> Tuple[Tuple[str, str], ...]:
    """The headers every response of the dialect's service carries for its negotiated version."""
    if dialect.legacy_header is None:
        return ((NEW_HEADER, f"{dialect.service} {version}"), ("Vary", NEW_HEADER))
    return ((NEW_HEADER, f"{dialect.service} {version}"), (dialect.legacy_header, str(version)),
            ("Vary", f"{NEW_HEADER}, {dialect.legacy_header}"))
