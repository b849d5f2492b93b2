"""``os-instance_usage_audit_log``: the summary of the usage audit of the last completed audit period.

Nova's audit (``instance_usage_audit``, off by default) writes task logs that this API sums up; fakenova
runs no audit, so every summary is Nova's answer with no task logs: every compute host not run, nothing
done. The period is Nova's default ``instance_usage_audit_period`` (a month): the most recent whole month
that ended before ``before`` (or now).
"""
from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from . import errors
from . import hosts as fleet
from .context import RequestContext
from .ports import Runtime

#: the formats of ``GET .../{before}``: with microseconds when the text has a dot
_BEFORE_FORMATS = {True: "%Y-%m-%d %H:%M:%S.%f", False: "%Y-%m-%d %H:%M:%S"}


@dataclass(frozen=True)
class AuditSummary:
    """One summary: the period as Nova prints it and the compute hosts whose audit has not run."""

    period_beginning: str
    period_ending: str
    hosts_not_run: Tuple[str, ...]
    log: Dict[str, Any] = field(default_factory=dict)

    @property
    def overall_status(self) -> str:
        done = "ALL" if not self.hosts_not_run else f"0 of {len(self.hosts_not_run)}"
        return f"{done} hosts done. 0 errors."


def compute_hosts(runtime: Runtime) -> Tuple[str, ...]:
    """The hosts of the compute services, in the order they were seeded."""
    return tuple(record["host"] for record in fleet.compute_hosts(runtime.store))


def _wrap(year: int, month: int) -> Tuple[int, int]:
    # month 0 is December of the year before
    return (year - 1, 12) if month < 1 else (year, month)


def last_completed_month(before: float) -> Tuple[str, str]:
    """Nova's ``last_completed_audit_period`` for a monthly period: the (begin, end) texts."""
    now = time.gmtime(before)
    year, month = now.tm_year, now.tm_mon
    if calendar.timegm((year, month, 1, 0, 0, 0)) >= before:  # before is the very start of its month
        year, month = _wrap(year, month - 1)
    begin_year, begin_month = _wrap(year, month - 1)
    return f"{begin_year:04d}-{begin_month:02d}-01 00:00:00", f"{year:04d}-{month:02d}-01 00:00:00"


def _parse_before(text: str) -> float:
    pattern = _BEFORE_FORMATS["." in text]
    whole, _, fraction = text.partition(".") if "." in text else (text, "", "")
    try:
        if fraction and (not fraction.isdigit() or len(fraction) > 6):
            raise ValueError(text)
        return calendar.timegm(time.strptime(whole, pattern.replace(".%f", ""))) + float(f"0.{fraction or 0}")
    except ValueError:
        raise errors.BadRequest(f"Invalid timestamp for date {text}") from None


def summary(runtime: Runtime, ctx: RequestContext, before: Optional[str] = None) -> AuditSummary:
    """The index (``before`` None: the period before now) or the show of one ``before`` time (admin only)."""
    begin, end = last_completed_month(ctx.now if before is None else _parse_before(before))
    return AuditSummary(begin, end, compute_hosts(runtime))
