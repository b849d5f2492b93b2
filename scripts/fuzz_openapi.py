"""``make fuzz``: schemathesis against the reference compute OpenAPI document, reporting 5xx per operation.

Starts a fakenova in this process on a free loopback port, takes an admin token, runs ``schemathesis run``
on every operation of the document for ``--max-time`` seconds, then reads fakenova's own request journal
(which records every status, and a traceback for each unexpected error) and prints the server errors per
operation (method and route). Exit status 1 when there was any. Not part of ``make test``: it takes minutes.
"""
from __future__ import annotations

import argparse
import collections
import subprocess
import sys
from pathlib import Path

import requests

from fakenova import create_app
from fakenova.serving import ServerThread
from fakenova.settings import Settings

VERSION = "2.96"  # the document's own microversion


def _token(url: str) -> str:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": "admin", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
    answer = requests.post(url + "/identity/v3/auth/tokens", json=body, timeout=10)
    answer.raise_for_status()
    return answer.headers["X-Subject-Token"]


def _operation(app, method: str, path: str) -> str:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path, method=method, return_rule=True)
        return f"{method} {rule.rule}"
    except Exception:  # no route (404/405): one bucket, not one line per generated path
        return f"{method} (no route)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--max-time", type=int, default=180, help="seconds schemathesis may run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--max-examples", type=int, default=10, help="generated cases per operation and phase")
    args = parser.parse_args()
    # the token lives longer than the run; the fuzzer's own deletes may not remove the admin
    app = create_app(Settings(seed=args.seed, token_ttl=24 * 3600.0, journal_limit=1_000_000))
    with ServerThread(app, threads=8) as server:
        token = _token(server.url)
        command = [sys.executable, "-m", "schemathesis.cli", "run", str(args.spec), "--url", server.url + "/compute",
                   "--header", f"X-Auth-Token: {token}", "--header", f"OpenStack-API-Version: compute {VERSION}",
                   "--checks", "not_a_server_error", "--max-time", str(args.max_time), "--workers",
                   str(args.workers), "--seed", str(args.seed), "--continue-on-failure", "--no-color",
                   "--suppress-health-check", "all", "--request-timeout", "30",
                   "--phases", "coverage,fuzzing", "--max-examples", str(args.max_examples)]
        print("running:", " ".join(command[2:6]), "...", flush=True)
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL if "-q" in sys.argv else None)
        journal = list(app.extensions["fakenova"].store.journal())
    requests_per_op: collections.Counter = collections.Counter()
    errors_per_op: collections.Counter = collections.Counter()
    for entry in journal:
        operation = _operation(app, entry["method"], entry["path"])
        requests_per_op[operation] += 1
        if entry["status"] >= 500:
            errors_per_op[operation] += 1
    print(f"\nfakenova journal: {len(journal)} requests over {len(requests_per_op)} routes; "
          f"{sum(errors_per_op.values())} server errors (5xx)")
    for operation, count in errors_per_op.most_common():
        print(f"  {count:5d} x 5xx  {operation}  (of {requests_per_op[operation]})")
    first = next((entry for entry in journal if entry.get("error")), None)
    if first is not None:
        print(f"\nfirst traceback ({first['method']} {first['path']}):\n{first['error']}")
    return 1 if errors_per_op else 0


if __name__ == "__main__":
    raise SystemExit(main())
