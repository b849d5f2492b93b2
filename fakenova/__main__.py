"""``python -m fakenova``: the same as the ``fakenova`` command."""
import gc

# Importing the command allocates thousands of objects that live as long as the process; collecting while
# they are being created only costs start-up time (``serve`` does the same for the app, see cli.serve).
gc.disable()
try:
    from .cli import main
finally:
    gc.enable()

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in tests/test_cli.py
    main(prog_name="fakenova")
