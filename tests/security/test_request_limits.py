"""Bodies no service will parse: nesting too deep (each service's own 400), and bodies over the size cap (413)
answered before they are read, whether sized by Content-Length or chunked."""
from __future__ import annotations

import socket
import time

import pytest
from support.server_api import Api, make_app

from fakenova import create_app
from fakenova.serving import ServerThread
from fakenova.settings import MAX_REQUEST_BODY, Settings

DEEP = "[" * 50_000 + "]" * 50_000  # RecursionError in json.loads (and under the size cap)
DEEPISH = '{"a":' * 40 + "1" + "}" * 40  # parses, but nothing fakenova reads is this deep


@pytest.fixture(scope="module")
def app():
    return make_app()


# (path, method, where the message is): each JSON endpoint family, in its service's error shape
ENDPOINTS = [
    ("/compute/v2.1/servers", "POST", lambda body: body["badRequest"]["message"]),
    ("/compute/v2.1/os-keypairs", "POST", lambda body: body["badRequest"]["message"]),
    ("/identity/v3/auth/tokens", "POST", lambda body: body["error"]["message"]),
    ("/network/v2.0/floatingips", "POST", lambda body: body["NeutronError"]["message"]),
    ("/_fakenova/seed", "POST", lambda body: body["badRequest"]["message"]),
]


@pytest.mark.parametrize("body", [DEEP, DEEPISH], ids=["recursion", "too-deep"])
@pytest.mark.parametrize("path, method, message", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_deeply_nested_json_is_a_400_in_each_services_shape(app, path, method, message, body):
    token = Api(app).token
    answer = app.test_client().open(path, method=method, data=body,
                                    headers={"X-Auth-Token": token, "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.data[:200]
    assert message(answer.json)


def test_nested_json_is_refused_for_server_actions_and_metadata_too(app):
    api = Api(app)
    server_id = api.server()
    for path in (f"/servers/{server_id}/action", f"/servers/{server_id}/metadata", f"/servers/{server_id}"):
        method = "PUT" if path.endswith(server_id) else "POST"
        assert api(method, path, data=DEEP, content_type="application/json").status_code == 400
    assert api("GET", f"/servers/{server_id}").status_code == 200


def test_a_scenario_probe_reads_a_deep_body_without_failing(app):
    """The scenario engine reads request bodies too (Flask's get_json): same limits, no RecursionError."""
    client = app.test_client()
    loaded = client.post("/_fakenova/scenarios", json={"name": "flaky-503"})
    assert loaded.status_code == 201
    try:
        api = Api(app)
        answer = api("POST", "/servers", data=DEEP, content_type="application/json")
        assert answer.status_code in (400, 503)
    finally:
        client.delete("/_fakenova/scenarios", json={})


@pytest.fixture(scope="module")
def live():
    with ServerThread(create_app(Settings(seed=5))) as server:
        yield server


def _raw(server, request: bytes, send_more: bytes = b"") -> bytes:
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(request)
        if send_more:
            try:
                sock.sendall(send_more)
            except OSError:  # the server may already have answered and closed
                pass
        received = b""
        while True:  # "Connection: close": the server closes once it has answered
            try:
                data = sock.recv(65536)
            except OSError:
                return received
            if not data:
                return received
            received += data


POST_SERVERS = (b"POST /compute/v2.1/servers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Content-Type: application/json\r\n")


def test_content_length_over_the_cap_is_novas_413_without_the_app_reading_it(live):
    answer = _raw(live, POST_SERVERS +
                        b"Content-Length: %d\r\n\r\n" % (MAX_REQUEST_BODY + 1) + b"{" * (MAX_REQUEST_BODY + 1))
    assert answer.startswith(b"HTTP/1.1 413") and b"overLimit" in answer, answer[:300]


def test_a_huge_content_length_is_refused_without_reading(live):
    """Over the WSGI server's own buffer cap (1 MiB) no byte of the body is read: 413 at once."""
    started = time.perf_counter()
    answer = _raw(live, POST_SERVERS +
                        b"Content-Length: 100000000000\r\n\r\n")
    assert answer.split(b"\r\n")[0].startswith(b"HTTP/1.1 413")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("chunks", [4, 40], ids=["over-the-api-cap", "over-the-buffer-cap"])
def test_a_chunked_body_over_the_cap_is_413(live, chunks):
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(chunks)) + b"0\r\n\r\n"
    answer = _raw(live, POST_SERVERS +
                        b"X-Auth-Token: nope\r\nTransfer-Encoding: chunked\r\n\r\n", body)
    assert answer.split(b"\r\n")[0].startswith(b"HTTP/1.1 413"), answer[:300]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_image_upload_past_the_buffer_cap_reaches_glance(live, chunked):
    """Image data is streamed past the JSON cap, and waitress's own cap leaves room for the image data limit:
    a 2 MiB upload (tempest copies the 21 MB cirros) is stored, whether sized or chunked."""
    import requests
    from support.tokens import auth_headers

    headers = auth_headers(live.app)
    images = f"{live.url}/image/v2/images"
    made = requests.post(images, json={"disk_format": "raw", "container_format": "bare"}, headers=headers,
                         timeout=10)
    assert made.status_code == 201
    data = bytes(range(256)) * 8192
    body = iter([data[:len(data) // 2], data[len(data) // 2:]]) if chunked else data
    stored = requests.put(f"{images}/{made.json()['id']}/file", data=body, timeout=30,
                          headers={**headers, "Content-Type": "application/octet-stream"})
    assert (stored.status_code, stored.content) == (204, b"")
    back = requests.get(f"{images}/{made.json()['id']}/file", headers=headers, timeout=30)
    assert (back.status_code, back.headers["Content-Length"], back.content == data) == (200, str(len(data)), True)
