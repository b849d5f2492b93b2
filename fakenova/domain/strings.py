"""Query and body strings read as oslo reads them: booleans (``strutils``) and ISO 8601 times (``timeutils``).

Nova, Keystone and Glance all read boolean flags through oslo's ``bool_from_string``; the strings are listed
here once, and each caller decides what an unrecognised string means (false, a default, or a 400). The
``changes-since``/``changes-before`` window of server and instance-action lists is parsed here too.
"""
from __future__ import annotations

import ipaddress
from datetime import datetime, timezone
from typing import Optional, Tuple

from . import errors

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


def parse_isotime(text: str) -> float:
    """Epoch seconds of an ISO 8601 time (``Z`` or an offset; naive means UTC); ValueError if it is not one."""
    when = datetime.fromisoformat(text.strip().replace("z", "Z"))
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


def _filter_time(name: str, text: Optional[str]) -> Optional[float]:
    if text is None:
        return None
    try:
        return parse_isotime(text)
    except ValueError:
        raise errors.BadRequest(f"Invalid filter field: {name}.") from None


def changes_window(since: Optional[str], before: Optional[str]) -> Tuple[Optional[float], Optional[float]]:
    """Nova's ``changes-since``/``changes-before`` pair as epoch seconds (None when absent).

    A value that is not a time is 400 ``Invalid filter field: <name>.``; a window ending before it starts is
    400 too, worded as Nova's.
    """
    start, end = _filter_time("changes-since", since), _filter_time("changes-before", before)
    if start is not None and end is not None and end < start:
        raise errors.BadRequest("The value of changes-since must be less than or equal to changes-before.")
    return start, end


def normal_ipv6(text: str) -> str:
    """An IPv6 address in the compact form Nova stores (``0:0:0:0:0:babe:220.12.22.2`` -> ``::babe:dc0c:1602``);
    the empty string (no address) and text that is no address (already refused by the schema) as given."""
    try:
        return str(ipaddress.IPv6Address(text)) if text else text
    except ValueError:
        return text
