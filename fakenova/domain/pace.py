"""How fast a server moves along a lifecycle path: a small tagged type, parsed from ``polls:3``-style text.

``Immediate`` finishes at the next look; ``AfterPolls(n)`` after n reads of the server; ``AfterSeconds(s)``
after s seconds of the injected clock; ``Manual`` only when the control plane advances it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Immediate:
    def __str__(self) -> str:
        return "immediate"


@dataclass(frozen=True)
class AfterPolls:
    polls: int

    def __post_init__(self) -> None:
        if self.polls < 1:
            raise ValueError("polls must be at least 1")

    def __str__(self) -> str:
        return f"polls:{self.polls}"


@dataclass(frozen=True)
class AfterSeconds:
    seconds: float

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError("seconds must be positive")

    def __str__(self) -> str:
        return f"seconds:{self.seconds:g}"


@dataclass(frozen=True)
class Manual:
    def __str__(self) -> str:
        return "manual"


Pace = Union[Immediate, AfterPolls, AfterSeconds, Manual]


def parse_pace(text: str) -> Pace:
    """Parse ``immediate``, ``manual``, ``polls:N`` or ``seconds:S``.

    :param text: the pace as settings, CLI flags and scenario files write it.
    :raises ValueError: with the accepted forms, for anything else.
    """
    kind, _, argument = str(text).strip().partition(":")
    try:
        if kind == "immediate" and not argument:
            return Immediate()
        if kind == "manual" and not argument:
            return Manual()
        if kind == "polls":
            return AfterPolls(int(argument))
        if kind == "seconds":
            return AfterSeconds(float(argument))
    except ValueError as exc:
        raise ValueError(f"invalid pace {text!r}: {exc}") from None
    raise ValueError(f"invalid pace {text!r}: use immediate, manual, polls:N or seconds:S")
