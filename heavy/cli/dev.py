"""``heavy dev``: serve the app with hot reload (saved code shows in open tabs, their state kept)."""

from __future__ import annotations

import click

from heavy_stack.config import load_settings
from heavy_stack.errors import HeavyStackError

APP_PACKAGE = __name__.partition(".")[0]
POLL_INTERVAL_DEFAULT = 0.1


@click.command()
@click.option("--host", help="Interface to listen on.  [default: HEAVY_STACK_HOST, else 127.0.0.1]")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="Port to listen on.  [default: HEAVY_STACK_PORT, else 8000]"
)
@click.option(
    "--watch",
    "packages",
    multiple=True,
    metavar="PACKAGE",
    help=f"Another package whose code is swapped in when saved, besides {APP_PACKAGE} (always watched); "
    "repeat for more.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(0.02, 5.0),
    default=POLL_INTERVAL_DEFAULT,
    show_default=True,
    help="Seconds between looks for saved files.",
)
def dev(host: str | None, port: int | None, packages: tuple[str, ...], poll_interval: float) -> None:
    """Serve the app with hot reload, until Ctrl+C.

    A saved change to Python code under the watched packages (the app's, and any given with
    --watch) is swapped into the running server and every open tab re-renders with its state kept.
    A change that cannot be swapped in restarts the server, and tabs get their state back. A saved
    stylesheet under static/ restyles open tabs without a reload. DEV only; see docs/hot-reload.md.
    """
    try:  # development dependencies: `heavy run` must work without them
        from heavy_stack.dev.supervisor import package_folders, run_dev
    except ImportError as error:
        raise HeavyStackError(
            f"heavy dev needs the development dependencies ({error.name} is missing): run make install"
        ) from None

    settings = load_settings()
    run_dev(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        code_folders=package_folders(watched_packages(packages)),
        poll_interval=poll_interval,
    )


def watched_packages(extra: tuple[str, ...]) -> tuple[str, ...]:
    """The app's package, always, then the packages given with ``--watch``, each once."""
    return tuple(dict.fromkeys((APP_PACKAGE, *extra)))
