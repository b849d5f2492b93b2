"""Request schemas of os-quota-sets and os-quota-class-sets, per microversion.

Nova's ``nova/api/openstack/compute/schemas/quota_sets.py`` and ``quota_classes.py``: every limit is an integer
or a digit string from -1 to MAX_INT; the nova-network quotas leave quota sets at 2.36 and class sets at 2.50,
the personality (injected file) quotas leave both at 2.57. Quota *sets* also take ``force``.
"""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit

LIMIT: t.Schema = {"type": ["integer", "string"], "pattern": "^-?[0-9]+$", "minimum": -1, "maximum": 0x7FFFFFFF}

#: Nova's ``_quota_resources``, in its order (which decides the first error jsonschema reports).
RESOURCES = ("instances", "cores", "ram", "floating_ips", "fixed_ips", "metadata_items", "key_pairs",
             "security_groups", "security_group_rules", "injected_files", "injected_file_content_bytes",
             "injected_file_path_bytes", "server_groups", "server_group_members")
NETWORK = ("fixed_ips", "floating_ips", "security_groups", "security_group_rules")
PERSONALITY = ("injected_files", "injected_file_content_bytes", "injected_file_path_bytes")

_SET = ("properties", "quota_set")
_CLASS = ("properties", "quota_class_set")


def _body(key: str, *, force: bool) -> t.Schema:
    properties = {name: LIMIT for name in RESOURCES}
    if force:
        properties["force"] = t.BOOLEAN
    return t.object_of({key: t.object_of(properties)}, required=[key])


#: ``PUT /os-quota-sets/{project_id}``.
UPDATE = t.evolve("quota-sets-update", _body("quota_set", force=True), [
    ("2.36", [Edit(_SET, remove=NETWORK)]),
    ("2.57", [Edit(_SET, remove=PERSONALITY)]),
])

#: ``PUT /os-quota-class-sets/{id}`` (no ``force``: classes are not checked against usage).
CLASS_UPDATE = t.evolve("quota-class-sets-update", _body("quota_class_set", force=False), [
    ("2.50", [Edit(_CLASS, remove=NETWORK)]),
    ("2.57", [Edit(_CLASS, remove=PERSONALITY)]),
])

_USER_QUERY = t.object_of({"user_id": t.QUERY_STRING}, additional=True)
_STRICT = Edit(keywords={"additionalProperties": False})

#: show, detail, update and delete of a quota set: ``user_id``; unknown names refused from 2.75.
USER_QUERY = t.evolve("quota-sets-query", _USER_QUERY, [("2.75", [_STRICT])])
#: ``GET /os-quota-sets/{id}/defaults`` keeps accepting anything (Nova never tightened it).
DEFAULTS_QUERY = t.evolve("quota-sets-defaults-query", t.object_of({}, additional=True), [])
#: ``GET /os-quota-class-sets/{id}``: unknown names refused from 2.102.
CLASS_QUERY = t.evolve("quota-class-sets-query", t.object_of({}, additional=True), [("2.102", [_STRICT])])
