"""Invariant: no stored string can break a later read, and no header built from user data can break a response.

Every string field a client can write is written with each hostile value (a lone surrogate, NUL, CR/LF, bidi
marks, very long text, astral and Latin-1 characters), and then every view that renders it is read. Writes
may be refused (4xx), never 5xx; reads must all answer 2xx/4xx with a JSON body. Lone surrogates are refused
at the edge (400) in every service's shape, whatever field they are in.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from support.server_api import IMAGE, PRIVATE, Api, make_app

from fakenova.api.http import header_value

LATEST = "2.100"
HOSTILE = {
    "surrogate": "\udc00",
    "nul": "a\x00b",
    "crlf": "a\r\nSet-Cookie: x=1",
    "bidi": "\u202eevil\u200f",
    "long": "x" * 5000,
    "astral": "\U0001f600",
    "latin1": "caf\xe9",
}


def _writes(value: str, server_id: str):
    """(method, path, body, version): every write that stores a client's string somewhere."""
    tag = quote(value, safe="", errors="surrogatepass")
    return [
        ("POST", "/servers", {"server": {
            "name": value, "description": value, "hostname": value, "imageRef": IMAGE, "flavorRef": "1",
            "networks": [{"uuid": PRIVATE}], "metadata": {value: value}, "tags": [value],
            "user_data": value, "key_name": value, "availability_zone": value,
            "security_groups": [{"name": value}]}}, LATEST),
        ("POST", "/servers", {"server": {"name": value, "imageRef": IMAGE, "flavorRef": "1",
                                         "networks": [{"uuid": PRIVATE}], "security_groups": [{"name": value}]}},
         "2.1"),
        ("PUT", f"/servers/{server_id}", {"server": {"name": value}}, "2.1"),
        ("PUT", f"/servers/{server_id}", {"server": {"description": value}}, LATEST),
        ("PUT", f"/servers/{server_id}", {"server": {"hostname": value}}, LATEST),
        ("POST", f"/servers/{server_id}/metadata", {"metadata": {value: value, "k": value}}, "2.1"),
        ("PUT", f"/servers/{server_id}/metadata/k", {"meta": {"k": value}}, "2.1"),
        ("PUT", f"/servers/{server_id}/tags", {"tags": [value]}, LATEST),
        ("PUT", f"/servers/{server_id}/tags/{tag}", None, LATEST),
        ("POST", f"/servers/{server_id}/action", {"lock": {"locked_reason": value}}, LATEST),
        ("POST", f"/servers/{server_id}/action", {"unlock": None}, LATEST),
        ("POST", f"/servers/{server_id}/action", {"createImage": {"name": value, "metadata": {value: value}}},
         LATEST),
        ("POST", f"/servers/{server_id}/action", {"rebuild": {"imageRef": IMAGE, "name": value,
                                                                "description": value,
                                                                "metadata": {value: value}}}, LATEST),
        ("POST", f"/servers/{server_id}/action", {"addSecurityGroup": {"name": value}}, "2.1"),
        ("POST", "/os-keypairs", {"keypair": {"name": value}}, LATEST),
    ]


READS = [
    ("/servers/{id}", "2.1"), ("/servers/{id}", "2.26"), ("/servers/{id}", "2.73"), ("/servers/{id}", LATEST),
    ("/servers", LATEST), ("/servers/detail", "2.1"), ("/servers/detail", LATEST),
    ("/servers/{id}/metadata", "2.1"), ("/servers/{id}/tags", LATEST),
    ("/servers/{id}/os-instance-actions", LATEST), ("/os-keypairs", LATEST), ("/images/detail", "2.35"),
]


def _read_everything(api: Api, server_id: str) -> None:
    for path, version in READS:
        answer = api("GET", path.format(id=server_id), version=version)
        assert answer.status_code < 500 and answer.is_json, (path, version, answer.status_code, answer.data[:300])
    for path in ("/image/v2/images", "/network/v2.0/ports", "/network/v2.0/floatingips"):
        answer = api.client.get(path, headers={"X-Auth-Token": api.token})
        assert answer.status_code < 500 and answer.is_json, (path, answer.data[:300])
    for path in ("/_fakenova/servers", "/_fakenova/journal"):
        answer = api.client.get(path)
        assert answer.status_code == 200 and answer.is_json, path
        json.dumps(answer.json, ensure_ascii=False).encode("utf-8")  # the journal holds encodable text only


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_no_hostile_string_breaks_a_write_or_any_later_read(kind):
    value = HOSTILE[kind]
    api = Api(make_app(), version=LATEST)
    server_id = api.server()
    for method, path, body, version in _writes(value, server_id):
        answer = api(method, path, body, version=version)
        assert answer.status_code < 500, (method, path, answer.status_code, answer.data[:300])
        assert answer.is_json or not answer.data, (method, path, answer.data[:300])
        for name, header in answer.headers.items():
            assert header == header_value(header), (name, header)  # printable ASCII only
        if kind == "surrogate" and "\\udc00" in json.dumps(body):
            assert answer.status_code == 400 and "surrogate" in answer.json["badRequest"]["message"], path
    _read_everything(api, server_id)


def test_surrogates_in_raw_utf8_bytes_are_refused_like_escaped_ones():
    api = Api(make_app(), version=LATEST)
    server_id = api.server()
    raw = b'{"metadata": {"k": "\xed\xb0\x80"}}'  # CESU-8: json.loads decodes it with "surrogatepass"
    answer = api("POST", f"/servers/{server_id}/metadata", data=raw, content_type="application/json")
    assert answer.status_code == 400 and "surrogate" in answer.json["badRequest"]["message"]
    assert api("GET", f"/servers/{server_id}").status_code == 200


def test_a_valid_surrogate_pair_is_one_character_and_is_kept():
    api = Api(make_app(), version=LATEST)
    server_id = api.server()
    answer = api("POST", f"/servers/{server_id}/metadata", data='{"metadata": {"k": "\\ud83d\\ude00"}}',
                 content_type="application/json")
    assert answer.status_code == 200 and answer.json["metadata"]["k"] == "\U0001f600"


@pytest.mark.parametrize("path, body, shape", [
    ("/identity/v3/auth/tokens", '{"auth": {"identity": {"methods": ["password"], "password": {"user": {'
     '"name": "\\udc00", "password": "x", "domain": {"id": "default"}}}}}}', "error"),
    ("/network/v2.0/floatingips", '{"floatingip": {"floating_network_id": "\\udc00"}}', "NeutronError"),
])
def test_surrogates_are_refused_in_each_services_own_shape(path, body, shape):
    app = make_app()
    api = Api(app)
    answer = app.test_client().post(path, data=body, headers={"X-Auth-Token": api.token,
                                                              "Content-Type": "application/json"})
    assert answer.status_code == 400 and shape in answer.json, answer.json


def test_a_tag_with_crlf_is_stored_and_its_location_is_percent_encoded():
    api = Api(make_app(), version=LATEST)
    server_id = api.server()
    answer = api("PUT", f"/servers/{server_id}/tags/{quote('a' + chr(13) + chr(10) + 'b' + chr(0x200f))}")
    assert answer.status_code == 201
    assert answer.headers["Location"].endswith(f"/servers/{server_id}/tags/a%0D%0Ab%E2%80%8F")
    assert api("GET", f"/servers/{server_id}/tags").json["tags"] == ["a\r\nb\u200f"]


@pytest.mark.parametrize("text, sent", [
    ("http://h/x", "http://h/x"), ('Keystone uri="http://h"', 'Keystone uri="http://h"'),
    ("a\r\nb", "a%0D%0Ab"), ("\x00", "%00"), ("\u20ac", "%E2%82%AC"), ("\udc00", "%ED%B0%80"),
])
def test_header_values_keep_printable_ascii_and_encode_the_rest(text, sent):
    assert header_value(text) == sent
