"""Reading Neutron's error body in tests."""
from __future__ import annotations

from typing import Tuple


def neutron_error(response) -> Tuple[str, str]:
    """``(type, message)`` of a ``{"NeutronError": {...}}`` body."""
    body = response.get_json()["NeutronError"]
    return body["type"], body["message"]
