"""The interop guideline's required tests (``interop-2020.06.txt``): which to run, and how many of them pass.

The guideline names tests as tempest named them in 2020; tempest has renamed classes since, so a test is
matched by its idempotent id (the ``[id-...]`` attribute every tempest test carries), never by its name.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple

GUIDELINE = Path(__file__).resolve().parent / "interop-2020.06.txt"
_ID = re.compile(r"\bid-([0-9a-f-]{36})\b")


class Required(NamedTuple):
    """One required test of the guideline."""
    capability: str
    idempotent_id: str
    name: str
    flagged: bool

    @property
    def service(self) -> str:
        """``tempest.api.network.…`` -> ``network``."""
        return self.name.split(".")[2]


def load(path: Path = GUIDELINE) -> List[Required]:
    """The list file: ``capability  id  name  [flagged]`` per line; ``#`` lines are comments."""
    rows: List[Required] = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        capability, idempotent_id, name, *rest = line.split()
        rows.append(Required(capability, idempotent_id, name, rest == ["flagged"]))
    return rows


def regex(required: Iterable[Required]) -> str:
    """A ``tempest run --regex`` (and ``re.match``) pattern selecting exactly these tests by idempotent id."""
    ids = "|".join(sorted({r.idempotent_id for r in required}))
    return rf"^tempest\.[\w.]+\[[^\]]*\bid-(?:{ids})\b"


def idempotent_id(listed_id: str) -> str:
    """The idempotent id in a listed test id (``…test_x[id-<uuid>,smoke]``), or '' when it has none."""
    found = _ID.search(listed_id)
    return found.group(1) if found else ""


def summary(required: Iterable[Required], id_of: Dict[str, str], columns: Dict[str, str]) -> str:
    """A Markdown table per service: required tests, found in this tempest, and their outcomes.

    :param id_of: {bare test id: idempotent id} of every listed test.
    :param columns: {bare test id: column} as ``results.classify`` gives it.
    """
    column_of = {id_of[t]: c for t, c in columns.items() if t in id_of}
    counts: Dict[str, Counter[str]] = {}
    for test in required:
        row = counts.setdefault(test.service, Counter())
        row["required"] += 1
        row[column_of.get(test.idempotent_id, "not in this tempest")] += 1
    heads = ("required", "passed", "failed", "skipped", "class errors", "not run", "not in this tempest")
    lines = ["| service | " + " | ".join(heads) + " |", "|" + " --- |" * (len(heads) + 1)]
    lines += [f"| {service} | " + " | ".join(str(row[h]) for h in heads) + " |"
              for service, row in sorted(counts.items())]
    return "\n".join(lines)
