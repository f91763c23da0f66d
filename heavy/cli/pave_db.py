"""``heavy pave-db``: create missing databases and the vector extension, drop and recreate every table."""

from __future__ import annotations

import asyncio

import click

from heavy.config import load_settings, mask_url
from heavy.data.pave_db import NOT_LOCAL_FLAG, pave_databases


@click.command("pave-db")
@click.option(
    NOT_LOCAL_FLAG,
    "allow_remote",
    is_flag=True,
    help="Allow paving a database that is not on this machine (it destroys its data).",
)
def pave_db(allow_remote: bool) -> None:
    """Create missing databases and the vector extension, then drop and recreate every table.

    DEVELOPMENT DATA IS LOST. Tables come from the models; migrations are bypassed (their version
    tables are dropped too). Refuses a database that is not on this machine (embedded, a Unix
    socket or a loopback address) unless --i-know-this-is-not-local is given.
    """
    report = asyncio.run(pave_databases(load_settings(), allow_remote=allow_remote))
    click.echo(f"paved {mask_url(report.urls.sql)}: {', '.join(report.sql_tables)}")
    if report.vector_search_available:
        click.echo(f"paved {mask_url(report.urls.vector)}: {', '.join(report.vector_tables)}")
    else:
        click.echo(f"vector tables skipped: no pgvector extension at {mask_url(report.urls.vector)}")
