"""``heavy pave-db``: create the databases if missing, drop and recreate every table."""

from __future__ import annotations

import asyncio

import click

from heavy_stack.backend.data.pave_db import NOT_LOCAL_FLAG, pave_databases
from heavy_stack.config import load_settings, mask_url


@click.command("pave-db")
@click.option(
    NOT_LOCAL_FLAG,
    "allow_remote",
    is_flag=True,
    help="Allow paving a database that is not on this machine (it destroys its data).",
)
def pave_db(allow_remote: bool) -> None:
    """Rebuild all tables from the models (DEVELOPMENT DATA IS LOST). Migrations are bypassed.

    Refuses servers that are not local (embedded or localhost) unless told otherwise.
    """
    report = asyncio.run(pave_databases(load_settings(), allow_remote=allow_remote))
    click.echo(f"paved {mask_url(report.urls.sql)}: {', '.join(report.sql_tables)}")
    if report.vector_search_available:
        click.echo(f"paved {mask_url(report.urls.vector)}: {', '.join(report.vector_tables)}")
    else:
        click.echo(f"vector tables skipped: no pgvector extension at {mask_url(report.urls.vector)}")
