"""Glance's image and member schemas as data: what ``/v2/schemas/*`` shows and what create and PATCH validate.

The image schema is Glance's permissive one: its base properties (``glance/api/v2/images.py``), devstack's
custom properties (``etc/schema-image.json``), and any other key allowed as a string. A body that does not
match is Glance's 400 ``Provided object does not match schema 'image': <jsonschema's reason>``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

import jsonschema

from . import errors

_UUID = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
#: Glance's default ``[image_format]`` lists
DISK_FORMATS = ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")
CONTAINER_FORMATS = ("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed")
STATUSES = ("queued", "saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete",
            "deactivated")
VISIBILITIES = ("community", "public", "private", "shared")


def _string(max_length: int, nullable: bool = True, read_only: bool = False) -> Dict[str, Any]:
    prop: Dict[str, Any] = {"type": ["null", "string"] if nullable else "string", "maxLength": max_length}
    return {**prop, "readOnly": True} if read_only else prop


BASE_PROPERTIES: Mapping[str, Dict[str, Any]] = {
    "id": {"type": "string", "description": "An identifier for the image", "pattern": _UUID},
    "name": {**_string(255), "description": "Descriptive name for the image"},
    "status": {"type": "string", "readOnly": True, "description": "Status of the image", "enum": list(STATUSES)},
    "visibility": {"type": "string", "description": "Scope of image accessibility", "enum": list(VISIBILITIES)},
    "protected": {"type": "boolean", "description": "If true, image will not be deletable."},
    "os_hidden": {"type": "boolean",
                  "description": "If true, image will not appear in default image list response."},
    "checksum": {**_string(32, read_only=True), "description": "md5 hash of image contents."},
    "os_hash_algo": {**_string(64, read_only=True), "description": "Algorithm to calculate the os_hash_value"},
    "os_hash_value": {**_string(128, read_only=True), "description":
                      "Hexdigest of the image contents using the algorithm specified by the os_hash_algo"},
    "owner": {**_string(255), "description": "Owner of the image"},
    "size": {"type": ["null", "integer"], "readOnly": True, "description": "Size of image file in bytes"},
    "virtual_size": {"type": ["null", "integer"], "readOnly": True,
                     "description": "Virtual size of image in bytes"},
    "container_format": {"type": ["null", "string"], "description": "Format of the container",
                         "enum": [None, *CONTAINER_FORMATS]},
    "disk_format": {"type": ["null", "string"], "description": "Format of the disk", "enum": [None, *DISK_FORMATS]},
    "created_at": {"type": "string", "readOnly": True, "description": "Date and time of image registration"},
    "updated_at": {"type": "string", "readOnly": True,
                   "description": "Date and time of the last image modification"},
    "tags": {"type": "array", "description": "List of strings related to the image",
             "items": {"type": "string", "maxLength": 255}},
    "direct_url": {"type": "string", "readOnly": True,
                   "description": "URL to access the image file kept in external store"},
    "min_ram": {"type": "integer", "description": "Amount of ram (in MB) required to boot image."},
    "min_disk": {"type": "integer", "description": "Amount of disk space (in GB) required to boot image."},
    "self": {"type": "string", "readOnly": True, "description": "An image self url"},
    "file": {"type": "string", "readOnly": True, "description": "An image file url"},
    "stores": {"type": "string", "readOnly": True, "description": "Store in which image data resides.  Only "
               "present when the operator has enabled multiple stores.  May be a comma-separated list of store "
               "identifiers."},
    "schema": {"type": "string", "readOnly": True, "description": "An image schema url"},
    "locations": {"type": "array", "description": "A set of URLs to access the image file kept in external store",
                  "items": {"type": "object", "required": ["url", "metadata"], "properties": {
                      "url": {"type": "string", "maxLength": 255}, "metadata": {"type": "object"}}}},
}
#: devstack's ``schema-image.json`` (custom properties every Glance there advertises)
CUSTOM_PROPERTIES: Mapping[str, Dict[str, Any]] = {
    "kernel_id": {"type": ["null", "string"], "pattern": _UUID, "is_base": False,
                  "description": "ID of image stored in Glance that should be used as the kernel when booting an "
                                 "AMI-style image."},
    "ramdisk_id": {"type": ["null", "string"], "pattern": _UUID, "is_base": False,
                   "description": "ID of image stored in Glance that should be used as the ramdisk when booting "
                                  "an AMI-style image."},
    "instance_uuid": {"type": "string", "is_base": False,
                      "description": "Metadata which can be used to record which instance this image is "
                                     "associated with. (Informational only, does not create an instance "
                                     "snapshot.)"},
    "architecture": {"type": "string", "is_base": False,
                     "description": "Operating system architecture as specified in "
                                    "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"},
    "os_distro": {"type": "string", "is_base": False,
                  "description": "Common name of operating system distribution as specified in "
                                 "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"},
    "os_version": {"type": "string", "is_base": False,
                   "description": "Operating system version as specified by the distributor."},
    "description": {"type": "string", "is_base": False, "description": "A human-readable string describing "
                    "this image."},
    "cinder_encryption_key_id": {"type": "string", "is_base": False, "description": "Identifier in the OpenStack "
                                 "Key Management Service for the encryption key for the Block Storage Service to "
                                 "use when mounting a volume created from this image"},
    "cinder_encryption_key_deletion_policy": {"type": "string", "enum": ["on_image_deletion", "do_not_delete"],
                                              "is_base": False, "description": "States the condition under which "
                                              "the Image Service will delete the object associated with the "
                                              "'cinder_encryption_key_id' image property."},
}
_LINKS: List[Dict[str, str]] = [{"rel": "self", "href": "{self}"}, {"rel": "enclosure", "href": "{file}"},
                                {"rel": "describedby", "href": "{schema}"}]


def image_schema() -> Dict[str, Any]:
    """``GET /v2/schemas/image``."""
    return {"name": "image", "properties": {**BASE_PROPERTIES, **CUSTOM_PROPERTIES},
            "additionalProperties": {"type": "string"}, "links": _LINKS}


def images_schema() -> Dict[str, Any]:
    """``GET /v2/schemas/images``."""
    return {"name": "images", "properties": {
        "images": {"type": "array", "items": image_schema()}, "schema": {"type": "string"},
        "first": {"type": "string"}, "next": {"type": "string"}},
        "links": [{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"},
                  {"rel": "describedby", "href": "{schema}"}]}


MEMBER_PROPERTIES: Mapping[str, Dict[str, Any]] = {
    "member_id": {"type": "string", "description": "An identifier for the image member (tenantId)"},
    "image_id": {"type": "string", "description": "An identifier for the image", "pattern": _UUID},
    "created_at": {"type": "string", "description": "Date and time of image member creation"},
    "updated_at": {"type": "string", "description": "Date and time of last modification of image member"},
    "status": {"type": "string", "description": "The status of this image member",
               "enum": ["pending", "accepted", "rejected"]},
    "schema": {"readOnly": True, "type": "string"},
}


def member_schema() -> Dict[str, Any]:
    """``GET /v2/schemas/member``."""
    return {"name": "member", "properties": dict(MEMBER_PROPERTIES), "additionalProperties": False}


def members_schema() -> Dict[str, Any]:
    """``GET /v2/schemas/members``."""
    return {"name": "members", "properties": {"members": {"type": "array", "items": member_schema()},
                                              "schema": {"type": "string"}},
            "links": [{"rel": "self", "href": "{self}"}, {"rel": "describedby", "href": "{schema}"}]}


_RAW = {"properties": {**BASE_PROPERTIES, **CUSTOM_PROPERTIES}, "additionalProperties": {"type": "string"}}


def validate_image(obj: Mapping[str, Any]) -> None:
    """Glance's ``schema.validate``: 400 ``Provided object does not match schema 'image': ...``."""
    try:
        jsonschema.validate(obj, _RAW)
    except jsonschema.ValidationError as exc:
        raise errors.BadRequest(f"Provided object does not match schema 'image': {exc}") from None
