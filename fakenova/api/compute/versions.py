"""Compute version discovery: ``/compute/``, ``/compute/v2.1`` and ``/compute/v2.1/versions/v2.1``.

Shaped exactly as Nova's (nova-facts a.2); the advertised maximum follows the settings, so an emulated old
cloud says so in its documents too.
"""
from __future__ import annotations

from typing import Any, Dict

from flask import Response

from ...domain import errors
from ...microversions import VersionRange
from ..http import base_url, json_response, runtime
from ..routing import Route


def _base() -> str:
    return base_url() + "/compute"


def _v21(links_describedby: bool) -> Dict[str, Any]:
    settings = runtime().settings
    document: Dict[str, Any] = {
        "id": "v2.1", "status": "CURRENT", "version": str(settings.max_version),
        "min_version": str(settings.min_version), "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "self", "href": f"{_base()}/v2.1/"}],
    }
    if links_describedby:
        document["links"].append({"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"})
        document["media-types"] = [{"base": "application/json",
                                    "type": "application/vnd.openstack.compute+json;version=2.1"}]
    return document


def _v20(links_describedby: bool) -> Dict[str, Any]:
    document: Dict[str, Any] = {"id": "v2.0", "status": "DEPRECATED", "version": "", "min_version": "",
                                "updated": "2025-07-04T12:00:00Z", "links": [{"rel": "self", "href": f"{_base()}/v2/"}]}
    if links_describedby:
        document["links"].append({"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"})
        document["media-types"] = [{"base": "application/json",
                                    "type": "application/vnd.openstack.compute+json;version=2"}]
    return document


def root() -> Response:
    """``GET /compute/``: both API versions, without media types (no version headers)."""
    return json_response({"versions": [_v20(links_describedby=False), _v21(links_describedby=False)]})


def v20() -> Response:
    """``GET /compute/v2``: the legacy v2.0 document (no version headers: v2.0 has no microversions)."""
    return json_response({"version": _v20(links_describedby=True)})


def show_v20(version_id: str) -> Response:
    """``GET /compute/v2/versions/<id>``: Nova shows the v2.0 document whatever the id."""
    return v20()


def v21() -> Response:
    """``GET /compute/v2.1``: the v2.1 document with media types (version headers are added)."""
    return json_response({"version": _v21(links_describedby=True)})


def show(version_id: str) -> Response:
    """``GET /compute/v2.1/versions/<id>``: the same document, authenticated; 404 for other ids."""
    if version_id != "v2.1":
        raise errors.NotFound()
    return v21()


ROUTES = (
    Route("GET", "", v21, public=True),
    Route("GET", "/versions/<version_id>", show, VersionRange(), unguarded="Nova checks no policy here"),
)
LEGACY_V2_ROUTES = (
    Route("GET", "", v20, public=True),
    Route("GET", "/versions/<version_id>", show_v20, unguarded="Nova checks no policy here"),
)
