"""Implied roles (role inference rules) and the effective role set they give, as Keystone expands them.

Rules are stored as kind ``implied_role`` keyed ``<prior id>:<implied id>``. The bootstrap chain is
admin => manager => member => reader; Keystone expands a token's roles through every rule, transitively.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Mapping

from ..ports import Store
from .records import Record


def rules(store: Store) -> List[Record]:
    """Every inference rule, in store order: ``{"prior_role_id", "implied_role_id"}``."""
    return list(store.list("implied_role"))


def implied_by(store: Store) -> Dict[str, List[str]]:
    """Prior role id -> the role ids it directly implies."""
    table: Dict[str, List[str]] = {}
    for rule in rules(store):
        table.setdefault(rule["prior_role_id"], []).append(rule["implied_role_id"])
    return table


def expand(store: Store, names: Iterable[str]) -> List[str]:
    """Role names with every role they imply (transitively) appended, each once, direct ones first."""
    roles = list(store.list("role"))
    by_name: Mapping[str, str] = {role["name"]: role["id"] for role in roles}
    by_id: Mapping[str, str] = {role["id"]: role["name"] for role in roles}
    table = implied_by(store)
    result = list(dict.fromkeys(names))
    index = 0
    while index < len(result):  # breadth first over a list that grows: no recursion, cycles stop by `in`
        for implied in table.get(by_name.get(result[index], ""), ()):
            name = by_id.get(implied)
            if name is not None and name not in result:
                result.append(name)
        index += 1
    return result
