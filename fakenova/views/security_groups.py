"""Nova's view of a Neutron security group and its ingress rules (``os-security-groups`` and
``/servers/{id}/os-security-groups``): a rule from a source group names that group, any other its CIDR."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

Group = Mapping[str, Any]


def rule(record: Mapping[str, Any], source: Optional[Group]) -> Dict[str, Any]:
    """One rule; ``source`` is the group a group rule admits traffic from."""
    body: Dict[str, Any] = {"id": record["id"], "parent_group_id": record["parent_group_id"],
                            "ip_protocol": record.get("ip_protocol"), "from_port": record.get("from_port"),
                            "to_port": record.get("to_port"), "group": {}, "ip_range": {}}
    if source:
        body["group"] = {"name": source["name"], "tenant_id": source["project_id"]}
    elif not record.get("group_id"):
        body["ip_range"] = {"cidr": record.get("cidr")}
    return body


def group(record: Group, known: Mapping[str, Group]) -> Dict[str, Any]:
    """One group; rules whose source group is gone are left out, as Nova leaves them out."""
    rules = [rule(item, known.get(item["group_id"]) if item.get("group_id") else None)
             for item in record.get("rules", ()) if not item.get("group_id") or item["group_id"] in known]
    return {"id": record["id"], "description": record.get("description", ""), "name": record["name"],
            "tenant_id": record["project_id"], "rules": rules}


def groups(records: Iterable[Group], known: Mapping[str, Group]) -> List[Dict[str, Any]]:
    """Groups sorted as Nova sorts them: by project, then name."""
    shown = [group(record, known) for record in records]
    return sorted(shown, key=lambda body: (body["tenant_id"], body["name"]))
