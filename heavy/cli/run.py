"""``heavy run``: serve the app (the embedded database starts by itself when no URL is set)."""

from __future__ import annotations

import asyncio

import click

from heavy.config import load_settings
from heavy.data.database_setup import prepare_databases
from heavy.errors import RecordingError
from heavy.observability.structured_logging import configure_logging
from heavy.serving import serve


@click.command()
@click.option("--host", help="Interface to listen on.  [default: the HOST setting, else 127.0.0.1]")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="Port to listen on.  [default: the PORT setting, else 8000]"
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; any worker can serve any tab.",
)
def run(host: str | None, port: int | None, workers: int) -> None:
    """Serve the app until Ctrl+C (SIGINT) or SIGTERM."""
    settings = load_settings()
    configure_logging(settings)  # from the first line on: JSON in PRODUCTION, readable in DEV
    if settings.record_file is not None and workers > 1:
        raise RecordingError(
            f"recording ({settings.env_name('record_file')}) needs one worker: drop --workers"
        )
    # Fail here, with one line, rather than in every worker: databases reachable (and, in DEV,
    # created with their tables). This process also keeps the embedded server up for the workers.
    urls, _ = asyncio.run(prepare_databases(settings, create_schema=settings.is_dev))
    serve(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        database="embedded PostgreSQL" if urls.embedded else "configured databases",
    )
