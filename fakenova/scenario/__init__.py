"""Scenarios: YAML files that script what real clouds do rarely (errors, slow builds, old microversions).

``loader`` turns a file into a validated :class:`~.model.Scenario`; ``engine`` decides, per request and per
action, which rules fire and why the others did not; ``http`` connects the engine to the Flask pipeline.
"""
from .loader import ScenarioError, bundled_names, load

__all__ = ["ScenarioError", "bundled_names", "load"]
