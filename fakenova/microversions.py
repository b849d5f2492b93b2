"""Compute microversions as ordered values, and tables keyed by version ranges.

Versions are parsed once into :class:`Version` and compared as tuples; nothing else in fakenova compares
version strings. :class:`Versioned` is the table type every version-dependent fact uses (request schemas,
view fields, routes): it checks at construction that its ranges neither overlap nor leave gaps.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Generic, Iterable, Iterator, Optional, Tuple, TypeVar

_GRAMMAR = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")

T = TypeVar("T")


class InvalidVersion(ValueError):
    """A version string that does not match Nova's ``MajorNum.MinorNum`` grammar."""


@dataclass(frozen=True, order=True)
class Version:
    """One compute API microversion, ordered as (major, minor).

    .. versionadded:: 0.1
    """

    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> "Version":
        """Parse ``"2.73"``; raise :class:`InvalidVersion` for anything Nova would reject.

        :param text: the version string, without the ``compute`` prefix.
        """
        match = _GRAMMAR.match(text)
        if not match:
            raise InvalidVersion(text)
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


@functools.lru_cache(maxsize=512)  # versions are immutable; code compares against V("2.19") per request
def V(text: str) -> Version:
    """Shorthand used by the tables: ``V("2.47")``."""
    return Version.parse(text)


MIN_VERSION = V("2.1")
MAX_VERSION = V("2.104")


def all_versions(low: Version = MIN_VERSION, high: Version = MAX_VERSION) -> Tuple[Version, ...]:
    """Every 2.x microversion from ``low`` to ``high`` inclusive, for tests and the CLI listing."""
    return tuple(Version(2, minor) for minor in range(low.minor, high.minor + 1))


@dataclass(frozen=True)
class VersionRange:
    """An inclusive range of microversions; ``until=None`` means open-ended."""

    since: Version = MIN_VERSION
    until: Optional[Version] = None

    def __contains__(self, version: object) -> bool:
        if not isinstance(version, Version):
            return False
        return self.since <= version and (self.until is None or version <= self.until)

    @classmethod
    def of(cls, since: Optional[str] = None, until: Optional[str] = None) -> "VersionRange":
        """Build a range from strings, as tables write it: ``VersionRange.of("2.19", "2.56")``."""
        return cls(V(since) if since else MIN_VERSION, V(until) if until else None)

    def __str__(self) -> str:
        return f"{self.since}-{self.until or 'latest'}"


class Versioned(Generic[T]):
    """A table from contiguous, non-overlapping version ranges to values.

    Rows are given as ``(since, value)`` pairs in ascending order: each row lasts until the next one starts,
    so gaps and overlaps cannot be written; the constructor still checks the order and the first version.

    :param rows: ``(since, value)`` pairs; the first ``since`` must be :data:`MIN_VERSION` unless
        ``allow_late_start`` (for things that only exist from some version on).
    """

    def __init__(self, rows: Iterable[Tuple[str, T]], *, name: str = "table", allow_late_start: bool = False):
        parsed = [(V(since), value) for since, value in rows]
        if not parsed:
            raise ValueError(f"{name}: a Versioned table needs at least one row")
        if parsed[0][0] != MIN_VERSION and not allow_late_start:
            raise ValueError(f"{name}: first row starts at {parsed[0][0]}, not {MIN_VERSION}")
        for (low, _), (high, _) in zip(parsed, parsed[1:]):
            if not low < high:
                raise ValueError(f"{name}: rows out of order or overlapping at {low} / {high}")
        self.name = name
        self._rows = parsed

    def get(self, version: Version) -> Optional[T]:
        """The value for ``version``, or None before the first row."""
        found: Optional[T] = None
        for since, value in self._rows:
            if since <= version:
                found = value
            else:
                break
        return found

    def ranges(self) -> Iterator[Tuple[VersionRange, T]]:
        """Yield each row as an explicit (range, value) pair."""
        for index, (since, value) in enumerate(self._rows):
            until = None
            if index + 1 < len(self._rows):
                following = self._rows[index + 1][0]
                until = Version(following.major, following.minor - 1)
            yield VersionRange(since, until), value
