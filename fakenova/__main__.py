"""``python -m fakenova``: the same as the ``fakenova`` command."""
from .cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in tests/test_cli.py
    main(prog_name="fakenova")
