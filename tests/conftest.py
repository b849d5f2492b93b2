"""Session-wide fixtures: the one live server that the real-client and transport tests share (the plugin's)."""
import pytest


@pytest.fixture(scope="session")
def live_server(fakenova_server):
    """The pytest plugin's live fakenova (one per session and xdist worker); tests reset it themselves."""
    return fakenova_server
