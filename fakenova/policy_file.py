"""Read an operator's policy file (oslo.policy's format, ``"rule": "check string"``) into validated overrides.

YAML through :mod:`fakenova.yaml_io` (safe, size-capped; JSON is YAML too). Rule names are unique across the
services except the base rules (``context_is_admin``), so one file holds every service's overrides.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Union

from .domain.policy import PolicyError, check_overrides
from .yaml_io import YamlError, read_yaml


def read_policy_file(path: Union[str, Path]) -> Dict[str, str]:
    """The file's rules, refused (ValueError naming the file and the rule) unless every one is usable."""
    try:
        document = read_yaml(path)
    except (YamlError, OSError) as exc:
        raise ValueError(f"policy file {path}: {exc}") from None
    if document is None:
        return {}
    try:
        check_overrides(document)
    except PolicyError as exc:
        raise ValueError(f"policy file {path}: {exc}") from None
    return dict(document)
