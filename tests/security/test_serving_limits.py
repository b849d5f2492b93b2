"""The WSGI server's connection limit and idle timeout are settings, and reaching the limit is logged."""
from __future__ import annotations

import logging
import socket
import threading

from click.testing import CliRunner

from fakenova import create_app
from fakenova.cli import main
from fakenova.serving import ServerThread
from fakenova.settings import DEFAULT_CONNECTION_LIMIT, Settings


def test_the_default_limit_is_well_above_a_suites_idle_connections():
    assert Settings().connection_limit == DEFAULT_CONNECTION_LIMIT >= 4000


class _Seen(logging.Handler):
    """Sets an event when the server thread logs the refusal."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "connection limit" in record.getMessage():
            self.event.set()


def test_reaching_the_connection_limit_is_logged():
    seen, waitress_log = _Seen(), logging.getLogger("waitress")
    waitress_log.addHandler(seen)
    try:
        with ServerThread(create_app(Settings(seed=1)), connection_limit=2, channel_timeout=30) as server:
            sockets = [socket.create_connection((server.host, server.port)) for _ in range(3)]
            try:
                assert seen.event.wait(10)
            finally:
                for sock in sockets:
                    sock.close()
    finally:
        waitress_log.removeHandler(seen)


def test_serve_options_reach_the_settings():
    result = CliRunner().invoke(main, ["serve", "--help"])
    for option in ("--public-url", "--control-token", "--connection-limit", "--channel-timeout"):
        assert option in result.output
    assert Settings.from_env({"FAKENOVA_CONNECTION_LIMIT": "9000", "FAKENOVA_CHANNEL_TIMEOUT": "5",
                              "FAKENOVA_CONTROL_TOKEN": "t", "FAKENOVA_PUBLIC_URL": "http://x:1/"}) == Settings(
        connection_limit=9000, channel_timeout=5.0, control_token="t", public_url="http://x:1")
