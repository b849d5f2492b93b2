"""The scenario file schema is itself valid JSON Schema (checked here rather than at every import)."""
from jsonschema import Draft202012Validator

from fakenova.scenario.schema import SCENARIO_SCHEMA


def test_scenario_schema_passes_the_metaschema():
    Draft202012Validator.check_schema(SCENARIO_SCHEMA)
