"""Per-host usage counters: the store's grouped running totals (GroupedStore) agree with a pass over every
server through creates, resizes, moves and deletes, and a store without the capability falls back to the pass."""
from __future__ import annotations

from typing import Any, Dict

import pytest
from support.server_api import IMAGE, Api, make_app

from fakenova.domain import hosts as fleet
from fakenova.domain import hypervisors
from fakenova.store import MemoryStore
from fakenova.store.base import GroupedStore


def _group(value: Dict[str, Any]) -> Any:
    return value.get("host")


def _part(value: Dict[str, Any]) -> tuple:
    return (1, value["size"])


def test_grouped_totals_follow_puts_moves_deletes_and_clear():
    store = MemoryStore()
    assert isinstance(store, GroupedStore)
    store.put("thing", "early", {"host": "h1", "size": 4})
    store.define_groups("thing", "size", _group, _part)
    assert store.group_totals("thing", "size") == {"h1": (1, 4)}  # records already stored count at once
    store.put("thing", "a", {"host": "h1", "size": 5})
    store.put("thing", "b", {"host": "h2", "size": 7})
    store.put("thing", "nowhere", {"host": None, "size": 9})  # no group: counts nowhere
    assert store.group_totals("thing", "size") == {"h1": (2, 9), "h2": (1, 7)}
    store.compute("thing", "b", lambda value: {**value, "host": "h1"})  # moved to another group
    assert store.group_totals("thing", "size") == {"h1": (3, 16)}  # the emptied group is forgotten
    store.define_groups("thing", "size", lambda value: "x", _part)  # the first definition wins
    store.delete("thing", "a")
    assert store.group_totals("thing", "size") == {"h1": (2, 11)}
    store.clear(["thing"])
    assert store.group_totals("thing", "size") == {}
    store.put("thing", "c", {"host": "h3", "size": 1})  # still defined after a clear
    assert store.group_totals("thing", "size") == {"h3": (1, 1)}


class _PlainStore:
    """A store offering only the Store protocol (as a store without the capability would)."""

    def __init__(self, inner: MemoryStore) -> None:
        self.get, self.list, self.put, self.delete = inner.get, inner.list, inner.put, inner.delete
        self.compute, self.atomically = inner.compute, inner.atomically


def _counters(usage: Dict[str, fleet.Usage]) -> Dict[str, tuple]:
    return {host: (used.running, used.vcpus, used.memory_mb, used.local_gb) for host, used in usage.items()}


@pytest.fixture
def admin() -> Api:
    return Api(make_app(hosts=3), "admin", "admin")


def _boot(admin: Api, flavor: str) -> str:
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": flavor, "networks": "none"}
    response = admin("POST", "/servers", {"server": body}, version="2.37")
    assert response.status_code == 202, response.json
    return response.json["server"]["id"]


def test_indexed_counters_agree_with_a_pass_over_the_servers(admin):
    store = admin.app.extensions["fakenova"].store
    ids = [_boot(admin, flavor) for flavor in ("1", "2", "1", "3")]
    for server_id in ids:
        admin("GET", f"/servers/{server_id}")
    assert admin("DELETE", f"/servers/{ids[1]}").status_code == 204
    admin("GET", f"/servers/{ids[1]}")
    indexed = _counters(fleet.usage_by_host(store))
    assert indexed == _counters(fleet.usage_by_host(store, servers=True))
    assert indexed == _counters(fleet.usage_by_host(_PlainStore(store)))  # type: ignore[arg-type]
    assert sum(running for running, *_ in indexed.values()) == 3
    one = next(iter(indexed))
    assert _counters(fleet.usage_by_host(store, [one])) == {one: indexed[one]}


def test_hypervisor_detail_counters_come_from_the_totals(admin):
    server_id = _boot(admin, "2")
    host = admin("GET", f"/servers/{server_id}", version="2.37").json["server"]["OS-EXT-SRV-ATTR:host"]
    response = admin("GET", "/os-hypervisors/detail?limit=100", version="2.33")
    assert response.status_code == 200
    views = {view["hypervisor_hostname"]: view for view in response.json["hypervisors"]}
    assert len(views) == 3
    flavor = admin("GET", "/flavors/2").json["flavor"]
    assert (views[host]["running_vms"], views[host]["vcpus_used"], views[host]["memory_mb_used"],
            views[host]["local_gb_used"]) == (1, flavor["vcpus"], flavor["ram"], flavor["disk"])
    assert all(view["running_vms"] == 0 for name, view in views.items() if name != host)
    stats = hypervisors.statistics(admin.app.extensions["fakenova"].store, 0.0)
    assert (stats["count"], stats["running_vms"], stats["vcpus_used"]) == (3, 1, flavor["vcpus"])
