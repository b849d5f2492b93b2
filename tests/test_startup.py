"""What keeps ``fakenova serve`` quick to start, checked against the slow, obvious way of doing the same."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from fakenova import yaml_io
from fakenova.api import schema_types as types
from fakenova.api.routing import LazyBuildRule
from fakenova.app import create_app
from fakenova.seed import bundled_dir


def _scanned_printable_class() -> str:
    """The printable class as Nova builds it: one category check per code point below U+FFFF."""
    runs, start = [], None
    for code in range(types._SCAN_END + 1):
        inside = code < types._SCAN_END and types.is_printable(chr(code))
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            runs.append((start, code - 1))
            start = None
    return "".join(types.re.escape(chr(low)) + ("-" + types.re.escape(chr(high)) if high != low else "")
                   for low, high in runs)


def test_printable_class_is_the_per_character_scan() -> None:
    assert types.printable_class.__wrapped__() == _scanned_printable_class()


def test_printable_class_keeps_every_space_separator_but_no_other_separator() -> None:
    pattern = types.re.compile(f"^[{types.printable_class()}]$")
    for char in ("\u00a0", "\u2003", "\u3000", " ", "é", "☃"):
        assert pattern.match(char), hex(ord(char))
    for char in ("\t", "\n", "\u2028", "\u2029", "\u200b", "\ud800", "\ue000", "\U0001f600"):
        assert not pattern.match(char), hex(ord(char))
    assert all(unicodedata.category(char) != "Zs" or pattern.match(char) for char in map(chr, range(0xFFFF)))


def test_url_builders_are_compiled_on_first_use_and_build_what_werkzeug_builds() -> None:
    app = create_app()
    assert app.url_rule_class is LazyBuildRule
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    server_rule = next(rule for endpoint, rule in rules.items()
                       if endpoint.startswith("compute.") and rule.rule == "/compute/v2.1/servers/<server_id>")
    assert not server_rule._build_unknown.__name__.startswith("<builder:")  # nothing compiled yet
    with app.test_request_context():
        from flask import url_for
        url = url_for(server_rule.endpoint, server_id="abc", rule="x", _external=False)
        assert url == "/compute/v2.1/servers/abc?rule=x"
        assert url_for(server_rule.endpoint, server_id="a b") == "/compute/v2.1/servers/a%20b"
    assert server_rule._build_unknown.__name__.startswith("<builder:")  # compiled once, then called directly
    assert server_rule.build({"server_id": "x"}, append_unknown=False) == ("", "/compute/v2.1/servers/x")


_BUNDLED_YAML = sorted(path for name in ("fixtures", "scenarios")
                       for path in bundled_dir(name).rglob("*.yaml"))


@pytest.mark.parametrize("path", _BUNDLED_YAML, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_libyaml_reads_each_bundled_file_as_the_pure_python_parser_does(path: Path) -> None:
    assert yaml_io.read_yaml(path, bundled=True) == yaml_io.read_yaml(path)


@pytest.mark.parametrize("text", ["a: [1, 2", "a: b: c", "\t- x", "a: &x [*x]", "- " + "&a [" * 3])
def test_a_bundled_parse_that_fails_is_refused_in_the_pure_parsers_words(text: str) -> None:
    with pytest.raises(yaml_io.YamlError) as pure:
        yaml_io._parse(text, "origin")
    with pytest.raises(yaml_io.YamlError) as fast:
        yaml_io._parse(text, "origin", bundled=True)
    assert str(fast.value) == str(pure.value)
    assert str(fast.value).startswith("origin: ")


def test_a_bundled_alias_bomb_is_refused_by_the_expansion_cap() -> None:
    bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
        f"{chr(98 + level)}: &{chr(98 + level)} [{', '.join(['*' + chr(97 + level)] * 10)}]\n" for level in range(5))
    with pytest.raises(yaml_io.YamlError, match="expands to more than"):
        yaml_io._parse(bomb, "bomb", bundled=True)
