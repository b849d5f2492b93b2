"""Regular expressions from query strings: compiled once, refused when their shape is hostile, and every match
bounded *while it runs*.

Nova hands ``?name=`` and friends to the database (MySQL ``REGEXP``, whose ``regexp_time_limit`` stops a
runaway match). fakenova matches with the ``regex`` package, whose ``timeout=`` interrupts a match and which
releases the GIL while matching a ``str``, so a hostile pattern such as ``(a|aa){1,60}$`` neither runs
longer than the request's budget nor holds up other requests meanwhile. Two lines of defence:

* the pattern's *shape* is checked up front (a 400 naming the parameter, like Nova's schema errors): at most
  :data:`MAX_PATTERN` characters, no backreferences, star height 1 (no unbounded repeat around another repeat
  or an alternation: ``(a+)+``, ``(a|a)*``), at most :data:`MAX_UNBOUNDED` unbounded repeats; subjects are cut
  at :data:`MAX_SUBJECT` characters (Nova's columns are 255 wide anyway);
* bounded repeats can still backtrack exponentially (``(a|aa){1,60}$``), so the matches of one request share
  a :class:`Budget` of :data:`REQUEST_BUDGET` seconds, passed to each match as its timeout. When it is spent
  the request fails as Nova's does when MySQL gives up on a ``REGEXP`` (error 3699, "Timeout exceeded in
  regular expression match"): oslo.db raises ``DBError`` and the API answers **500 computeFault**
  (:class:`MatchTimeout`). A 400 would claim the client's pattern is invalid, which Nova never says of a
  pattern its database merely found too slow.
"""
from __future__ import annotations

import functools
import re
import sys
import time
from typing import Any, Callable, Optional

import regex

if sys.version_info >= (3, 11):  # Python 3.11 moved the parser; the module is the one re itself uses
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # not in typeshed
else:  # pragma: no cover - Python < 3.11
    import sre_parse

from . import errors

MAX_PATTERN = 512
MAX_SUBJECT = 255
MAX_UNBOUNDED = 2
REQUEST_BUDGET = 1.0  # seconds of regex matching per request
_UNBOUNDED = 64  # a repeat allowing more than this many is treated as unbounded

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)}
_REFERENCES = {sre_parse.GROUPREF, getattr(sre_parse, "GROUPREF_EXISTS", None)}


class MatchTimeout(errors.FakeNovaError):
    """The request's matching budget ran out: Nova's 500 when the database stops a ``REGEXP``."""

    code = 500
    msg_fmt = ("Unexpected API Error. Please contact the administrator\n<class 'oslo_db.exception.DBError'> "
               "(regular expression {param}={pattern!r}: matching took longer than {budget} s)")


class Unsafe(ValueError):
    """The pattern's shape could make a match run for too long; the text says why."""


def _children(op: Any, arg: Any) -> list:
    """The sub-patterns of one parsed node (groups, repeats, alternations, lookarounds)."""
    if op in _REPEATS:
        return [arg[2]]
    if op is sre_parse.SUBPATTERN:
        return [arg[-1]]
    if op is sre_parse.BRANCH:
        return list(arg[1])
    if op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
        return [arg[1]]
    return []


def _has_repeat_or_branch(nodes: Any) -> bool:
    for op, arg in nodes:
        if op in _REPEATS and arg[1] > 1 or op is sre_parse.BRANCH:
            return True
        if any(_has_repeat_or_branch(child) for child in _children(op, arg)):
            return True
    return False


def _count_unbounded(nodes: Any) -> int:
    """Unbounded repeats in the pattern; raises :class:`Unsafe` on the shapes that backtrack exponentially."""
    found = 0
    for op, arg in nodes:
        if op in _REFERENCES:
            raise Unsafe("backreferences are not supported")
        if op in _REPEATS and arg[1] > _UNBOUNDED:
            if _has_repeat_or_branch(arg[2]):
                raise Unsafe("a repeated group may not itself contain a repeat or an alternation")
            found += 1
        found += sum(_count_unbounded(child) for child in _children(op, arg))
    return found


def check(pattern: str) -> None:
    """Raise :class:`Unsafe` unless ``pattern`` is a regular expression fakenova will run."""
    if len(pattern) > MAX_PATTERN:
        raise Unsafe(f"patterns are limited to {MAX_PATTERN} characters")
    if _count_unbounded(sre_parse.parse(pattern)) > MAX_UNBOUNDED:
        raise Unsafe(f"at most {MAX_UNBOUNDED} unbounded repeats are supported")


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    """``pattern`` checked, then compiled by ``regex`` (version 0: ``re``'s syntax and meaning)."""
    check(pattern)
    return regex.compile(pattern, regex.VERSION0)


def _refuse(param: str, pattern: str, why: object) -> errors.BadRequest:
    return errors.BadRequest(f"Invalid input for query parameters {param}. Value: {pattern}. "
                             f"'{pattern}' is not a regular expression fakenova accepts: {why}")


class Budget:
    """Seconds of matching left to one request, shared by all its regex filters."""

    def __init__(self, seconds: float = REQUEST_BUDGET) -> None:
        self.left = seconds


def searcher(param: str, pattern: str, budget: Budget) -> Callable[[Optional[str]], bool]:
    """An unanchored search for ``pattern`` (as the database's ``REGEXP``), compiled once per pattern.

    :param param: the query parameter, for the 400 message.
    :param budget: the request's matching time, spent by every call.
    :raises errors.BadRequest: the pattern does not compile or is refused by :func:`check`.
    :raises MatchTimeout: from the returned function, when the budget is spent (even mid-match).
    """
    try:
        search = _compiled(pattern).search
    except (re.error, regex.error, Unsafe, RecursionError) as error:
        raise _refuse(param, pattern, error) from None

    def matches(subject: Optional[str]) -> bool:
        if subject is None:  # NULL columns never match a REGEXP
            return False
        if budget.left <= 0:
            raise MatchTimeout(param=param, pattern=pattern, budget=REQUEST_BUDGET)
        start = time.perf_counter()
        try:  # no match sees more than a column's width, nor runs past the request's budget
            found = search(subject[:MAX_SUBJECT], timeout=budget.left) is not None
        except TimeoutError:
            budget.left = 0.0
            raise MatchTimeout(param=param, pattern=pattern, budget=REQUEST_BUDGET) from None
        budget.left -= time.perf_counter() - start
        return found
    return matches
