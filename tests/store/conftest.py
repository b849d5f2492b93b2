"""The store suite's fixtures: one redis-server for the session (skipped without the binary)."""
import pytest
from support.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server():
    pytest.importorskip("redis", reason="pip install 'fakenova[redis]'")
    server = RedisServer().start()
    yield server
    server.stop()
