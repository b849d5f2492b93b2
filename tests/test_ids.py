"""Ids look like a real cloud's and repeat under a seed."""
from __future__ import annotations

import re
import uuid

import pytest

from fakenova.ids import _PASSWORD_CHARS, _RESERVATION_CHARS, IdFactory


def test_uuids_are_exactly_what_uuid_module_makes_of_the_same_bits() -> None:
    ours, reference = IdFactory(seed=11), IdFactory(seed=11)
    made = [ours.uuid() for _ in range(2000)]
    assert made == [str(uuid.UUID(int=reference._bits(128), version=4)) for _ in range(2000)]
    assert all(uuid.UUID(text).version == 4 and uuid.UUID(text).variant == uuid.RFC_4122 for text in made)


def test_request_ids_carry_the_oslo_prefix() -> None:
    assert re.fullmatch(r"req-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", IdFactory().request_id())


@pytest.mark.parametrize("make, alphabet, pattern", [
    (IdFactory.password, _PASSWORD_CHARS, r"[{}]{{12}}"),
    (IdFactory.reservation_id, _RESERVATION_CHARS, r"r-[{}]{{8}}"),
])
def test_passwords_and_reservation_ids_use_nova_s_alphabets_and_repeat_under_a_seed(make, alphabet, pattern) -> None:
    first, again = IdFactory(seed=3), IdFactory(seed=3)
    values = [make(first) for _ in range(500)]
    assert values == [make(again) for _ in range(500)]
    assert all(re.fullmatch(pattern.format(re.escape(alphabet)), value) for value in values)
    drawn = set("".join(value.removeprefix("r-") for value in values))
    assert drawn == set(alphabet)  # every character is reachable
