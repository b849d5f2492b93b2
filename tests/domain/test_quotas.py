"""The quota domain on a bare store: layering of limits, usage, Nova's over-quota messages and settable ranges."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from fakenova.domain import errors, quota_sets, quotas
from fakenova.domain.context import Identity, RequestContext
from fakenova.domain.states import VmState
from fakenova.store.memory import MemoryStore

TINY = {"vcpus": 1, "ram": 512}
MEDIUM = {"vcpus": 2, "ram": 4096}


@pytest.fixture
def store():
    return MemoryStore()


def fake_server(**fields):
    """Just the fields quota counting and the store's server index read."""
    defaults = {"created_at": 0.0, "transition": None, "deleted": False, "vm_state": VmState.ACTIVE}
    return SimpleNamespace(**{**defaults, **fields})


def add_servers(store, count, flavor=TINY, project="p", user="u", **fields):
    for _ in range(count):
        key = f"s{store.next_counter('server')}"
        record = fake_server(id=key, flavor=flavor, user_id=user, project_id=project, **fields)
        store.put("server", key, record, project=project)


def message(raised) -> str:
    return raised.value.message


def test_limits_layer_defaults_class_project_and_user(store):
    assert quotas.quotas_for(store, "p") == dict(quotas.DEFAULT_QUOTAS)
    store.put(*quotas.DEFAULTS_KEY, {"instances": 5, "cores": 7})
    store.put(quotas.CLASS, "default", {"cores": 8})
    store.put(quotas.PROJECT, "p", {"ram": 9})
    quota_sets.update(store, "p", {"key_pairs": 3}, user_id="u", force=True)
    assert {k: quotas.quotas_for(store, "p")[k] for k in ("instances", "cores", "ram", "key_pairs")} == {
        "instances": 5, "cores": 8, "ram": 9, "key_pairs": 100}
    assert quotas.quotas_for(store, "p", "u")["key_pairs"] == 3
    assert quotas.quotas_for(store, "other")["ram"] == 51200
    assert quotas.class_quotas(store, "gold")["cores"] == 7  # other classes sit on the configured defaults only


def test_usage_skips_deleted_and_soft_deleted_and_filters_by_user(store):
    add_servers(store, 2)
    add_servers(store, 1, flavor=MEDIUM, user="v")
    store.put("server", "gone", fake_server(id="gone", flavor=TINY, user_id="u", deleted=True,
                                            vm_state=VmState.DELETED), project="p")
    store.put("server", "soft", fake_server(id="soft", flavor=TINY, user_id="u", vm_state=VmState.SOFT_DELETED),
              project="p")
    store.put("server_group", "g", {"user_id": "v"}, project="p")
    assert quotas.usage(store, "p") == {"instances": 3, "cores": 4, "ram": 5120, "server_groups": 1}
    assert quotas.usage(store, "p", "u") == {"instances": 2, "cores": 2, "ram": 1024, "server_groups": 0}


@pytest.mark.parametrize("limits, used, flavor, counts, expected", [
    ({}, 10, TINY, (1, 1), "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"),
    ({}, 9, TINY, (2, 4), "Quota exceeded for instances: Requested 2-4, but already used 9 of 10 instances"),
    ({"cores": 4}, 0, MEDIUM, (3, 3), "Quota exceeded for cores: Requested 6, but already used 0 of 4 cores"),
    ({"ram": 8000}, 0, MEDIUM, (2, 2), "Quota exceeded for ram: Requested 8192, but already used 0 of 8000 ram"),
    # every resource over at max_count is named, sorted, each with its own figures
    ({"instances": 3, "cores": 4, "ram": 4096}, 1, MEDIUM, (2, 3),
     "Quota exceeded for cores, instances, ram: Requested 6, 2-3, 12288, but already used 2, 1, 4096 of 4, 3, "
     "4096 cores, instances, ram"),
], ids=["instances", "range", "cores", "ram", "several"])
def test_over_quota_messages_are_novas(store, limits, used, flavor, counts, expected):
    store.put(quotas.PROJECT, "p", limits)
    add_servers(store, used, flavor=flavor)
    with pytest.raises(errors.QuotaExceeded) as raised:
        quotas.allowed_count(store, "p", flavor, *counts)
    assert raised.value.code == 403 and message(raised) == expected


def test_allowed_count_fits_between_min_and_max(store):
    add_servers(store, 6)
    assert quotas.allowed_count(store, "p", TINY, 1, 25) == 4
    store.put(quotas.PROJECT, "p", {"instances": -1, "cores": 8})
    assert quotas.allowed_count(store, "p", MEDIUM, 1, 5) == 1
    store.put(quotas.PROJECT, "p", {"instances": -1, "cores": -1, "ram": -1})
    assert quotas.allowed_count(store, "p", MEDIUM, 1, 500) == 500


def test_user_limits_are_enforced_and_quoted(store):
    quota_sets.update(store, "p", {"instances": 2}, user_id="u")
    add_servers(store, 2, user="u")
    add_servers(store, 3, user="v")
    assert quotas.allowed_count(store, "p", TINY, 1, 1, user_id="v") == 1
    with pytest.raises(errors.QuotaExceeded) as raised:
        quotas.allowed_count(store, "p", TINY, 1, 1, user_id="u")
    assert message(raised) == "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances"


def test_check_delta_for_resize_and_restore(store):
    add_servers(store, 10)
    quotas.check_delta(store, "p", cores=10, ram=1024)
    with pytest.raises(errors.QuotaExceeded) as raised:
        quotas.check_delta(store, "p", instances=1, cores=11, ram=1)
    assert message(raised) == ("Quota exceeded for cores, instances: Requested 11, 1, but already used 10, 10 "
                               "of 20, 10 cores, instances")


def test_metadata_items_limit(store):
    quotas.check_metadata_items(store, "p", "u", 128)
    with pytest.raises(quotas.MetadataLimitExceeded) as raised:
        quotas.check_metadata_items(store, "p", "u", 129)
    assert raised.value.code == 403 and message(raised) == "Maximum number of metadata items exceeds 128"


def test_settable_ranges_follow_usage_and_user_limits(store):
    add_servers(store, 3, user="u")
    quota_sets.update(store, "p", {"instances": 5, "cores": -1}, user_id="u", force=True)
    project = quota_sets.settable(store, "p")
    assert project["instances"] == {"minimum": 5, "maximum": -1}  # handed out to u outweighs the usage of 3
    assert project["cores"] == {"minimum": 3, "maximum": -1}  # Nova's raw sum: u's -1 frees one more core
    user = quota_sets.settable(store, "p", "u")
    assert user["instances"] == {"minimum": 3, "maximum": 10}  # project 10 - handed out 5 + u's own 5
    assert quota_sets.settable(store, "p", "v")["instances"] == {"minimum": 0, "maximum": 5}


@pytest.mark.parametrize("values, user, expected", [
    ({"instances": 2}, None, "Quota limit 2 for instances must be greater than or equal to already used and "
                             "reserved 3."),
    ({"cores": "1"}, "u", "Quota limit 1 for cores must be greater than or equal to already used and reserved 3."),
    ({"instances": 11}, "u", "Quota limit 11 for instances must be less than or equal to 10."),
    ({"instances": -1}, "u", "Quota limit -1 for instances must be less than or equal to 10."),
])
def test_update_refuses_out_of_range_and_changes_nothing(store, values, user, expected):
    add_servers(store, 3, user="u")
    with pytest.raises(errors.BadRequest) as raised:
        quota_sets.update(store, "p", {**values, "ram": 1}, user_id=user)
    assert message(raised) == expected
    assert store.get(quotas.PROJECT, "p") is None and quotas.own_user_limits(store, "p", "u") == {}


def test_force_goes_below_usage_and_delete_restores(store):
    add_servers(store, 3, user="u")
    quota_sets.update(store, "p", {"instances": 1}, force=True)
    quota_sets.update(store, "p", {"instances": 0}, user_id="u", force=True)
    assert quotas.quotas_for(store, "p")["instances"] == 1
    quota_sets.delete(store, "p")
    assert quotas.quotas_for(store, "p", "u") == dict(quotas.DEFAULT_QUOTAS)


def test_delete_for_one_user_keeps_the_project(store):
    quota_sets.update(store, "p", {"instances": 4})
    quota_sets.update(store, "p", {"instances": 2}, user_id="u")
    quota_sets.update(store, "p", {"instances": 1}, user_id="v")
    quota_sets.delete(store, "p", "u")
    assert quotas.quotas_for(store, "p", "u")["instances"] == 4
    assert quotas.quotas_for(store, "p", "v")["instances"] == 1


def test_detail_counts_what_nova_counts(store):
    add_servers(store, 2, flavor=MEDIUM)
    rows = quota_sets.detail(store, "p")
    assert rows["instances"] == {"in_use": 2, "limit": 10, "reserved": 0}
    assert rows["cores"]["in_use"] == 4 and rows["ram"]["in_use"] == 8192
    assert rows["key_pairs"]["in_use"] == 0 and rows["metadata_items"]["in_use"] == 0


def test_verify_project_only_tells_admins(store):
    store.put("project", "known", {"id": "known"})
    member = RequestContext(Identity("u", "u", "p", "p", ("member",)))
    admin = RequestContext(Identity("a", "a", "p", "p", ("admin",)))
    quota_sets.verify_project(store, member, "unknown")
    quota_sets.verify_project(store, admin, "known")
    with pytest.raises(errors.BadRequest) as raised:
        quota_sets.verify_project(store, admin, "unknown")
    assert message(raised) == "Project ID unknown is not a valid project."


def test_class_update_refuses_long_names(store):
    assert quota_sets.update_class(store, "default", {"cores": "40"})["cores"] == 40
    with pytest.raises(errors.BadRequest) as raised:
        quota_sets.update_class(store, "x" * 256, {"cores": 1})
    assert message(raised) == "Invalid input received: quota_class_name has more than 255 characters."


@pytest.mark.parametrize("text, expected", [
    ("instances=20", {"instances": 20}),
    (" cores = -1 , ram=0,", {"cores": -1, "ram": 0}),
    ("", {}),
])
def test_parse_quota(text, expected):
    assert quotas.parse_quota(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("instance=2", "unknown quota 'instance'"),
    ("instances", "is not NAME=VALUE"),
    ("instances=x", "quota instances must be an integer, not 'x'"),
    ("instances=-2", "from -1 (unlimited) to 2147483647, not -2"),
    ("networks=1", "unknown quota 'networks'"),  # removed from Nova in Train
])
def test_parse_quota_refuses(text, expected):
    with pytest.raises(ValueError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        quotas.parse_quota(text)
