"""The curated public surface: exactly these names, each importable and documented."""
import fakenova

PUBLIC = {"FakeNova", "ManualClock", "ScenarioError", "ServerThread", "Settings", "Version", "create_app",
          "load_scenario"}


def test_all_is_exactly_the_public_surface():
    assert set(fakenova.__all__) == PUBLIC
    public_attributes = {name for name in dir(fakenova) if not name.startswith("_")}
    assert PUBLIC <= public_attributes


def test_every_public_name_has_a_docstring():
    for name in PUBLIC:
        assert (getattr(fakenova, name).__doc__ or "").strip(), name


def test_importing_the_package_does_not_import_flask():
    import subprocess
    import sys

    code = "import sys, fakenova; assert 'flask' not in sys.modules, 'flask imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
