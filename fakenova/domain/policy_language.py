"""oslo.policy's check-string language: parse a check string once into a tree that evaluates in microseconds.

Why not oslo.policy itself: its import cost breaks the "ready in under 0.5 s" start-up figure on its own.
Measured on the 2-core shared box (``python -X importtime -c 'import oslo_policy.policy'``, oslo.policy
6.0.1): 0.64 s, 0.75 s, 0.97 s cumulative (oslo_config 0.24 s, oslo_utils.strutils 0.24 s, rfc3986 0.10 s,
stevedore 0.05 s); even its private ``oslo_policy._parser`` alone costs 0.22-0.30 s (stevedore, logging),
against ``fakenova serve``'s whole time to its URL line of ~1.0 s today. So this module evaluates the same
language, and ``tests/domain/test_policy_language.py`` ports oslo.policy's own parser and check test cases
(``oslo_policy/tests/test_parser.py``, ``test_checks.py``) as facts, rendering trees the way oslo does.

The language (oslo.policy's semantics):
- ``@`` always passes, ``!`` never; an empty check string passes;
- ``role:<name>``: the caller holds that role (case-insensitive; ``%(key)s`` is filled from the target);
- ``rule:<name>``: another rule of the same service's table passes (an undefined one fails closed);
- ``<kind>:<match>``: a generic check; ``match`` is %-formatted with the target (a missing key fails) and
  compared as text with ``kind`` read as a Python literal (``True``, ``'spam'``) or else as a dotted path
  into the credentials (lists on the path match if any element does): ``project_id:%(project_id)s``,
  ``is_admin:True``, ``system_scope:all``;
- ``field:<collection>:<attribute>=<value>`` (Neutron's ``FieldCheck``, which Neutron registers with oslo.policy):
  the target's attribute is set and equals the value as text (``field:networks:shared=True``), or, when the
  value starts with ``~``, matches the rest as a regular expression from its start
  (``field:port:device_owner=~^network:``);
- ``not`` binds tighter than ``and``, which binds tighter than ``or``; parentheses group.

Unlike oslo.policy, which logs and fails closed on a check string it cannot parse, :func:`compile_check`
refuses it (:class:`PolicySyntaxError`), so a bad policy file is refused when it is loaded.
"""
from __future__ import annotations

import ast
import re
from typing import Any, Callable, Iterator, List, Mapping, Optional, Sequence, Tuple

#: a rule name -> whether it passes for (target, credentials); how ``rule:`` checks reach the other rules
Resolve = Callable[[str, Mapping[str, Any], Mapping[str, Any]], bool]


class PolicySyntaxError(ValueError):
    """A check string that is not in oslo.policy's language."""


class Check:
    """One node of a compiled check string."""

    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        raise NotImplementedError

    def rule_refs(self) -> Iterator[str]:
        """The rule names this tree refers to through ``rule:``."""
        return iter(())

    def target_keys(self) -> Iterator[str]:
        """The target keys this tree reads (``%(key)s``), not counting the rules it refers to."""
        return iter(())


class TrueCheck(Check):
    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        return True

    def __str__(self) -> str:
        return "@"


class FalseCheck(Check):
    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        return False

    def __str__(self) -> str:
        return "!"


class _KindCheck(Check):
    """A ``kind:match`` check; ``match`` is %-formatted with the target when it has a placeholder."""

    __slots__ = ("kind", "match", "_templated")

    def __init__(self, kind: str, match: str) -> None:
        self.kind, self.match = kind, match
        self._templated = "%" in match

    def target_keys(self) -> Iterator[str]:
        return iter(_PLACEHOLDER.findall(self.match))

    def _value(self, target: Mapping[str, Any]) -> Optional[str]:
        """The match with the target filled in; None when the target lacks a key (the check fails)."""
        if not self._templated:
            return self.match
        try:
            return self.match % target
        except (KeyError, TypeError, ValueError):
            return None

    def __str__(self) -> str:
        return f"{self.kind}:{self.match}"


class RuleCheck(_KindCheck):
    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        return resolve(self.match, target, creds)

    def rule_refs(self) -> Iterator[str]:
        yield self.match


class RoleCheck(_KindCheck):
    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        wanted = self._value(target)
        roles = creds.get("roles")
        if wanted is None or not roles:
            return False
        wanted = wanted.lower()
        return any(role.lower() == wanted for role in roles)


_NO_LITERAL = object()


def _literal(kind: str) -> Any:
    try:
        return ast.literal_eval(kind)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NO_LITERAL


def _found(value: Any, path: Sequence[str], match: str) -> bool:
    """Whether ``match`` is at ``path`` under ``value``; a list on the way matches if any element does."""
    if not path:
        return match == str(value)
    if not isinstance(value, Mapping) or path[0] not in value:
        return False
    value = value[path[0]]
    if isinstance(value, list):
        return any(_found(item, path[1:], match) for item in value)
    return _found(value, path[1:], match)


class GenericCheck(_KindCheck):
    __slots__ = ("_literal", "_path")

    def __init__(self, kind: str, match: str) -> None:
        super().__init__(kind, match)
        self._literal = _literal(kind)
        self._path = tuple(kind.split("."))

    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        wanted = self._value(target)
        if wanted is None:
            return False
        if self._literal is not _NO_LITERAL:
            return wanted == str(self._literal)
        return _found(creds, self._path, wanted)


class FieldCheck(_KindCheck):
    """Neutron's ``field:<collection>:<attribute>=<value>``; the attribute may hold colons
    (``field:networks:router:external=True``), the value may not hold ``=`` before it."""

    __slots__ = ("attribute", "wanted", "_regex")

    def __init__(self, kind: str, match: str) -> None:
        super().__init__(kind, match)
        _collection, colon, rest = match.partition(":")
        attribute, equals, wanted = rest.partition("=")
        if not (colon and equals and attribute):
            raise PolicySyntaxError(f"{kind}:{match!r} is not field:<collection>:<attribute>=<value>")
        self.attribute, self.wanted = attribute, wanted
        try:
            self._regex = re.compile(wanted[1:]) if wanted.startswith("~") else None
        except re.error as exc:
            raise PolicySyntaxError(f"{kind}:{match!r}: {exc}") from None

    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        value = target.get(self.attribute)
        if value is None:  # an unset attribute never matches (False does: it is compared)
            return False
        if self._regex is not None:
            return bool(self._regex.match(str(value)))
        return str(value) == self.wanted


class NotCheck(Check):
    __slots__ = ("rule",)

    def __init__(self, rule: Check) -> None:
        self.rule = rule

    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        return not self.rule(target, creds, resolve)

    def rule_refs(self) -> Iterator[str]:
        return self.rule.rule_refs()

    def target_keys(self) -> Iterator[str]:
        return self.rule.target_keys()

    def __str__(self) -> str:
        return f"not {self.rule}"


class _Many(Check):
    __slots__ = ("rules",)
    word = ""

    def __init__(self, rules: List[Check]) -> None:
        self.rules = tuple(rules)

    def rule_refs(self) -> Iterator[str]:
        for rule in self.rules:
            yield from rule.rule_refs()

    def target_keys(self) -> Iterator[str]:
        for rule in self.rules:
            yield from rule.target_keys()

    def __str__(self) -> str:
        return "(" + f" {self.word} ".join(str(rule) for rule in self.rules) + ")"


class AndCheck(_Many):
    word = "and"

    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        return all(rule(target, creds, resolve) for rule in self.rules)


class OrCheck(_Many):
    word = "or"

    def __call__(self, target: Mapping[str, Any], creds: Mapping[str, Any], resolve: Resolve) -> bool:
        return any(rule(target, creds, resolve) for rule in self.rules)


#: the check kinds with their own meaning; any other kind is a generic check
KINDS: Mapping[str, Callable[[str, str], Check]] = {"rule": RuleCheck, "role": RoleCheck, "field": FieldCheck}
#: oslo.policy's remote checks, which fakenova cannot make
UNSUPPORTED_KINDS = frozenset({"http", "https"})
_WORDS = frozenset({"and", "or", "not"})
_PLACEHOLDER = re.compile(r"%\(([^)]*)\)")
_SPACE = re.compile(r"\s+")

Token = Tuple[str, Any]  # ("(" | ")" | "and" | "or" | "not" | "check" | "string", value)


def _check(text: str, source: str) -> Check:
    if text == "!":
        return FalseCheck()
    if text == "@":
        return TrueCheck()
    kind, colon, match = text.partition(":")
    if not colon:
        raise PolicySyntaxError(f"{text!r} in {source!r} is not a check (kind:match, @ or !)")
    if kind in UNSUPPORTED_KINDS:
        raise PolicySyntaxError(f"{kind}: checks (remote policy servers) are not supported: {source!r}")
    return KINDS.get(kind, GenericCheck)(kind, match)


def tokens(source: str) -> Iterator[Token]:
    """oslo.policy's tokens: split on whitespace; parentheses only at a token's start or end."""
    for word in _SPACE.split(source):
        if not word:
            continue
        body = word.lstrip("(")
        yield from [("(", "(")] * (len(word) - len(body))
        if not body:
            continue
        clean = body.rstrip(")")
        lowered = clean.lower()
        if lowered in _WORDS:
            yield (lowered, clean)
        elif clean:
            quoted = len(body) >= 2 and body[0] == body[-1] and body[0] in "'\""
            yield ("string", body[1:-1]) if quoted else ("check", _check(clean, source))
        yield from [(")", ")")] * (len(body) - len(clean))


class _Parser:
    """Recursive descent: or_expr := and_expr (or and_expr)*; and_expr := not_expr (and not_expr)*;
    not_expr := not not_expr | ( or_expr ) | check."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items = list(tokens(source))
        self.at = 0

    def fail(self, why: str) -> PolicySyntaxError:
        return PolicySyntaxError(f"cannot parse check string {self.source!r}: {why}")

    def peek(self) -> Optional[str]:
        return self.items[self.at][0] if self.at < len(self.items) else None

    def take(self) -> Token:
        if self.at >= len(self.items):
            raise self.fail("it ends too early")
        self.at += 1
        return self.items[self.at - 1]

    def chain(self, word: str, operand: Callable[[], Check], node: Callable[[List[Check]], Check]) -> Check:
        parts = [operand()]
        while self.peek() == word:
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else node(parts)

    def or_expr(self) -> Check:
        return self.chain("or", self.and_expr, OrCheck)

    def and_expr(self) -> Check:
        return self.chain("and", self.not_expr, AndCheck)

    def not_expr(self) -> Check:
        kind, value = self.take()
        if kind == "not":
            return NotCheck(self.not_expr())
        if kind == "(":
            inner = self.or_expr()
            if self.take()[0] != ")":
                raise self.fail("a parenthesis is not closed")
            return inner
        if kind == "check":
            return value
        raise self.fail(f"unexpected {value!r}")

    def parse(self) -> Check:
        if not self.items:
            return TrueCheck()
        tree = self.or_expr()
        if self.at != len(self.items):
            raise self.fail(f"unexpected {self.items[self.at][1]!r}")
        return tree


def compile_check(source: str) -> Check:
    """The tree of a check string (an empty one always passes).

    :raises PolicySyntaxError: when ``source`` is not in the language.
    """
    if not isinstance(source, str):
        raise PolicySyntaxError(f"a check string must be a string, not {type(source).__name__}")
    return _Parser(source).parse()
