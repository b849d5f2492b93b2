"""Glance's default policy rules (``glance/policies/*.py``, the new defaults), rule name -> check string.

Glance's ``context_is_admin`` is ``role:admin``; ``default`` is the empty rule (anyone), which the task,
metadef and discovery rules fall back to; ``service_api`` is ``role:service``.
"""
from __future__ import annotations

from typing import Dict

_PROJECT_MEMBER = "role:member and project_id:%(project_id)s"
_PROJECT_READER = "role:reader and project_id:%(project_id)s"
_IMAGE_MEMBER = "project_id:%(member_id)s"
_VISIBLE = ("(project_id:%(project_id)s or " + _IMAGE_MEMBER
            + " or 'community':%(visibility)s or 'public':%(visibility)s or 'shared':%(visibility)s)")
_ADMIN = "rule:context_is_admin"
_ADMIN_OR_MEMBER = f"{_ADMIN} or ({_PROJECT_MEMBER})"
_ADMIN_OR_READER = f"{_ADMIN} or ({_PROJECT_READER})"
_GET_IMAGE = f"{_ADMIN} or (role:reader and {_VISIBLE})"
_DOWNLOAD_IMAGE = f"{_ADMIN} or (role:member and {_VISIBLE})"
_CREATE_IMAGE = f"{_ADMIN} or ({_PROJECT_MEMBER} and project_id:%(owner)s)"
_SHARED_MEMBER = f"{_ADMIN} or (role:member and {_IMAGE_MEMBER})"
_READER_OR_SHARED_MEMBER = f"{_ADMIN} or role:reader and (project_id:%(project_id)s or {_IMAGE_MEMBER})"
_SERVICE = "rule:service_api"
_GET_NAMESPACE = f"{_ADMIN} or (role:reader and (project_id:%(project_id)s or 'public':%(visibility)s))"
_METADEF_ADMIN = "rule:metadef_admin"

#: Glance's ``exception.Forbidden`` for a refused policy (``glance_errors.not_authorized``)
FORBIDDEN = "You are not authorized to complete {rule} action."

RULES: Dict[str, str] = {
    "context_is_admin": "role:admin",
    "default": "",
    "service_api": "role:service",
    # images
    "add_image": _CREATE_IMAGE,
    "delete_image": _ADMIN_OR_MEMBER,
    "get_image": _GET_IMAGE,
    "get_images": _ADMIN_OR_READER,
    "modify_image": _ADMIN_OR_MEMBER,
    "publicize_image": _ADMIN,
    "communitize_image": _ADMIN_OR_MEMBER,
    "download_image": _DOWNLOAD_IMAGE,
    "download_from_store": _DOWNLOAD_IMAGE,
    "upload_image": _ADMIN_OR_MEMBER,
    "delete_image_location": _ADMIN,
    "get_image_location": _ADMIN_OR_READER,
    "set_image_location": _ADMIN_OR_MEMBER,
    "add_image_location": f"{_SERVICE} or ({_PROJECT_MEMBER} and project_id:%(owner)s)",
    "fetch_image_location": _SERVICE,
    "add_member": _ADMIN_OR_MEMBER,
    "delete_member": _ADMIN_OR_MEMBER,
    "get_member": _READER_OR_SHARED_MEMBER,
    "get_members": _READER_OR_SHARED_MEMBER,
    "modify_member": _SHARED_MEMBER,
    "manage_image_cache": _ADMIN,
    "deactivate": _ADMIN_OR_MEMBER,
    "reactivate": _ADMIN_OR_MEMBER,
    "copy_image": _ADMIN,
    # tasks (glance/policies/tasks.py): the default rule, and the tasks API itself admin-only
    "get_task": "rule:default",
    "get_tasks": "rule:default",
    "add_task": "rule:default",
    "modify_task": "rule:default",
    "tasks_api_access": _ADMIN,
    # discovery (glance/policies/discovery.py)
    "stores_info_detail": f"{_ADMIN} or {_SERVICE}",
    # metadata definitions (glance/policies/metadef.py): reads by a reader of the owning project or of a
    # public namespace, writes admin-only; the target is the namespace's owner and visibility
    "metadef_default": "",
    "metadef_admin": _ADMIN,
    **{rule: _GET_NAMESPACE for rule in (
        "get_metadef_namespace", "get_metadef_object", "get_metadef_objects", "list_metadef_resource_types",
        "get_metadef_resource_type", "get_metadef_property", "get_metadef_properties", "get_metadef_tag",
        "get_metadef_tags")},
    "get_metadef_namespaces": _ADMIN_OR_READER,
    **{rule: _METADEF_ADMIN for rule in (
        "modify_metadef_namespace", "add_metadef_namespace", "delete_metadef_namespace", "modify_metadef_object",
        "add_metadef_object", "delete_metadef_object", "add_metadef_resource_type_association",
        "remove_metadef_resource_type_association", "modify_metadef_property", "add_metadef_property",
        "remove_metadef_property", "modify_metadef_tag", "add_metadef_tag", "add_metadef_tags",
        "delete_metadef_tag", "delete_metadef_tags")},
}
