"""The ``fakenova`` command: serve a fake cloud, list the microversions it speaks.

Wiring only: flags and ``FAKENOVA_*`` variables become a :class:`~fakenova.settings.Settings`, ``create_app()``
builds the app, :func:`~fakenova.serving.run_server` serves it. ``serve`` prints exactly one line on stdout, the
base URL, once the socket listens (so CI can capture it); logs go to stderr.
"""
from __future__ import annotations

import gc
import ipaddress
import logging
import sys
from typing import TYPE_CHECKING, Any, Optional, Tuple

import click

from . import allocator
from .serving import DEFAULT_THREADS, format_url, run_server
from .settings import Settings, parse_setting
from .version_history import HISTORY
from .workers import is_first_worker, worker_port

if TYPE_CHECKING:
    from flask import Flask

#: allocations between young-generation collections while serving (CPython's default is 700)
GC_YOUNG_THRESHOLD = 20_000

logger = logging.getLogger("fakenova.cli")


def _typed(name: str) -> Any:
    """A click callback parsing an option with the same parser as the ``FAKENOVA_*`` variables."""
    def callback(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Any:
        if value is None:
            return None
        try:
            return parse_setting(name, value)
        except ValueError as exc:
            reason = str(exc)
            raise click.BadParameter(reason if reason != value else f"{value!r} is not valid") from None
    return callback


def _quota(ctx: click.Context, param: click.Parameter, values: Tuple[str, ...]) -> Any:
    """``--quota NAME=VALUE`` or ``--network-quota NAME=VALUE`` (repeatable) as one mapping; None when not
    given, so FAKENOVA_QUOTA (FAKENOVA_NETWORK_QUOTA) applies."""
    if not values:
        return None
    try:
        return parse_setting(str(param.name), ",".join(values))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fakenova", message="%(prog)s %(version)s")
def main() -> None:
    """fakenova: a fake OpenStack Nova API (with just enough Keystone, Glance and Neutron) on one port."""


@main.command()
@click.option("--host", help="Address to bind. [default: 127.0.0.1; env FAKENOVA_HOST]")
@click.option("--port", type=click.IntRange(0, 65535),
              help="Port to bind; 0 picks a free one. [default: 8774; env FAKENOVA_PORT]")
@click.option("--fixtures", "fixtures_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of seed YAML replacing the bundled fixtures. [env FAKENOVA_FIXTURES_DIR]")
@click.option("--seed", type=int, help="Seed for ids, addresses and passwords. [env FAKENOVA_SEED]")
@click.option("--max-version", metavar="X.Y", callback=_typed("max_version"),
              help="Highest compute microversion advertised. [default: newest; env FAKENOVA_MAX_VERSION]")
@click.option("--min-version", metavar="X.Y", callback=_typed("min_version"),
              help="Lowest compute microversion advertised. [default: 2.1; env FAKENOVA_MIN_VERSION]")
@click.option("--pace", metavar="immediate|polls:N|seconds:S|manual", callback=_typed("pace"),
              help="How fast servers move through BUILD, DELETE... [default: immediate; env FAKENOVA_PACE]")
@click.option("--quota", multiple=True, metavar="NAME=VALUE", callback=_quota,
              help="Default quota limit, e.g. instances=20 or cores=-1 (unlimited); repeatable. "
                   "[env FAKENOVA_QUOTA=instances=20,cores=-1]")
@click.option("--network-quota", multiple=True, metavar="NAME=VALUE", callback=_quota,
              help="Default Neutron quota limit, e.g. port=-1 (unlimited) or network=200; repeatable. "
                   "[env FAKENOVA_NETWORK_QUOTA=port=-1,network=200]")
@click.option("--journal-limit", type=click.IntRange(1),
              help="Requests the control plane's journal keeps, oldest dropped first. "
                   "[default: 10000; env FAKENOVA_JOURNAL_LIMIT]")
@click.option("--threads", type=click.IntRange(1), default=DEFAULT_THREADS, show_default=True,
              envvar="FAKENOVA_THREADS", help="Worker threads serving requests. [env FAKENOVA_THREADS]")
@click.option("--public-url", metavar="URL", callback=_typed("public_url"),
              help="Base URL for catalog, links, Location and WWW-Authenticate instead of the Host header "
                   "(behind a proxy). [env FAKENOVA_PUBLIC_URL]")
@click.option("--control-token", metavar="SECRET",
              help="Require this secret in the X-Fakenova-Control-Token header on the control plane "
                   "(/_fakenova). [env FAKENOVA_CONTROL_TOKEN]")
@click.option("--connection-limit", type=click.IntRange(1),
              help="Open connections accepted before refusing new ones (logged). "
                   "[default: 4096; env FAKENOVA_CONNECTION_LIMIT]")
@click.option("--channel-timeout", type=click.FloatRange(min=0, min_open=True),
              help="Seconds an idle connection is kept open. [default: 60; env FAKENOVA_CHANNEL_TIMEOUT]")
@click.option("--hosts", type=click.IntRange(1),
              help="Number of compute hosts, named fakenova-compute-1..N. [default: the fixtures' hosts; "
                   "env FAKENOVA_HOSTS]")
@click.option("--image-data-limit", type=click.IntRange(0), metavar="BYTES",
              help="Image data (Glance uploads) kept in memory, all images together; more is Glance's 413. "
                   "[default: 268435456 (256 MiB); env FAKENOVA_IMAGE_DATA_LIMIT]")
@click.option("--policy", metavar="FILE", callback=_typed("policy"),
              help="Policy rules overriding the default ones (oslo.policy's YAML: \"rule\": \"check string\"). "
                   "[env FAKENOVA_POLICY]")
@click.option("--scenario", "scenarios", multiple=True, metavar="NAME_OR_PATH",
              help="Load a scenario (bundled name or YAML path) at start; repeatable. See `fakenova scenarios list`.")
@click.option("--store", "store_url", metavar="URL", envvar="FAKENOVA_STORE",
              help="Where the cloud's state lives: memory:// (this process), or redis://HOST:PORT/DB, rediss://..., "
                   "unix:///PATH?db=N, shared by every fakenova serving from it. [default: memory://; "
                   "env FAKENOVA_STORE]")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, envvar="FAKENOVA_WORKERS",
              help="Server processes on the one address (SO_REUSEPORT); more than 1 needs a shared --store. "
                   "[env FAKENOVA_WORKERS]")
def serve(threads: int, scenarios: Tuple[str, ...], workers: int, **overrides: Any) -> None:
    """Serve the fake cloud until SIGINT or SIGTERM; print the base URL on stdout once listening."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is noise for a fake
    try:
        settings = Settings.from_env(**overrides)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    port = worker_port()
    if port is not None:  # one of --workers: the parent chose the port, the kernel shares it
        settings = settings.replace(port=port)
    elif workers > 1:
        _serve_workers(settings, workers)
        return

    # Start-up allocates ~85k objects (modules, tables, the URL map) that live as long as the process; the
    # collector would scan them again and again while they are created (~15% of the start-up time). It runs
    # again once the URL is out, with those objects frozen so later collections skip them.
    collecting = gc.isenabled()
    gc.disable()
    allocator.tune()  # before the worker threads exist: see fakenova/allocator.py

    def ready(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()
        if collecting:
            gc.freeze()
            # A request allocates a few hundred objects and frees nearly all of them by reference counting;
            # at the default threshold (700) a young-generation collection ran every other request.
            gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
            gc.enable()
        logger.info("fakenova serving compute %s-%s on %s (%d threads); SIGINT or SIGTERM stops it",
                    settings.min_version, settings.max_version, url, threads)

    try:
        from .app import create_app  # late: --help and microversions stay fast

        app = create_app(settings)
        _load_scenarios(app, scenarios)
        _warn_if_exposed(settings)
        _raise_file_limit(settings.connection_limit)
        try:
            run_server(app, settings.host, settings.port, threads, ready, reuse_port=port is not None,
                       connection_limit=settings.connection_limit, channel_timeout=settings.channel_timeout)
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on {format_url(settings.host, settings.port)}: {exc.strerror or exc}") from None
    finally:
        if collecting:
            gc.enable()  # start-up failed before ready(), or serving is over
    logger.info("stopped")


def _serve_workers(settings: Settings, workers: int) -> None:
    """``--workers N``: N processes of this command on one address, one cloud in the shared store."""
    from .store import REDIS_SCHEMES
    from .workers import run_workers

    if not settings.store_url.startswith(REDIS_SCHEMES):
        raise click.UsageError("--workers above 1 needs a store the processes share: --store redis://HOST:PORT/DB")

    def ready(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()
        logger.info("fakenova serving %s from %d workers on %s; SIGINT or SIGTERM stops them",
                    settings.store_url, workers, url)

    try:
        status = run_workers(workers, settings.host, settings.port, ready)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {format_url(settings.host, settings.port)}: {exc.strerror or exc}") from None
    if status:
        raise SystemExit(status)
    logger.info("stopped")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name that may resolve anywhere


def _warn_if_exposed(settings: Settings) -> None:
    """Binding beyond loopback without a control token hands the fake cloud to anyone who can reach it."""
    if not is_loopback(settings.host) and not settings.control_token:
        logger.warning("serving on %s, beyond loopback, without --control-token: anyone who can reach this "
                       "port can reset, seed (admin users included) and script this fakenova through "
                       "/_fakenova. Set --control-token (or FAKENOVA_CONTROL_TOKEN) on shared hosts.",
                       settings.host)


def _raise_file_limit(connections: int) -> None:
    """Lift the soft open-files limit toward ``connections`` (each connection is a descriptor)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 64 if hard == resource.RLIM_INFINITY else min(hard, connections + 64)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            logger.warning("cannot raise the open-files limit to %d; connections beyond %d will fail",
                           wanted, soft)


def _load_scenarios(app: Flask, scenarios: Tuple[str, ...]) -> None:
    """Load ``--scenario`` values into a new app; delays in canned responses really wait when serving."""
    from . import operations
    from .domain.errors import FakeNovaError

    runtime = app.extensions["fakenova"]
    runtime.engine.real_delays = True
    if not is_first_worker():  # the scenarios are in the shared store: worker 0 loads them for all
        return
    for source in scenarios:
        try:
            operations.load_scenario(runtime, source)
        except FakeNovaError as exc:
            raise click.UsageError(f"--scenario {source}: {exc.message}") from None
        logger.info("scenario %s loaded", source)


@main.group()
def scenarios() -> None:
    """List the bundled scenarios, or check scenario files."""


@scenarios.command("list")
def scenarios_list() -> None:
    """Print each bundled scenario's name and the first line of its description."""
    from .scenario import bundled_names, load

    for name in bundled_names():
        summary = load(name).description.strip().split(". ")[0].replace("\n", " ")
        click.echo(f"{name:28} {summary}")


@scenarios.command("check")
@click.argument("paths", nargs=-1, required=True)
def scenarios_check(paths: Tuple[str, ...]) -> None:
    """Validate scenario files (or bundled names); exit 1 naming file, rule and field on the first error of each."""
    from .scenario import ScenarioError, load

    failed = 0
    for path in paths:
        try:
            scenario = load(path)
        except ScenarioError as exc:
            failed += 1
            click.echo(f"FAIL {exc}", err=True)
        else:
            click.echo(f"ok   {scenario.source}: {scenario.name} ({len(scenario.rules)} rules)")
    if failed:
        raise SystemExit(1)


@scenarios.command("schema")
def scenarios_schema() -> None:
    """Print the JSON Schema of scenario files (for editors: point yaml-language-server at it)."""
    import json

    from .scenario.schema import SCENARIO_SCHEMA

    click.echo(json.dumps(SCENARIO_SCHEMA, indent=2, sort_keys=True))


@main.command()
@click.option("--upstream", required=True, metavar="URL", help="The cloud to record (its base URL).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Scenario file to write (rewritten after every answer); stdout at exit when not given.")
@click.option("--name", default="recorded", show_default=True, help="The recorded scenario's name.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to bind; 0 picks a free one.")
def record(upstream: str, out: Optional[str], name: str, host: str, port: int) -> None:
    """Proxy clients to a real cloud and write its answers as a replayable scenario; print the proxy's URL."""
    from pathlib import Path

    from .scenario.recorder import Recorder, RecordingProxy

    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    def save(current: Recorder) -> None:
        if out:
            Path(out).write_text(current.dump())

    recorder = Recorder(name, on_change=save)
    try:
        proxy = RecordingProxy(upstream, recorder)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None

    def ready(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()
        logger.info("recording %s through %s; SIGINT or SIGTERM stops it", upstream, url)

    run_server(proxy, host, port, DEFAULT_THREADS, ready)  # type: ignore[arg-type]  # any WSGI app serves
    if out is None:
        click.echo(recorder.dump())
    logger.info("recorded %d answers", len(recorder.exchanges))


@main.command()
def microversions() -> None:
    """Print the compute microversions fakenova speaks, oldest first, one per line with what each changes."""
    for change in HISTORY:
        feature = f" feature={change.feature}" if change.feature else ""
        click.echo(f"{change.version!s:<6} {change.summary} [{', '.join(change.touches)}]{feature}")
