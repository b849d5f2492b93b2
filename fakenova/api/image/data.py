"""Glance v2 image data: ``PUT/GET /v2/images/{id}/file``, ``PUT .../stage`` and ``POST .../import``.

Uploads are ``application/octet-stream`` streamed into a spool that refuses to grow past the room left under
the image data limit (Glance's 413), so a client cannot make the server hold more than the limit. Downloads
honour ``Range`` (206 with ``Content-Range``; 416 when unsatisfiable) and carry ``Content-MD5``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO
from typing import Any, Optional, Tuple

from flask import Response, request

from ...domain import image_data
from ...domain.glance_errors import RangeNotSatisfiable, TooLarge, UnsupportedMediaTypeDetail
from ...domain.images import find_image
from ..http import context, json_response, runtime
from ..routing import Route
from .body import read_body

CHUNK = 64 * 1024


def _check_media() -> None:
    media = request.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip()
    if media != "application/octet-stream":
        raise UnsupportedMediaTypeDetail(f"Invalid content type {media or None}")


def _spool(limit: int) -> bytes:
    """The request body, read in chunks; more than ``limit`` bytes is a 413 before the rest is read."""
    # the JSON body cap does not apply, ``limit`` does: Flask reads None as "the app's cap", so the stream's own
    # bound is set just past what this loop reads before it refuses (Glance's 413, not the body cap's)
    request.max_content_length = limit + CHUNK + 1
    length = request.content_length
    if length is not None and length > limit:
        raise TooLarge()
    stream, spool, total = request.stream, BytesIO(), 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return spool.getvalue()
        total += len(chunk)
        if total > limit:
            raise TooLarge()
        spool.write(chunk)


def _receive(image_id: str, stage: bool) -> Response:
    _check_media()
    rt, ctx = runtime(), context()
    image_data.begin_upload(rt, ctx, image_id, stage=stage)
    try:
        data = _spool(image_data.room(rt))
    except BaseException:
        image_data.abort_upload(rt, ctx, image_id)
        raise
    image_data.finish_upload(rt, ctx, image_id, data, stage=stage)
    return json_response(None, 204)


def upload(image_id: str) -> Response:
    """``PUT /v2/images/{id}/file``: 204; the image is ``active`` with size and hashes."""
    return _receive(image_id, stage=False)


def stage(image_id: str) -> Response:
    """``PUT /v2/images/{id}/stage``: 204; the image is ``uploading`` until imported."""
    return _receive(image_id, stage=True)


def import_image(image_id: str) -> Response:
    """``POST /v2/images/{id}/import``: 202 with an empty body."""
    image_data.import_image(runtime(), context(), image_id, read_body())
    return Response(b"", status=202, content_type="text/html; charset=UTF-8")


def _task_time(when: Any) -> Any:
    """oslo's ``to_primitive`` of a datetime (``PERFECT_TIME_FORMAT``), as Glance serialises task rows."""
    if not isinstance(when, (int, float)):
        return when
    return datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def image_tasks(image_id: str) -> Response:
    """``GET /v2/images/{id}/tasks``: ``{"tasks": [...]}``."""
    found = image_data.tasks(runtime(), context(), image_id)
    return json_response({"tasks": [{key: _task_time(value) if key.endswith("_at") else value
                                     for key, value in task.items()} for task in found]})


def _range(size: int) -> Optional[Tuple[int, int]]:
    """(first, last) byte of a ``Range: bytes=...`` request (one range, as Glance serves), else None."""
    header = request.headers.get("Range")
    if not header:
        return None
    unit, _, spec = header.partition("=")
    first_text, dash, last_text = spec.strip().partition("-")
    if unit.strip() != "bytes" or not dash or "," in spec:
        raise RangeNotSatisfiable()
    try:
        if not first_text:
            first, last = max(0, size - int(last_text)), size - 1
        else:
            first, last = int(first_text), min(int(last_text), size - 1) if last_text else size - 1
    except ValueError:
        raise RangeNotSatisfiable() from None
    if first > last or first >= size:
        raise RangeNotSatisfiable()
    return first, last


def download(image_id: str) -> Response:
    """``GET /v2/images/{id}/file``: 200 octets, 206 for a range, 204 when the image has no data."""
    rt, ctx = runtime(), context()
    octets = image_data.download(rt, ctx, image_id)
    if octets is None:
        return json_response(None, 204)
    image = find_image(rt.store, ctx, image_id) or {}
    headers = {"Content-Type": "application/octet-stream"}
    if image.get("checksum"):
        headers["Content-MD5"] = image["checksum"]
    span = _range(octets.size)
    status, (first, last) = (200, (0, octets.size - 1)) if span is None else (206, span)
    if span is not None:
        headers["Content-Range"] = f"bytes {first}-{last}/{octets.size}"
    headers["Content-Length"] = str(last + 1 - first)
    return Response(octets.chunks(first, last), status=status, headers=headers)


_IMAGE = "/v2/images/<image_id>"
ROUTES = (
    Route("PUT", f"{_IMAGE}/file", upload, policy="upload_image"),
    Route("GET", f"{_IMAGE}/file", download, policy="download_image"),
    Route("PUT", f"{_IMAGE}/stage", stage, policy="upload_image"),
    Route("POST", f"{_IMAGE}/import", import_image, policy="modify_image"),
    Route("GET", f"{_IMAGE}/tasks", image_tasks, policy="get_image"),
)
