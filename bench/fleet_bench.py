"""The fleet benchmark of ``make bench``: hypervisor lists with 10 000 servers on 100 hosts, against a bare
Flask route returning the same body. Prints one table; not a test (nothing here asserts).

Everything runs in this process through the WSGI test client (as ``list_servers.py`` does). Servers are
clones of one server created through the API, spread round-robin over the hosts and put in the store.

* **list 2.33 paged**: ``GET /os-hypervisors?limit=20&marker=<40th>`` (Nova's 2.33 paging).
* **detail 2.87**: ``GET /os-hypervisors/detail`` with the resource counters summed from every server.
* **detail 2.88**: ``GET /os-hypervisors/detail`` (no counters: uptime only).
* **with_servers 2.53**: ``GET /os-hypervisors?with_servers=true&hypervisor_hostname_pattern=compute-7``.
* **statistics**: ``GET /os-hypervisors/statistics`` (2.87).

Run: ``python bench/fleet_bench.py [--runs 50] [--hosts 100] [--servers 10000]``.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Any, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import Flask, jsonify  # noqa: E402
from list_servers import IMAGE, timed  # noqa: E402

from fakenova import create_app  # noqa: E402
from fakenova.clock import ManualClock  # noqa: E402
from fakenova.settings import Settings  # noqa: E402


def _login(client: Any) -> Dict[str, str]:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": "admin", "domain": {"id": "default"}}}},
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
    return {"X-Auth-Token": client.post("/identity/v3/auth/tokens", json=body).headers["X-Subject-Token"]}


def build(hosts: int, servers: int) -> Tuple[Any, Dict[str, str]]:
    """An app with ``hosts`` compute hosts holding ``servers`` servers between them."""
    app = create_app(Settings(seed=1, hosts=hosts, quota={"instances": -1, "cores": -1, "ram": -1}),
                     clock=ManualClock())
    client = app.test_client()
    headers = _login(client)
    made = client.post("/compute/v2.1/servers", headers=headers, json={"server": {
        "name": "template", "imageRef": IMAGE, "flavorRef": "1"}})
    template_id = made.json["server"]["id"]
    client.get(f"/compute/v2.1/servers/{template_id}", headers=headers)
    store = app.extensions["fakenova"].store
    template = store.get("server", template_id)
    store.delete("server", template_id)
    for index in range(servers):
        host = f"fakenova-compute-{index % hosts + 1}"
        clone = dataclasses.replace(template, id=f"{index:08d}-0000-4000-8000-000000000000", name=f"vm-{index}",
                                    host=host, node=host)
        store.put("server", clone.id, clone, project=clone.project_id)
    return client, headers


def rows(client: Any, headers: Dict[str, str]) -> List[Tuple[str, str, str]]:
    """(row name, path, microversion) of each measured request."""
    return [
        ("list 2.33 paged", "/compute/v2.1/os-hypervisors?limit=20&marker=40", "2.33"),
        ("detail 2.87", "/compute/v2.1/os-hypervisors/detail", "2.87"),
        ("detail 2.88", "/compute/v2.1/os-hypervisors/detail", "2.88"),
        ("with_servers 2.53",
         "/compute/v2.1/os-hypervisors?with_servers=true&hypervisor_hostname_pattern=compute-7", "2.53"),
        ("statistics 2.87", "/compute/v2.1/os-hypervisors/statistics", "2.87"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--servers", type=int, default=10_000)
    args = parser.parse_args()
    client, headers = build(args.hosts, args.servers)
    print(f"\nos-hypervisors with {args.servers} servers on {args.hosts} hosts (median ms of {args.runs})")
    print(f"{'row':<20} {'items':>6} {'fakenova':>9} {'bare':>7} {'ratio':>6}")
    for name, path, version in rows(client, headers):
        versioned = {**headers, "OpenStack-API-Version": f"compute {version}"}
        response = client.get(path, headers=versioned)
        assert response.status_code == 200, (path, response.json)
        body = response.json
        bare = Flask("bare")
        bare.add_url_rule("/body", "body", lambda body=body: jsonify(body))
        bare_client = bare.test_client()
        ours = timed(lambda: client.get(path, headers=versioned), args.runs)
        ceiling = timed(lambda: bare_client.get("/body"), args.runs)
        items = len(body.get("hypervisors", ())) or 1
        print(f"{name:<20} {items:>6} {ours:>9.2f} {ceiling:>7.2f} {ours / ceiling:>6.1f}")


if __name__ == "__main__":
    main()
