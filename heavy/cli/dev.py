"""``heavy dev``: serve the app with hot reload (saved code shows in open tabs, their state kept)."""

from __future__ import annotations

import click

from heavy.config import load_settings
from heavy.errors import HeavyError

RUNTIME_PACKAGE = __name__.partition(".")[0]
POLL_INTERVAL_DEFAULT = 0.1


@click.command()
@click.option("--host", help="Interface to listen on.  [default: the HOST setting, else 127.0.0.1]")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="Port to listen on.  [default: the PORT setting, else 8000]"
)
@click.option(
    "--watch",
    "packages",
    multiple=True,
    metavar="PACKAGE",
    help="Another package whose code is swapped in when saved, besides the app's and the runtime's "
    "(always watched); repeat for more.",
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
        from heavy.dev.supervisor import package_folders, run_dev
    except ImportError as error:
        raise HeavyError(
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
    """The app's package and the runtime's, always, then the packages given with ``--watch``, each once."""
    from heavy.app import current_app

    return tuple(dict.fromkeys((current_app().package, RUNTIME_PACKAGE, *extra)))
