"""``heavy migrate up | create | test``: database migrations with Alembic (see docs/migrations.md).

Alembic is imported inside each command, never when the ``heavy`` command loads: production
start-up (``heavy run``) must not pay for it.
"""

from __future__ import annotations

import asyncio
import os

import click

from heavy.config import env_prefix, load_settings, normalise_database_url
from heavy.errors import ConfigurationError


@click.group()
def migrate() -> None:
    """Create, test and apply database migrations (both databases: sql and vector)."""


@migrate.command()
def up() -> None:
    """Apply pending migrations to the configured databases.

    In DEV, missing databases are created first. A database built from the models (DEV start-up
    or pave-db) has no migration history and is refused.
    """
    from heavy.migrations.runner import migrate_up

    asyncio.run(migrate_up(load_settings(), click.echo))


@migrate.command()
@click.argument("message")
def create(message: str) -> None:
    """Write the next migration for the models' changes, and test it.

    Builds a scratch database from the existing migrations, autogenerates MESSAGE's migration
    against it, applies it there and checks nothing is left over. Scratch databases go on the
    configured server (the embedded PostgreSQL by default) and are always dropped.
    """
    from heavy.migrations.runner import create_migration

    asyncio.run(create_migration(load_settings(), message, click.echo))


@migrate.command()
@click.option(
    "--cockroach-url",
    metavar="URL",
    help="Also test the SQL database's migrations on this CockroachDB.  [env: COCKROACH_URL, with the "
    "app's settings prefix]",
)
def test(cockroach_url: str | None) -> None:
    """Apply every migration to fresh databases and fail if the models differ from the result.

    Each migration is also downgraded and re-applied. Scratch databases are always dropped.
    """
    from heavy.migrations.runner import verify_migrations

    # Read here, not by click at import: the variable's prefix is the app's (its settings class).
    cockroach_url = cockroach_url or os.environ.get(f"{env_prefix()}COCKROACH_URL") or None
    if cockroach_url:
        try:
            cockroach_url = normalise_database_url(cockroach_url)
        except ValueError as error:
            raise ConfigurationError(f"{env_prefix()}COCKROACH_URL: {error}") from None
    asyncio.run(verify_migrations(load_settings(), click.echo, cockroach_url=cockroach_url or None))
