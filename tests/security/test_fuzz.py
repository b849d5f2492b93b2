"""Generated bodies thrown at create, update, action, metadata and token: never a 5xx, and every read still works.

Hypothesis, derandomized (the same examples every run) and bounded, so this is an ordinary, fast part of
``make test``. The bodies mix Nova's real field names with hostile values (lone surrogates, NUL, CR/LF,
bidi marks, deep nesting, huge numbers, wrong types), which is where the defects of issue 15 lived.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.server_api import IMAGE, PRIVATE, Api, make_app

FUZZ = settings(derandomize=True, max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
VERSIONS = st.sampled_from(["2.1", "2.19", "2.26", "2.52", "2.73", "2.90", "2.100"])
HOSTILE_TEXT = st.sampled_from(["\udc00", "\ud800x", "a\x00b", "a\r\nb", "\u202e\u200f", "\U0001f600", "x" * 300,
                                "", " ", "../../etc/passwd", "(a|aa){1,60}$", "%0d%0a", "é"])
TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=20))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False), TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)
SERVER_FIELDS = st.sampled_from(["name", "description", "hostname", "imageRef", "flavorRef", "networks",
                                 "metadata", "tags", "user_data", "key_name", "availability_zone",
                                 "security_groups", "adminPass", "block_device_mapping_v2", "config_drive"])
ACTIONS = st.sampled_from(["os-start", "os-stop", "reboot", "rebuild", "resize", "confirmResize", "revertResize",
                           "createImage", "createBackup", "lock", "unlock", "pause", "unpause", "suspend",
                           "resume", "rescue", "unrescue", "shelve", "unshelve", "changePassword",
                           "addSecurityGroup", "removeSecurityGroup", "os-resetState", "migrate",
                           "os-migrateLive", "evacuate", "os-getConsoleOutput", "trigger_crash_dump"])
#: a deep body, spliced into some examples as raw text
DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture(scope="module")
def world():
    api = Api(make_app(), version="2.100")
    return api, api.server()


def _ok(answer, what) -> None:
    assert answer.status_code < 500, (what, answer.status_code, answer.data[:300])


def _reads_work(api: Api, server_id: str) -> None:
    for path in (f"/servers/{server_id}", "/servers/detail", f"/servers/{server_id}/metadata",
                 f"/servers/{server_id}/os-instance-actions"):
        answer = api("GET", path)
        assert answer.status_code == 200 and answer.is_json, (path, answer.data[:300])


@FUZZ
@given(fields=st.dictionaries(SERVER_FIELDS, VALUES, max_size=5), version=VERSIONS)
def test_create(world, fields, version):
    api, server_id = world
    body = {"server": {"name": "f", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}], **fields}}
    _ok(api("POST", "/servers", body, version=version), body)
    _reads_work(api, server_id)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["name", "description", "hostname", "accessIPv4"]), VALUES,
                              max_size=3), version=VERSIONS)
def test_update(world, fields, version):
    api, server_id = world
    _ok(api("PUT", f"/servers/{server_id}", {"server": fields}, version=version), fields)
    _ok(api("POST", f"/servers/{server_id}/metadata", {"metadata": fields}), fields)
    _reads_work(api, server_id)


@FUZZ
@given(action=ACTIONS, payload=VALUES, version=VERSIONS, deep=st.booleans())
def test_action(world, action, payload, version, deep):
    api, server_id = world
    body = json.dumps({action: payload}) if not deep else '{"%s": %s}' % (action, DEEP)
    answer = api("POST", f"/servers/{server_id}/action", data=body, content_type="application/json",
                 version=version)
    _ok(answer, body[:200])
    if deep:
        assert answer.status_code == 400
    _reads_work(api, server_id)


@FUZZ
@given(identity=VALUES, scope=VALUES)
def test_token(world, identity, scope):
    api, _ = world
    body = {"auth": {"identity": identity, "scope": scope}}
    answer = api.client.post("/identity/v3/auth/tokens", json=body)
    _ok(answer, body)
    assert "error" in answer.json or answer.status_code == 201
