"""The ``openstack`` CLI (python-openstackclient) run in-process through its own entry point, for the real-client
tests: the same argv, the same ``OS_*`` environment and the same stdout parsing as a subprocess, without paying
the client's second of imports per call.

``openstackclient.shell.main(argv)`` is what the installed console script calls. What a run leaves behind in the
process (for the console script a run is the process's whole life) is put back afterwards: the service clients
osc-lib caches on its ClientManager class (else a run would reuse the previous run's sessions, user and token),
``os.environ`` (the ``OS_*`` variables given are the only ones the client sees), ``sys.stdout``/``sys.stderr``
(captured), the root logger's handlers and every logger's level (osc-lib's LogConfigurator adds a stderr handler
per run), the warnings filters and the locale (cliff sets both). One subprocess smoke test covers the console
script itself.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import locale
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Mapping, Tuple
from unittest import mock

#: the installed console script, for the smoke test that runs it as a subprocess
CLI = Path(sys.executable).with_name("openstack")
if not CLI.exists():
    CLI = Path(shutil.which("openstack") or "/nonexistent/openstack")
#: whether the CLI can run here, in-process and as the console script (``skipif(not AVAILABLE, reason=MISSING)``)
AVAILABLE = CLI.exists() and importlib.util.find_spec("openstackclient") is not None
MISSING = "python-openstackclient is not installed"
#: real seconds per second osc-lib's ``--wait`` loops sleep between polls (they sleep 5 s; the pace driver
#: moves the cloud every 5 ms, so 10 ms between polls keeps every poll and its ``Progress`` line, minus the idling)
POLL_SCALE = 0.002
#: one client run at a time per process: the environment, streams and root logger are process-wide
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Result:
    """What the process would have ended with: its exit code and its two streams."""

    code: int
    stdout: str
    stderr: str


def credentials(auth_url: str, user: str = "demo", project: str = "", password: str = "") -> Dict[str, str]:
    """The ``OS_*`` environment of a user scoped to a project (password and project default to the user name)."""
    return {"OS_AUTH_URL": auth_url, "OS_USERNAME": user, "OS_PASSWORD": password or user,
            "OS_PROJECT_NAME": project or user, "OS_USER_DOMAIN_NAME": "Default",
            "OS_PROJECT_DOMAIN_NAME": "Default", "OS_REGION_NAME": "RegionOne", "OS_IDENTITY_API_VERSION": "3",
            "OS_INTERFACE": "public"}


def invoke(env: Mapping[str, str], *argv: str) -> Result:
    """Run ``openstack ARGV`` in this process with exactly the ``OS_*`` variables of ``env``."""
    from openstackclient import shell  # imported here: the suite runs without the CLI installed

    with _LOCK, _environment(env), _process_state(), _fresh_clients(), _fast_polls(), _streams() as (out, err):
        try:
            code = shell.main(list(argv))
        except SystemExit as done:  # argparse's usage errors and --help end the process
            code = done.code if isinstance(done.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def run_cli(env: Mapping[str, str], *argv: str) -> str:
    """``openstack ARGV``'s stdout, asserting it exited 0 (its stderr is the failure message)."""
    done = invoke(env, *argv)
    assert done.code == 0, done.stderr
    return done.stdout


def run_script(env: Mapping[str, str], *argv: str) -> Result:
    """The installed console script as a subprocess (the smoke test of the entry point itself)."""
    done = subprocess.run([str(CLI), *argv], env={**_without_os(os.environ), **env}, capture_output=True,
                          text=True, timeout=120)
    return Result(done.returncode, done.stdout, done.stderr)


def _without_os(environ: Mapping[str, str]) -> Dict[str, str]:
    return {name: value for name, value in environ.items() if not name.startswith("OS_")}


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({**_without_os(saved), **env})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _process_state() -> Iterator[None]:
    """Put back the logging setup, the warnings filters and the locale that a client run changes."""
    root = logging.getLogger()
    handlers, root_level = list(root.handlers), root.level
    levels = {name: logger.level for name, logger in logging.Logger.manager.loggerDict.items()
              if isinstance(logger, logging.Logger)}
    saved_locale = locale.setlocale(locale.LC_ALL)
    try:
        with warnings.catch_warnings():
            yield
    finally:
        locale.setlocale(locale.LC_ALL, saved_locale)
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(root_level)
        for name, logger in list(logging.Logger.manager.loggerDict.items()):
            level = levels.get(name, logging.NOTSET)
            if isinstance(logger, logging.Logger) and logger.level != level:  # setLevel clears every cache
                logger.setLevel(level)


@contextlib.contextmanager
def _fresh_clients() -> Iterator[None]:
    """Each run builds its own service clients: osc-lib caches them on descriptors of the ClientManager *class*
    (one process, one run, for the console script), so a second run would reuse the first one's sessions, with
    its user, token and endpoint."""
    from osc_lib import clientmanager

    def forget() -> None:
        for klass in (clientmanager.ClientManager, *clientmanager.ClientManager.__subclasses__()):
            for cache in vars(klass).values():
                if isinstance(cache, clientmanager.ClientCache):
                    cache._handle = None

    forget()
    try:
        yield
    finally:
        forget()


class _ScaledTime:
    """The ``time`` module as osc-lib's wait loops see it here: every sleep scaled by :data:`POLL_SCALE`."""

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * POLL_SCALE)


def _fast_polls() -> "contextlib.AbstractContextManager[object]":
    """osc-lib's wait loops (``--wait``) polling as often as they do, with the idling between polls cut."""
    from osc_lib import utils

    return mock.patch.object(utils, "time", _ScaledTime())


@contextlib.contextmanager
def _streams() -> Iterator[Tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err
