"""Version parsing, ordering, ranges and the Versioned table checks."""
import pytest

from fakenova.api import negotiation
from fakenova.domain import errors
from fakenova.microversions import MAX_VERSION, MIN_VERSION, InvalidVersion, V, Version, Versioned, VersionRange


@pytest.mark.parametrize("text", ["2.01", "2", "v2.1", "2.1.0", "", "LATEST", " 2.1", "02.1"])
def test_invalid_strings(text):
    with pytest.raises(InvalidVersion):
        Version.parse(text)


def test_ordering_is_numeric_not_lexical():
    assert V("2.9") < V("2.10") < V("2.100") and str(V("2.100")) == "2.100"
    assert MIN_VERSION == Version(2, 1) and MAX_VERSION == Version(2, 104)


def test_range_membership():
    rng = VersionRange.of("2.19", "2.56")
    assert V("2.19") in rng and V("2.56") in rng and V("2.57") not in rng and V("2.18") not in rng
    assert V("2.104") in VersionRange.of("2.19")


def test_versioned_picks_row_and_lists_ranges():
    table = Versioned([("2.1", "a"), ("2.19", "b"), ("2.57", "c")], name="t")
    assert [table.get(V(v)) for v in ("2.1", "2.18", "2.19", "2.56", "2.57", "2.104")] == list("aabbcc")
    assert [str(r) for r, _ in table.ranges()] == ["2.1-2.18", "2.19-2.56", "2.57-latest"]


@pytest.mark.parametrize("rows", [[("2.19", "a")], [("2.1", "a"), ("2.1", "b")],
                                  [("2.1", "a"), ("2.30", "b"), ("2.20", "c")], []])
def test_versioned_rejects_bad_tables(rows):
    with pytest.raises(ValueError):
        Versioned(rows)


@pytest.mark.parametrize("new,legacy,expected", [
    ([], [], None),
    (["compute 2.50"], [], "2.50"),
    (["volume 3.0, compute 2.40, compute 2.41"], [], "2.41"),
    (["compute 2.40"], ["2.60"], "2.40"),
    (["volume 3.5"], ["2.60"], "2.60"),
    ([], ["2.3, 2.7"], "2.7"),
    (["COMPUTE latest"], [], "latest"),
])
def test_requested_header_rules(new, legacy, expected):
    assert negotiation.requested(new, legacy) == expected


def test_negotiate_errors_word_like_nova():
    with pytest.raises(errors.InvalidVersionString) as bad:
        negotiation.negotiate("2.01", MIN_VERSION, MAX_VERSION)
    assert bad.value.code == 400
    assert bad.value.message == "API Version String 2.01 is of invalid format. Must be of format MajorNum.MinorNum."
    with pytest.raises(errors.VersionNotAcceptable) as high:
        negotiation.negotiate("2.200", MIN_VERSION, V("2.60"))
    assert high.value.code == 406
    assert high.value.message == "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.60."
    assert negotiation.negotiate("latest", MIN_VERSION, V("2.60")) == V("2.60")
    assert negotiation.negotiate(None, MIN_VERSION, MAX_VERSION) == MIN_VERSION
