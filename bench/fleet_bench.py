"""The fleet benchmark of ``make bench``: hypervisor, migration and usage lists with 10 000 servers on 100 hosts,
each against a bare Flask route returning the same body. Prints one table; not a test (nothing here asserts).

Everything runs in this process through the WSGI test client (as ``list_servers.py`` does). Servers are
clones of one server created through the API, spread round-robin over the hosts and put in the store.

* **list 2.33 paged**: ``GET /os-hypervisors?limit=20&marker=<40th>`` (Nova's 2.33 paging).
* **detail 2.87**: ``GET /os-hypervisors/detail`` with the resource counters summed from every server.
* **detail 2.88**: ``GET /os-hypervisors/detail`` (no counters: uptime only).
* **with_servers 2.53**: ``GET /os-hypervisors?with_servers=true&hypervisor_hostname_pattern=compute-7``.
* **statistics**: ``GET /os-hypervisors/statistics`` (2.87).
* **detail 2.33 paged**: ``GET /os-hypervisors/detail?limit=100`` (every host's counters, one page).
* **migrations 2.59**: ``GET /os-migrations?limit=100`` among ``--migrations`` records (newest first).
* **usage 2.40**: ``GET /os-simple-tenant-usage?detailed=1&limit=100`` (the first 100 servers' usage).

Run: ``python bench/fleet_bench.py [--runs 50] [--hosts 100] [--servers 10000] [--migrations 1000]``.
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


def _migrations(store: Any, count: int, hosts: int) -> None:
    """``count`` clones of the first migration record, between consecutive hosts, one second apart."""
    template = store.list("migration")[0]
    for index in range(count):
        source, dest = (f"fakenova-compute-{(index + step) % hosts + 1}" for step in (0, 1))
        uuid = f"{index:08d}-1111-4000-8000-000000000000"
        store.put("migration", uuid, {**template, "uuid": uuid, "id": index + 2, "source_compute": source,
                                      "source_node": source, "dest_compute": dest, "dest_node": dest,
                                      "instance_uuid": f"{index % 10_000:08d}-0000-4000-8000-000000000000",
                                      "created_at": template["created_at"] + index,
                                      "updated_at": template["created_at"] + index})


def build(hosts: int, servers: int, migrations: int = 0) -> Tuple[Any, Dict[str, str]]:
    """An app with ``hosts`` compute hosts holding ``servers`` servers between them, and ``migrations``
    migration records (clones of one cold migration made through the API)."""
    clock = ManualClock()
    app = create_app(Settings(seed=1, hosts=hosts, quota={"instances": -1, "cores": -1, "ram": -1}), clock=clock)
    client = app.test_client()
    headers = _login(client)
    made = client.post("/compute/v2.1/servers", headers=headers, json={"server": {
        "name": "template", "imageRef": IMAGE, "flavorRef": "1"}})
    template_id = made.json["server"]["id"]
    client.get(f"/compute/v2.1/servers/{template_id}", headers=headers)
    store = app.extensions["fakenova"].store
    if migrations:
        client.post(f"/compute/v2.1/servers/{template_id}/action", headers=headers, json={"migrate": None})
        _migrations(store, migrations, hosts)
    template = store.get("server", template_id)
    store.delete("server", template_id)
    for index in range(servers):
        host = f"fakenova-compute-{index % hosts + 1}"
        clone = dataclasses.replace(template, id=f"{index:08d}-0000-4000-8000-000000000000", name=f"vm-{index}",
                                    host=host, node=host)
        store.put("server", clone.id, clone, project=clone.project_id)
    clock.advance(1800)  # half an hour of usage to report (within the token's hour)
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
        ("detail 2.33 paged", "/compute/v2.1/os-hypervisors/detail?limit=100", "2.33"),
        ("migrations 2.59", "/compute/v2.1/os-migrations?limit=100", "2.59"),
        ("usage 2.40", "/compute/v2.1/os-simple-tenant-usage?detailed=1&limit=100", "2.40"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--migrations", type=int, default=1_000)
    args = parser.parse_args()
    client, headers = build(args.hosts, args.servers, args.migrations)
    print(f"\nFleet lists with {args.servers} servers on {args.hosts} hosts and {args.migrations} migrations "
          f"(median ms of {args.runs})")
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
        items = max((len(value) for value in body.values() if isinstance(value, list)), default=1)
        print(f"{name:<20} {items:>6} {ours:>9.2f} {ceiling:>7.2f} {ours / ceiling:>6.1f}")


if __name__ == "__main__":
    main()
