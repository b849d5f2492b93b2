"""Neutron's ``security-groups`` and ``security-group-rules`` as resources of the Neutron machinery.

The attribute tables are ``neutron/extensions/securitygroup.py``'s (plus the stateful, shared, normalized-cidr
and belongs-to-default-sg extensions); the hooks add what ``securitygroups_db.py`` does around them: the
project's default group made on first use, template rules on a new group, the default group's name kept, a
group in use by a port kept, rules checked and de-duplicated, quotas. Records live in
:mod:`fakenova.domain.security_groups`, the one copy Nova's proxy reads too.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import errors
from . import neutron_validators as v
from . import security_group_rule_checks as checks
from . import security_groups as groups
from .context import RequestContext
from .neutron_plugin import StoredPlugin
from .neutron_resource import REQUIRED, Attr, Record, definition, view
from .ports import Runtime, Store


class SecurityGroupNotFound(errors.NotFound):
    msg_fmt = "Security group {id} does not exist"


class SecurityGroupRuleNotFound(errors.NotFound):
    msg_fmt = "Security group rule {id} does not exist"


class SecurityGroupInUse(errors.Conflict):
    msg_fmt = "Security Group {id} in use."


class SecurityGroupCannotRemoveDefault(errors.Conflict):
    msg_fmt = "Insufficient rights for removing default security group."


class SecurityGroupCannotUpdateDefault(errors.Conflict):
    msg_fmt = "Updating default security group not allowed."


class SecurityGroupDefaultAlreadyExists(errors.Conflict):
    msg_fmt = "Default security group already exists."


def _name_not_default(data: Any) -> Optional[str]:
    reason = v.string(v.NAME_LEN)(data)
    if reason:
        return reason
    if data.lower() == "default":
        raise SecurityGroupDefaultAlreadyExists()
    return None


SECURITY_GROUP = definition(
    "security_group", "security_groups", not_found=lambda i: SecurityGroupNotFound(id=i), attrs=(
    Attr("name", post=True, put=True, default="", validate=_name_not_default),
    Attr("stateful", post=True, put=True, default=True, convert=v.to_boolean),
    Attr("shared"),
    Attr("security_group_rules", is_filter=False, is_sort_key=False),
))

SECURITY_GROUP_RULE = definition(
    "security_group_rule", "security_group_rules", not_found=lambda i: SecurityGroupRuleNotFound(id=i),
    tags=False, attrs=(
        Attr("name", visible=False, is_filter=False, is_sort_key=False),
        Attr("tags", visible=False, is_filter=False, is_sort_key=False),
        Attr("security_group_id", post=True, default=REQUIRED, validate=v.string(36)),
        Attr("remote_group_id", post=True, default=None),
        Attr("direction", post=True, default=REQUIRED, validate=v.values("ingress", "egress")),
        Attr("protocol", post=True, default=None, convert=checks.convert_protocol),
        Attr("port_range_min", post=True, default=None, convert=checks.convert_port),
        Attr("port_range_max", post=True, default=None, convert=checks.convert_port),
        Attr("ethertype", post=True, default="IPv4", convert=checks.convert_ethertype),
        Attr("remote_ip_prefix", post=True, default=None, convert=checks.convert_prefix),
        Attr("remote_address_group_id", post=True, default=None),
        Attr("normalized_cidr"),
        Attr("belongs_to_default_sg"),
    ))


def _normalized(prefix: Optional[str]) -> Optional[str]:
    return str(ipaddress.ip_network(prefix, strict=False)) if prefix else None


class _Derived(StoredPlugin):
    """A plugin whose bodies always show the derived values, also right after a create or update."""

    def body(self, store: Store, ctx: RequestContext, record: Record) -> Dict[str, Any]:
        return super().body(store, ctx, self.effective(store, record) or record)


class SecurityGroupRulePlugin(_Derived):
    """Rules: owned through their group (``sg_owner``), checked and de-duplicated as Neutron does."""

    quota = "security_group_rule"

    def _group(self, store: Store, group_id: Any) -> Record:
        found = store.get(groups.KIND, group_id) if isinstance(group_id, str) else None
        if found is None:
            raise SecurityGroupNotFound(id=group_id)
        return found

    def target(self, store: Store, record: Mapping[str, Any]) -> Dict[str, Any]:
        group = self._group(store, record.get("security_group_id"))
        return {**record, "security_group:project_id": group["project_id"]}

    def effective(self, store: Store, record: Record) -> Optional[Record]:
        group = store.get(groups.KIND, record["security_group_id"])
        return {**record, "normalized_cidr": _normalized(record.get("remote_ip_prefix")),
                "belongs_to_default_sg": bool(group and group["name"] == "default")}

    def records(self, store: Store, ctx: RequestContext,
                wanted: Optional[Mapping[str, Sequence[Any]]] = None) -> List[Record]:
        groups.ensure_default(store, ctx.project_id, ctx.now)
        return super().records(store, ctx, wanted)

    def authorize_create(self, store: Store, ctx: RequestContext, item: Record) -> None:
        groups.ensure_default(store, ctx.project_id, ctx.now)
        super().authorize_create(store, ctx, item)

    def check_create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        store = runtime.store
        rule = checks.validate(item)
        group = self._group(store, rule["security_group_id"])
        if rule.get("remote_group_id"):
            self._group(store, rule["remote_group_id"])
        if rule.get("remote_address_group_id"):
            raise errors.NotFound(f"Address group {rule['remote_address_group_id']} could not be found.")
        checks.check_new(groups.group_rules(store, group), [rule])
        return rule

    def store_new(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        runtime.store.put(self.definition.kind, record["id"], record, project=record.get("project_id"))


class SecurityGroupPlugin(_Derived):
    """Groups: the default one made on first use, template rules, the default group's name kept."""

    quota = "security_group"

    rules: SecurityGroupRulePlugin

    def __init__(self, rules: SecurityGroupRulePlugin) -> None:
        super().__init__(SECURITY_GROUP)
        self.rules = rules

    def effective(self, store: Store, record: Record) -> Optional[Record]:
        shown = [view(SECURITY_GROUP_RULE, rule) for rule in
                 (self.rules.effective(store, rule) for rule in groups.group_rules(store, record)) if rule]
        return {**groups.new_group(record["id"], record.get("project_id", ""), record["name"], "", 0.0),
                **record, "security_group_rules": shown}

    def records(self, store: Store, ctx: RequestContext,
                wanted: Optional[Mapping[str, Sequence[Any]]] = None) -> List[Record]:
        groups.ensure_default(store, ctx.project_id, ctx.now)
        return super().records(store, ctx, wanted)

    def get(self, store: Store, ctx: RequestContext, rid: str) -> Record:
        groups.ensure_default(store, ctx.project_id, ctx.now)
        return super().get(store, ctx, rid)

    def check_create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        groups.ensure_default(runtime.store, item["project_id"], ctx.now)
        return {**item, "shared": False}

    def store_new(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        store = runtime.store
        record = {key: value for key, value in record.items() if key != "security_group_rules"}
        with store.atomically():
            store.put(groups.KIND, record["id"], record, project=record["project_id"])
            for rule in groups.template_rules(record, ctx.now, runtime.ids):
                store.put(groups.RULE_KIND, rule["id"], rule, project=record["project_id"])

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        if record["name"] == "default" and "name" in changes:
            raise SecurityGroupCannotUpdateDefault()
        if "stateful" in changes and changes["stateful"] != record.get("stateful", True) and groups.in_use(
                runtime.store, record):
            raise SecurityGroupInUse(id=record["id"])
        return changes

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        if groups.in_use(runtime.store, record):
            raise SecurityGroupInUse(id=record["id"])
        if record["name"] == "default" and not ctx.is_admin:
            raise SecurityGroupCannotRemoveDefault()

    def after_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        for rule in groups.group_rules(runtime.store, record):
            runtime.store.delete(groups.RULE_KIND, rule["id"])


RULE_PLUGIN = SecurityGroupRulePlugin(SECURITY_GROUP_RULE)
GROUP_PLUGIN = SecurityGroupPlugin(RULE_PLUGIN)
