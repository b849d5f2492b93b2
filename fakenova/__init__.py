"""fakenova: a fake OpenStack Compute (Nova) API that real clients cannot tell from Nova.

The public surface is what ``__all__`` lists; everything else may change between releases. Names load on
first use, so importing ``fakenova`` (as the pytest plugin does) does not import Flask.
"""
from importlib import import_module
from typing import Any

_WHERE = {
    "create_app": "fakenova.app",
    "FakeNova": "fakenova.testing.harness",
    "load_scenario": "fakenova.scenario.loader",
    "ScenarioError": "fakenova.scenario.loader",
    "ManualClock": "fakenova.clock",
    "Version": "fakenova.microversions",
    "ServerThread": "fakenova.serving",
    "Settings": "fakenova.settings",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'fakenova' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_WHERE))
