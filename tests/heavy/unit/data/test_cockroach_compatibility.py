"""The SQL database must run on CockroachDB too: every table's DDL, and the migrations that make
them, compile with the CockroachDB dialect (no server needed). The vector database is
PostgreSQL-only: CockroachDB has no pgvector."""

from __future__ import annotations

import io
from argparse import Namespace

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy_cockroachdb.asyncpg import CockroachDBDialect_asyncpg

from heavy.data.metadata import sql_metadata, vector_metadata
from heavy.migrations.targets import ALEMBIC_INI, SQL_TARGET

COCKROACH_URL = "cockroachdb+asyncpg://root@localhost:26257/defaultdb"


@pytest.mark.parametrize("table", sorted(sql_metadata().tables))
def test_every_sql_table_compiles_for_cockroachdb(table: str) -> None:
    dialect = CockroachDBDialect_asyncpg()
    sql_table = sql_metadata().tables[table]

    ddl = str(CreateTable(sql_table).compile(dialect=dialect))
    index_ddl = [str(CreateIndex(index).compile(dialect=dialect)) for index in sql_table.indexes]

    assert ddl.startswith(f"\nCREATE TABLE {table} (")
    assert all(statement.startswith("CREATE") for statement in index_ddl)


def test_the_sql_migrations_render_as_cockroachdb_sql() -> None:
    output = io.StringIO()
    config = Config(
        str(ALEMBIC_INI), ini_section=SQL_TARGET.name, output_buffer=output, cmd_opts=Namespace(quiet=True)
    )
    config.attributes["database_url"] = COCKROACH_URL

    command.upgrade(config, "head", sql=True)  # offline: Alembic's CockroachDB implementation writes the SQL

    sql = output.getvalue()
    for table in sql_metadata().tables:
        assert f"CREATE TABLE {table} (" in sql
    assert "INSERT INTO alembic_version" in sql


def test_vector_tables_stay_out_of_the_sql_database() -> None:
    assert not set(vector_metadata().tables) & set(sql_metadata().tables)
