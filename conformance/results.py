"""Turn tempest's subunit stream into outcomes per test, a per-subpackage table, and the exclude-list verdict.

A class whose ``setUpClass`` failed reports one ``setUpClass (module.Class)`` result and none for its tests:
each listed test of that class counts as a *class setup error*. A listed test with no result at all (the run
was cut short) counts as *not run*. Both, like failures, must be in ``exclude.txt``; an excluded test that no
longer fails (passes, skips or is gone) must leave the list, so the list only shrinks.
"""
from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Set, Tuple

import subunit
import testtools

#: subunit status -> the table's column ("xfail" is tempest's expected failure, a pass for us)
STATUS_COLUMN = {"success": "passed", "xfail": "passed", "skip": "skipped", "fail": "failed",
                 "uxsuccess": "failed"}
COLUMNS = ("passed", "failed", "skipped", "class errors", "not run")
FAILING = {"failed", "class errors", "not run"}
_FIXTURE = re.compile(r"^(setUpClass|tearDownClass) \((?P<cls>[\w.]+)\)$")


def bare(test_id: str) -> str:
    """A test id without tempest's ``[id-...,smoke]`` attribute suffix."""
    return test_id.split("[", 1)[0]


def read_stream(data: bytes) -> Dict[str, Tuple[str, str]]:
    """subunit v2 bytes -> {bare id: (status, traceback text)}; fixture ids stay as subunit names them."""
    outcomes: Dict[str, Tuple[str, str]] = {}

    def record(test: Dict[str, object]) -> None:
        details = test.get("details") or {}
        text = "".join(content.as_text() for name, content in sorted(details.items())  # type: ignore[union-attr]
                       if name in ("traceback", "reason"))
        outcomes[bare(str(test["id"]))] = (str(test["status"]), text)

    stream = subunit.ByteStreamToStreamResult(io.BytesIO(data), non_subunit_name="stdout")
    result = testtools.StreamToDict(record)
    result.startTestRun()
    stream.run(result)
    result.stopTestRun()
    return outcomes


def classify(listed: Iterable[str], outcomes: Dict[str, Tuple[str, str]]) -> Dict[str, str]:
    """{bare test id: column} for every listed test (plus any failing class fixture, as ``Class.<fixture>``)."""
    by_class: Dict[str, str] = {}  # class path -> column for its tests (setUpClass skipped or failed)
    columns: Dict[str, str] = {}
    for test_id, (status, _) in outcomes.items():
        fixture = _FIXTURE.match(test_id)
        column = STATUS_COLUMN.get(status, "failed")
        if fixture and fixture.group(1) == "setUpClass" and column != "passed":
            # a skip_checks() SkipTest skips the class's tests; any other exception errors them
            by_class[fixture.group("cls")] = "skipped" if column == "skipped" else "class errors"
        elif fixture and column == "failed":  # tearDownClass: its tests ran, but it left something behind
            columns[f"{fixture.group('cls')}.tearDownClass"] = "failed"
    for test_id in listed:
        if test_id in outcomes:
            columns[test_id] = STATUS_COLUMN.get(outcomes[test_id][0], "failed")
        else:
            columns[test_id] = by_class.get(test_id.rsplit(".", 1)[0], "not run")
    return columns


def subpackage(test_id: str) -> str:
    """The table row of a test: compute's subpackages by their own name (``servers``; modules directly in
    compute -> ``compute``), other services' as ``service/subpackage`` (``image/v2``, ``network/admin``) or
    the bare service name (``network``)."""
    parts = test_id.split(".")
    service, part = parts[2], parts[3]
    if part.startswith("test_"):
        return service
    return part if service == "compute" else f"{service}/{part}"


def table(columns: Dict[str, str]) -> str:
    """A Markdown table: one row per subpackage and a total row."""
    rows: Dict[str, Counter[str]] = defaultdict(Counter)
    for test_id, column in columns.items():
        rows[subpackage(test_id)][column] += 1
    total: Counter[str] = sum(rows.values(), Counter())
    header = "| subpackage | " + " | ".join(COLUMNS) + " |"
    lines = [header, "|" + " --- |" * (len(COLUMNS) + 1)]
    for name, counts in [*sorted(rows.items()), ("**total**", total)]:
        lines.append(f"| {name} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


class ExcludeList(NamedTuple):
    """``exclude.txt``: ``<bare test id>  # <reason>`` per line; blank lines and ``#`` lines are comments."""
    reasons: Dict[str, str]

    @classmethod
    def read(cls, path: Path) -> "ExcludeList":
        reasons: Dict[str, str] = {}
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            test_id, _, reason = line.partition("#")
            if not reason.strip():
                raise ValueError(f"{path}:{number}: every excluded test needs a '# reason'")
            reasons[test_id.strip()] = reason.strip()
        return cls(reasons)

    def per_reason(self) -> Counter[str]:
        return Counter(self.reasons.values())


class Verdict(NamedTuple):
    """What makes ``make conformance`` fail: new failures, and excluded tests that no longer fail."""
    unexpected: List[Tuple[str, str]]  # (test id, column)
    stale: List[Tuple[str, str]]  # (test id, what it did instead of failing)

    @property
    def ok(self) -> bool:
        return not self.unexpected and not self.stale


def judge(columns: Dict[str, str], excluded: ExcludeList) -> Verdict:
    """Compare the run's outcomes with the exclude list."""
    unexpected = sorted((t, c) for t, c in columns.items() if c in FAILING and t not in excluded.reasons)
    stale = sorted((t, columns.get(t, "not run by tempest any more")) for t in excluded.reasons
                   if columns.get(t) not in FAILING)
    return Verdict(unexpected, stale)


def failing_ids(columns: Dict[str, str]) -> Set[str]:
    return {t for t, c in columns.items() if c in FAILING}
