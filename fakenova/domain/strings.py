"""oslo's ``strutils.bool_from_string``: the one vocabulary of true and false strings every service uses.

Nova, Keystone and Glance all read boolean query flags and body values through oslo; the strings are
listed here once, and each caller decides what an unrecognised string means (false, a default, or a 400).
"""
from __future__ import annotations

from typing import Optional

#: oslo's ``TRUE_STRINGS`` and ``FALSE_STRINGS``
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")
#: oslo's wording of the acceptable values in its strict error (sorted, quoted)
ACCEPTABLE = ", ".join(f"'{text}'" for text in sorted(TRUE_STRINGS + FALSE_STRINGS))


def parse_bool(value: object) -> Optional[bool]:
    """True or False for a recognised value (a bool, or a string in either list, any case, spaces stripped),
    None for anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    return False if text in FALSE_STRINGS else None


def bool_from_string(value: object, default: bool = False) -> bool:
    """oslo's ``bool_from_string(value, default=default)``: anything unrecognised is ``default``."""
    parsed = parse_bool(value)
    return default if parsed is None else parsed

