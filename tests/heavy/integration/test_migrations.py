"""``heavy migrate``: the committed migrations match the models, a model change without a migration
fails the test until ``migrate create`` writes it, and ``migrate up`` applies them."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Field

from heavy.config import HeavySettings, load_settings
from heavy.data.database_setup import DatabaseUrls, create_engine
from heavy.data.embedded_postgres import EmbeddedPostgres
from heavy.data.heavy_model import HeavyModel
from heavy.data.metadata import sql_metadata
from heavy.data.pave_db import pave_databases
from heavy.migrations.runner import MigrationError, migrate_up, verify_migrations
from heavy.migrations.scratch import drop_database, scratch_database_prefix
from tests.heavy.integration.test_cli_errors import assert_one_line_error, run_heavy
from tests.support.external_services import require_external_postgres, scratch_database_url
from tests.support.project_copy import copy_project, run_python
from tests.support.servers import free_port

pytestmark = pytest.mark.slow


async def _scratch_databases_left(url: str) -> list[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.scalars(
            text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
            {"prefix": f"{scratch_database_prefix()}%"},
        )
        found = list(names.all())
    await engine.dispose()
    return found


class TestMigrateTest:
    def test_the_committed_migrations_match_the_models(
        self, server_env: dict[str, str], tmp_path: Path, database_urls: DatabaseUrls
    ) -> None:
        result = run_heavy(["migrate", "test"], server_env, tmp_path)

        assert result.returncode == 0, result.stderr
        assert re.search(
            r"^sql on the embedded PostgreSQL: \d+ migrations? .* matches the models$", result.stdout, re.M
        )
        assert re.search(
            r"^vector on the embedded PostgreSQL: \d+ migrations? .* matches the models$", result.stdout, re.M
        )

    async def test_scratch_databases_are_dropped(
        self, settings: HeavySettings, database_urls: DatabaseUrls
    ) -> None:
        await verify_migrations(settings, lambda line: None)

        assert await _scratch_databases_left(database_urls.sql) == []

    async def test_a_table_without_a_migration_fails_naming_it(
        self, settings: HeavySettings, database_urls: DatabaseUrls
    ) -> None:
        class SQLGizmo(HeavyModel, table=True):
            __tablename__ = "test_unmigrated_gizmos"
            id: int | None = Field(default=None, primary_key=True)

        try:
            with pytest.raises(
                MigrationError, match=r"sql on the embedded PostgreSQL: add table test_unmigrated_gizmos\)"
            ):
                await verify_migrations(settings, lambda line: None)
        finally:
            sql_metadata().remove(sql_metadata().tables["test_unmigrated_gizmos"])

        assert await _scratch_databases_left(database_urls.sql) == []  # dropped on failure too

    def test_an_unreachable_cockroachdb_is_one_line(self, server_env: dict[str, str], tmp_path: Path) -> None:
        url = f"cockroachdb://root@127.0.0.1:{free_port()}/defaultdb?sslmode=disable"

        result = run_heavy(["migrate", "test"], {**server_env, "HEAVY_STACK_COCKROACH_URL": url}, tmp_path)

        assert_one_line_error(result, "cannot reach the database at cockroachdb+asyncpg://root@127.0.0.1:")
        assert "matches the models" in result.stdout  # PostgreSQL was tested first


class TestModelChangedWithoutMigration:
    def test_fails_naming_the_change_until_create_and_test_writes_the_migration(
        self, tmp_path: Path, server_env: dict[str, str]
    ) -> None:
        project = copy_project(tmp_path / "project")
        app_model = project / "heavy_stack" / "backend" / "data" / "sql_models" / "document.py"
        source = app_model.read_text()
        anchor = "    content: str = Field(max_length=MAX_DOCUMENT_LENGTH)\n"
        app_model.write_text(
            source.replace(anchor, anchor + '    nickname: str = Field(default="", max_length=50)\n')
        )

        failed = run_python(project, ["-m", "heavy_stack", "migrate", "test"], env=server_env)
        created = run_python(
            project, ["dev_scripts/create_and_test_migrations.py", "add nickname"], env=server_env
        )
        passed = run_python(project, ["-m", "heavy_stack", "migrate", "test"], env=server_env)

        assert_one_line_error(
            failed, "add column documents.nickname", 'run heavy migrate create "describe the change"'
        )
        assert created.returncode == 0, created.stderr
        [migration] = (project / "alembic" / "versions" / "vector").glob("*_add_nickname.py")
        assert (
            f"vector: wrote alembic/versions/vector/{migration.name} (add column documents.nickname)"
            in created.stdout
        )
        added = 'op.add_column("documents", sa.Column("nickname", sa.String(length=50)'
        assert added in migration.read_text()
        assert "sql: the models match the migrations; nothing to write" in created.stdout
        assert passed.returncode == 0, passed.stderr


@pytest.fixture
async def fresh_databases(data_dir: Path, embedded_server: EmbeddedPostgres) -> AsyncIterator[HeavySettings]:
    """HeavySettings pointing at two databases that do not exist yet on the session's server."""
    suffix = uuid.uuid4().hex[:10]
    urls = [
        embedded_server.url(f"heavy_stack_test_up_{suffix}"),
        embedded_server.url(f"heavy_stack_test_upv_{suffix}"),
    ]
    yield load_settings(_env_file=None, data_dir=data_dir, sql_db_url=urls[0], vector_db_url=urls[1])
    for url in urls:
        await drop_database(url)


async def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names


class TestMigrateUp:
    async def test_creates_the_databases_applies_every_migration_then_has_nothing_to_do(
        self, fresh_databases: HeavySettings
    ) -> None:
        first: list[str] = []
        second: list[str] = []

        await migrate_up(fresh_databases, first.append)
        await migrate_up(fresh_databases, second.append)

        assert fresh_databases.sql_db_url
        assert fresh_databases.vector_db_url
        assert await _table_names(fresh_databases.sql_db_url) == {"alembic_version", *sql_metadata().tables}
        assert await _table_names(fresh_databases.vector_db_url) == {"alembic_version_vector", "documents"}
        assert [line.split(":")[0] for line in first] == ["sql", "vector"]
        assert all(" upgraded " in line and "no migrations -> " in line for line in first)
        assert all(" is up to date " in line for line in second)

    async def test_both_histories_can_share_one_database(self, fresh_databases: HeavySettings) -> None:
        assert fresh_databases.sql_db_url
        shared = fresh_databases.model_copy(update={"vector_db_url": fresh_databases.sql_db_url})

        await migrate_up(shared, lambda line: None)
        await verify_migrations(shared, lambda line: None)  # each history ignores the other's tables

        assert await _table_names(fresh_databases.sql_db_url) == {
            "alembic_version",
            "alembic_version_vector",
            *sql_metadata().tables,
            "documents",
        }

    async def test_pave_db_forgets_the_migration_state_of_both_databases(
        self, fresh_databases: HeavySettings
    ) -> None:
        await migrate_up(fresh_databases, lambda line: None)

        await pave_databases(fresh_databases)

        assert fresh_databases.sql_db_url
        assert fresh_databases.vector_db_url
        assert await _table_names(fresh_databases.sql_db_url) == set(sql_metadata().tables)
        assert await _table_names(fresh_databases.vector_db_url) == {"documents"}

    async def test_refuses_a_database_built_from_the_models(
        self, settings: HeavySettings, database_urls: DatabaseUrls
    ) -> None:
        with pytest.raises(
            MigrationError, match=r"has tables \(.*users.*\) but no migration history.*stamp head"
        ):
            await migrate_up(settings, lambda line: None)

    async def test_skips_the_vector_database_where_pgvector_is_missing(self, data_dir: Path) -> None:
        server = require_external_postgres()
        sql_url, vector_url = scratch_database_url(server), scratch_database_url(server)
        settings = load_settings(
            _env_file=None, data_dir=data_dir, sql_db_url=sql_url, vector_db_url=vector_url
        )
        assert settings.sql_db_url
        assert settings.vector_db_url
        report: list[str] = []
        try:
            await migrate_up(settings, report.append)
            tables = await _table_names(settings.sql_db_url)
        finally:
            for url in (settings.sql_db_url, settings.vector_db_url):
                await drop_database(url)

        assert tables == {"alembic_version", *sql_metadata().tables}
        assert report[1].startswith("vector: skipped: no pgvector at ")
