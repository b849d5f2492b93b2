"""Microversion negotiation: the only code that reads or writes the version headers.

Nova's rules (nova-facts a.1): the last ``compute`` entry of ``OpenStack-API-Version`` wins, else the last
``X-OpenStack-Nova-API-Version`` value, else the minimum; ``latest`` is the maximum; a malformed string is
400 and a well-formed one outside the advertised range is 406.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from ..domain import errors
from ..microversions import InvalidVersion, Version

NEW_HEADER = "OpenStack-API-Version"
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"


def _entries(values: List[str]) -> List[str]:
    return [entry.strip() for value in values for entry in value.split(",") if entry.strip()]


def requested(new_values: List[str], legacy_values: List[str]) -> Optional[str]:
    """The version string the client asked for, or None when it asked for none."""
    chosen = None
    for entry in _entries(new_values):
        service, _, value = entry.partition(" ")
        if service.lower() == "compute":
            chosen = value.strip()
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


def response_headers(version: Version) -> Dict[str, str]:
    """The headers every compute response carries for its negotiated version."""
    return {NEW_HEADER: f"compute {version}", LEGACY_HEADER: str(version),
            "Vary": f"{NEW_HEADER}, {LEGACY_HEADER}"}
