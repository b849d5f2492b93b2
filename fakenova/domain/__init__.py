"""The sans-IO core of fakenova: states, lifecycle, models, errors and use cases (no Flask, no YAML)."""
