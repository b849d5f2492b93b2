"""Nova's name formats: the fast path for printable ASCII decides exactly as the per-character rule does.

The rule, from Nova's regexes: every character printable (no ``C*``, no separator but ``Zs``), none of the
forbidden ones; "trimmed" names may not start or end with whitespace, the others need one non-space
character. A final newline is ignored, as Nova's ``$`` ignores it.
"""
from __future__ import annotations

import itertools

import pytest

from fakenova.api.schema_types import is_printable
from fakenova.api.validation import _name_ok

ALPHABET = [" ", "a", ":", "\n", "\t", "\x7f", "é", "\u00a0", "\u2028", "Z", "-"]


def reference(text: str, forbidden: str, trimmed: bool) -> bool:
    body = text[:-1] if text.endswith("\n") else text
    if not all(is_printable(char) and char not in forbidden for char in body):
        return False
    if trimmed:
        return not text or (is_printable(text[0], spaces=False) and is_printable(body[-1], spaces=False))
    return any(is_printable(char, spaces=False) for char in body)


@pytest.mark.parametrize("forbidden, trimmed", [("", True), ("", False), (":", True), (":", False)])
def test_every_short_name_gets_the_rule_s_verdict(forbidden: str, trimmed: bool) -> None:
    names = ["".join(chars) for size in range(5) for chars in itertools.product(ALPHABET, repeat=size)]
    wrong = [name for name in names if _name_ok(name, forbidden, trimmed) != reference(name, forbidden, trimmed)]
    assert wrong == []
    assert {_name_ok(name, forbidden, trimmed) for name in names} == {True, False}
