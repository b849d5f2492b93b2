"""oslo.policy's own parser and check test cases (``oslo_policy/tests/test_parser.py``, ``test_checks.py``),
ported as facts: each check string parses to the tree oslo renders, and each check decides as oslo's does."""
from __future__ import annotations

from typing import Any, Mapping

import pytest

from fakenova.domain.policy_language import PolicySyntaxError, compile_check, tokens

#: test_parser.ParseTextRuleTestCase / test_parser.ParseTextRuleGroupTestCase: text -> oslo's rendering
TREES = {
    "": "@", "!": "!", "@": "@", "rule:spam": "rule:spam",
    "@ or ! or @": "(@ or ! or @)",
    "@ or ! and @": "(@ or (! and @))",
    "@ and ! or @": "((@ and !) or @)",
    "@ and ! and @": "(@ and ! and @)",
    "@ or ! or @ or !": "(@ or ! or @ or !)",
    "@ or ! or @ and !": "(@ or ! or (@ and !))",
    "@ or ! and @ or !": "(@ or (! and @) or !)",
    "@ or ! and @ and !": "(@ or (! and @ and !))",
    "@ and ! or @ or !": "((@ and !) or @ or !)",
    "@ and ! or @ and !": "((@ and !) or (@ and !))",
    "@ and ! and @ or !": "((@ and ! and @) or !)",
    "@ and ! and @ and !": "(@ and ! and @ and !)",
    "not @ and ! or @": "((not @ and !) or @)",
    "@ and not ! or @": "((@ and not !) or @)",
    "@ and ! or not @": "((@ and !) or not @)",
    "@ and ( ! or @ )": "(@ and (! or @))",
    "not @ and ( ! or @ )": "(not @ and (! or @))",
    "not ( @ and ! or @ )": "not ((@ and !) or @)",
    "@ and ( not ! or @ )": "(@ and (not ! or @))",
    "@ and not ( ! or @ )": "(@ and not (! or @))",
    "@ and ( ! or not @ )": "(@ and (! or not @))",
    **{text: "((@ and !) or @)" for text in (
        "( @ ) and ! or @", "@ and ( ! ) or @", "@ and ! or ( @ )", "( @ ) and ! or ( @ )",
        "@ and ( ! ) or ( @ )", "( @ ) and ( ! ) or ( @ )", "( @ and ! ) or @", "( ( @ ) and ! ) or @",
        "( @ and ( ! ) ) or @", "( ( @ and ! ) ) or @", "( @ and ! or @ )")},
    **{text: "((not @ and !) or @)" for text in (
        "not ( @ ) and ! or @", "not @ and ( ! ) or @", "not @ and ! or ( @ )", "( not @ ) and ! or @",
        "( not @ and ! ) or @", "( not @ and ! or @ )")},
    **{text: "((@ and not !) or @)" for text in (
        "( @ ) and not ! or @", "@ and ( not ! ) or @", "@ and not ( ! ) or @", "@ and not ! or ( @ )",
        "( @ and not ! ) or @", "( @ and not ! or @ )")},
    **{text: "((@ and !) or not @)" for text in (
        "( @ ) and ! or not @", "@ and ( ! ) or not @", "@ and ! or not ( @ )", "@ and ! or ( not @ )",
        "( @ and ! ) or not @", "( @ and ! or not @ )")},
    # Nova's own shapes
    "(rule:context_is_admin) or user_id:%(user_id)s": "(rule:context_is_admin or user_id:%(user_id)s)",
    "role:member and project_id:%(project_id)s": "(role:member and project_id:%(project_id)s)",
}


@pytest.mark.parametrize("text, rendered", TREES.items())
def test_trees_render_as_oslo_renders_them(text, rendered):
    assert str(compile_check(text)) == rendered


def test_tokens_split_parentheses_off_words_and_keep_quoted_strings():
    # test_parser.ParseTokenizeTestCase.test_tokenize's exemplar
    found = [(kind, str(value)) for kind, value in
             tokens("(( ( ((() And)) or ) (rule:context_is_admin) not)) 'a-string' \"another-string\"")]
    assert found == [("(", "(")] * 6 + [(")", ")"), ("and", "And"), (")", ")"), (")", ")"), ("or", "or"),
                                        (")", ")"), ("(", "("), ("check", "rule:context_is_admin"), (")", ")"),
                                        ("not", "not"), (")", ")"), (")", ")"), ("string", "a-string"),
                                        ("string", "another-string")]


@pytest.mark.parametrize("text", ["foobar", "@ @", "and @", "@ or", "( @", "@ )", "'a-string'", "not",
                                  "http:https://example.com", "role:admin or or role:member"])
def test_what_oslo_cannot_parse_is_refused(text):
    # oslo logs these and fails closed (a FalseCheck); fakenova refuses them when a policy is loaded
    with pytest.raises(PolicySyntaxError):
        compile_check(text)


def _no_rules(name: str, target: Mapping[str, Any], creds: Mapping[str, Any]) -> bool:
    return False


TOKEN = {"token": {"roles": [{"name": "role1", "id": "r1"}, {"name": "role2", "id": "r2"}],
                   "catalog": [{"endpoints": [{"id": "e1"}, {"id": "e2"}]}, {"endpoints": [{"id": "e3"}]}]}}

#: test_checks: (check string, target, credentials, decision)
DECISIONS = [
    ("!", {}, {}, False), ("@", {}, {}, True), ("not @", {}, {}, False), ("not !", {}, {}, True),
    # RoleCheckTestCase
    ("role:sPaM", {}, {"roles": ["SpAm"]}, True),
    ("role:spam", {}, {"roles": []}, False),
    ("role:spam", {}, {}, False),
    ("role:%(target.role.name)s", {"target.role.name": "a"}, {"user": "user", "roles": ["a", "b", "c"]}, True),
    ("role:%(target.role.name)s", {"target.role.name": "d"}, {"user": "user", "roles": ["a", "b", "c"]}, False),
    ("role:%(target.role.name)s", {"target": {"role": {}}}, {"user": "user", "roles": ["a", "b", "c"]}, False),
    # GenericCheckTestCase
    ("name:%(name)s", {"name": "spam"}, {}, False),
    ("name:%(name)s", {"name": "spam"}, {"name": "ham"}, False),
    ("name:%(name)s", {"name": "spam"}, {"name": "spam"}, True),
    ("name:%(name)s", {"name1": "spam"}, {"name": "spam"}, False),
    ("'spam':%(name)s", {"name": "ham"}, {}, False),
    ("'spam':%(name)s", {"name": "spam"}, {}, True),
    ("True:%(enabled)s", {"enabled": False}, {}, False),
    ("True:%(enabled)s", {"enabled": True}, {}, True),
    ("a.b.c.d:APPLES", {}, {"a": {"b": {"c": {"d": "APPLES"}}}}, True),
    ("o.t:ORANGES", {}, {"a": "APPLES", "o": {"t": "ORANGES"}}, True),
    ("o.v:ORANGES", {}, {"a": "APPLES", "o": {"t": "ORANGES"}}, False),
    ("q.v:APPLES", {}, {"a": "APPLES", "o": {"t": "ORANGES"}}, False),
    ("a.b.c.d:APPLES", {}, {"a": {"b": {"c": {"d": ["APPLES"]}}}}, True),
    ("a.b.c.d:APPLES", {}, {"a": {"b": {"c": {"d": ["Bananas", "APPLES", "Grapes"]}}}}, True),
    ("a.b.c.d:APPLES", {}, {"a": {"b": [{"c": {"d": ["BANANAS", "APPLES", "GRAPES"]}}, {}]}}, True),
    ("a.b.c.d:APPLES", {}, {"a": {"b": [{"a": ""}, {"c": {"d": ["BANANAS", "APPLES", "GRAPES"]}}, {}]}}, True),
    ("a.b.c.d:APPLES", {}, {"a": {"b": {"c": {"d": ["PEACHES", "PEARS"]}}}}, False),
    ("token.catalog.endpoints.id:e3", {}, TOKEN, True),
    ("token.roles.name:role1", {}, TOKEN, True),
    ("token.roles.name:missing", {}, TOKEN, False),
    # Nova's credentials and targets
    ("is_admin:True", {}, {"is_admin": True}, True),
    ("is_admin:True", {}, {"is_admin": False}, False),
    ("system_scope:all", {}, {"system_scope": None}, False),
    ("system_scope:all", {}, {"system_scope": "all"}, True),
    ("project_id:%(project_id)s", {"project_id": "p"}, {"project_id": "p"}, True),
    ("project_id:%(project_id)s", {"project_id": "q"}, {"project_id": "p"}, False),
    ("project_id:%(project_id)s", {}, {"project_id": "p"}, False),
    ("(role:admin) or user_id:%(user_id)s", {"user_id": "u"}, {"user_id": "u", "roles": []}, True),
    ("rule:missing", {}, {}, False),  # RuleCheckTestCase.test_rule_missing: an undefined rule fails closed
]


@pytest.mark.parametrize("text, target, creds, decision", DECISIONS)
def test_checks_decide_as_oslos_do(text, target, creds, decision):
    assert compile_check(text)(target, creds, _no_rules) is decision


def test_rule_checks_ask_the_named_rule_and_and_stops_at_the_first_refusal():
    asked = []

    def resolve(name: str, target: Mapping[str, Any], creds: Mapping[str, Any]) -> bool:
        asked.append(name)
        return name == "yes"

    assert compile_check("rule:yes")({}, {}, resolve) is True
    assert compile_check("rule:no and rule:yes")({}, {}, resolve) is False
    assert asked == ["yes", "no"]  # AndCheckTestCase.test_call_all_false: the second is never called
    assert list(compile_check("rule:a or not (rule:b and role:x)").rule_refs()) == ["a", "b"]


#: Neutron's ``FieldCheck`` (neutron/policy.py, which Neutron registers with oslo.policy), as
#: ``neutron/tests/unit/test_policy.py`` exercises it: (check, target, decision)
FIELD_DECISIONS = [
    # CustomRulesTestCase.test_field_check__boolean_value: the attribute may hold a colon
    ("field:networks:router:external=True", {"router:external": True}, True),
    ("field:networks:router:external=True", {"router:external": False}, False),
    ("field:networks:shared=True", {"shared": True}, True),
    ("field:networks:shared=True", {"shared": None}, False),  # an unset value never matches
    ("field:networks:shared=True", {}, False),
    # test_create_port_device_owner_regex: the blocked owners match ``^network:``, the allowed ones do not
    *[("field:port:device_owner=~^network:", {"device_owner": owner}, True)
      for owner in ("network:", "network:abdef", "network:dhcp", "network:router_interface")],
    *[("field:port:device_owner=~^network:", {"device_owner": owner}, False)
      for owner in ("network", "networks", "my_network:test", "my_network:")],
    ("not field:port:device_owner=~^network:", {"device_owner": "compute:nova"}, True),
]


@pytest.mark.parametrize("text, target, decision", FIELD_DECISIONS)
def test_field_checks_decide_as_neutrons_do(text, target, decision):
    assert compile_check(text)(target, {}, _no_rules) is decision


@pytest.mark.parametrize("text", ["field:networks", "field:shared=True", "field:networks:=True",
                                  "field:port:device_owner=~("])
def test_a_field_check_without_collection_attribute_and_value_is_refused(text):
    with pytest.raises(PolicySyntaxError):
        compile_check(text)
