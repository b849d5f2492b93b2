"""The ``fakenova`` command: serve a fake cloud, list the microversions it speaks.

Wiring only: flags and ``FAKENOVA_*`` variables become a :class:`~fakenova.settings.Settings`, ``create_app()``
builds the app, :func:`~fakenova.serving.run_server` serves it. ``serve`` prints exactly one line on stdout, the
base URL, once the socket listens (so CI can capture it); logs go to stderr.
"""
from __future__ import annotations

import logging
import sys
from typing import Any, Optional

import click

from .microversions import all_versions
from .serving import DEFAULT_THREADS, format_url, run_server
from .settings import Settings, parse_setting

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
@click.option("--threads", type=click.IntRange(1), default=DEFAULT_THREADS, show_default=True,
              envvar="FAKENOVA_THREADS", help="Worker threads serving requests. [env FAKENOVA_THREADS]")
def serve(threads: int, **overrides: Any) -> None:
    """Serve the fake cloud until SIGINT or SIGTERM; print the base URL on stdout once listening."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is noise for a fake
    try:
        settings = Settings.from_env(**overrides)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None

    from .app import create_app  # late: --help and microversions stay fast

    app = create_app(settings)

    def ready(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()
        logger.info("fakenova serving compute %s-%s on %s (%d threads); SIGINT or SIGTERM stops it",
                    settings.min_version, settings.max_version, url, threads)

    try:
        run_server(app, settings.host, settings.port, threads, ready)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {format_url(settings.host, settings.port)}: {exc.strerror or exc}") from None
    logger.info("stopped")


@main.command()
def microversions() -> None:
    """Print the compute microversions fakenova speaks, oldest first, one per line."""
    for version in all_versions():
        click.echo(str(version))
