"""Draft exclude-list reasons from the request that failed (``python -m conformance --suggest FILE``).

tempest logs every request as ``Request (Class:test): <status> <METHOD> <url>``. For a test that did not pass,
the first request answered 404/405/501 whose path matches a row of ``GAPS`` names the missing API; a class
setup error looks at the class's ``setUpClass`` requests. Anything else is marked ``UNCLASSIFIED`` with the
exception's last line, for a person to read: the draft is reviewed by hand before it is committed.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

ISSUE12 = "not built yet: issue 12"
#: (path regex after the service prefix, reason); first match wins, so specific rows come first
GAPS: Tuple[Tuple[str, str], ...] = (
    (r"^/identity/v3/(users|projects|roles|domains|groups|role_assignments|credentials)",
     "needs Keystone admin API (issue 17)"),
    (r"^/volume|/os-volumes|/os-snapshots|/os-volume_attachments|/os-assisted-volume", "needs Cinder (issue 14)"),
    (r"^/network/", "needs Neutron writes (issue 13)"),
    (r"^/image/", "needs Glance writes (issue 13)"),
    (r"^/compute/v2/", f"{ISSUE12} (legacy v2.0 endpoint)"),
    (r"/flavors/[^/]+/os-extra_specs", f"{ISSUE12} (flavor extra specs)"),
    (r"/flavors/[^/]+/os-flavor-access|/flavors/[^/]+/action", f"{ISSUE12} (flavor access)"),
    (r"/flavors", f"{ISSUE12} (flavor management)"),
    (r"/os-server-groups", f"{ISSUE12} (server groups)"),
    (r"/os-hypervisors", f"{ISSUE12} (os-hypervisors)"),
    (r"/os-services", f"{ISSUE12} (os-services)"),
    (r"/os-aggregates", f"{ISSUE12} (os-aggregates)"),
    (r"/os-availability-zone", f"{ISSUE12} (os-availability-zone detail)"),
    (r"/os-hosts", f"{ISSUE12} (os-hosts)"),
    (r"/os-migrations|/servers/[^/]+/migrations", f"{ISSUE12} (migrations)"),
    (r"/os-simple-tenant-usage", f"{ISSUE12} (simple-tenant-usage)"),
    (r"/os-instance_usage_audit_log", f"{ISSUE12} (instance usage audit log)"),
    (r"/os-server-external-events", f"{ISSUE12} (server external events)"),
    (r"/extensions", f"{ISSUE12} (extensions listing)"),
    (r"/os-security-group|/os-security-groups", f"{ISSUE12} (security group proxies)"),
    (r"/os-floating-ip|/os-floating-ips", f"{ISSUE12} (floating IP proxies)"),
    (r"/os-networks|/os-tenant-networks", f"{ISSUE12} (network proxies)"),
    (r"/images", f"{ISSUE12} (image proxy writes)"),
)
_REQUEST = re.compile(r"Request \((?P<cls>\w+):(?P<test>\w+)\): (?P<status>\d{3}) (?P<method>[A-Z]+) "
                      r"https?://[^/]+(?P<path>/\S*)")
_MISSING = {"404", "405", "501"}


def requests_by_caller(log: str) -> Dict[Tuple[str, str], List[Tuple[str, str, str]]]:
    """{(class, test or setUpClass): [(status, method, path), ...]} in log order."""
    calls: Dict[Tuple[str, str], List[Tuple[str, str, str]]] = defaultdict(list)
    for match in _REQUEST.finditer(log):
        path = match.group("path").split("?", 1)[0]
        calls[(match.group("cls"), match.group("test"))].append((match.group("status"), match.group("method"), path))
    return calls


def gap(requests: Iterable[Tuple[str, str, str]]) -> Optional[str]:
    """The reason of the first 404/405/501 request whose path names a missing API, else None."""
    for status, method, path in requests:
        if status not in _MISSING:
            continue
        for pattern, reason in GAPS:
            if re.search(pattern, path):
                return f"{reason} [{status} {method} {_shape(path)}]"
    return None


def _shape(path: str) -> str:
    """A path with ids replaced, so tests failing on the same route group together."""
    path = re.sub(r"/v2\.1/[0-9a-f]{32}(?=/)", "/v2.1", path)
    return re.sub(r"/(\d+|[0-9a-f-]{32,36})(?=/|$)", "/{id}", path)


def suggest(test_id: str, failure: str, calls: Dict[Tuple[str, str], List[Tuple[str, str, str]]]) -> str:
    """One test's draft reason."""
    cls, test = test_id.split(".")[-2:]
    found = (gap(calls.get((cls, "setUpClass"), [])) or gap(calls.get((cls, "setUp"), []))
             or gap(calls.get((cls, test), [])))
    if found:
        return found
    last = [line for line in failure.strip().splitlines() if line.strip()][-1:] or ["no traceback"]
    return f"UNCLASSIFIED: {last[0].strip()[:160]}"


def write_draft(path: Path, failing: Set[str], outcomes: Dict[str, Tuple[str, str]], log: str) -> None:
    """Write ``<test id>  # <reason>`` lines grouped by reason (a blank line between groups)."""
    calls = requests_by_caller(log)
    fixture_text = {key.split("(", 1)[-1].rstrip(")"): text for key, (_, text) in outcomes.items()
                    if key.startswith("setUpClass")}
    groups: Dict[str, List[str]] = defaultdict(list)
    for test_id in sorted(failing):
        failure = outcomes.get(test_id, ("", fixture_text.get(test_id.rsplit(".", 1)[0], "")))[1]
        groups[suggest(test_id, failure, calls)].append(test_id)
    lines: List[str] = []
    for reason in sorted(groups):
        lines += [f"{test_id}  # {reason}" for test_id in groups[reason]] + [""]
    path.write_text("\n".join(lines))
