"""``heavy pave-db`` rebuilds every table, and refuses servers that are not on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from heavy.config import load_settings
from heavy.data.database_setup import create_engine
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.data.metadata import sql_metadata
from heavy.data.pave_db import RemoteDatabaseRefusedError, pave_databases

pytestmark = pytest.mark.slow


@pytest.fixture
async def scratch_data_dir(tmp_path: Path) -> AsyncIterator[Path]:
    """A data folder of its own: paving must never touch the session's database."""
    yield tmp_path
    stop_embedded_postgres(tmp_path)


async def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        result = set(names.all())
    await engine.dispose()
    return result


class TestPaveDatabases:
    async def test_creates_databases_extension_and_tables_then_empties_them(
        self, scratch_data_dir: Path
    ) -> None:
        settings = load_settings(_env_file=None, data_dir=scratch_data_dir)

        report = await pave_databases(settings)
        engine = create_engine(report.urls.sql)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, created_at, updated_at, display_name) "
                    "VALUES (gen_random_uuid(), now(), now(), 'gone soon')"
                )
            )
        await pave_databases(settings)
        async with engine.connect() as connection:
            remaining = await connection.scalar(text("SELECT count(*) FROM users"))
        await engine.dispose()

        assert report.sql_tables == sorted(sql_metadata().tables)
        assert "users" in report.sql_tables
        assert report.vector_tables == ["documents"]
        assert "users" in await _table_names(report.urls.sql)
        assert "documents" in await _table_names(report.urls.vector)
        assert remaining == 0

    async def test_refuses_a_server_that_is_not_local(self, tmp_path: Path) -> None:
        settings = load_settings(
            _env_file=None, data_dir=tmp_path, sql_db_url="postgresql://u:pw@db.example.com/app"
        )

        with pytest.raises(RemoteDatabaseRefusedError, match=r"db\.example\.com.*--i-know-this-is-not-local"):
            await pave_databases(settings)

    async def test_refuses_a_remote_vector_database_beside_the_embedded_one(
        self, scratch_data_dir: Path
    ) -> None:
        settings = load_settings(
            _env_file=None,
            data_dir=scratch_data_dir,
            vector_db_url="postgresql://u:pw@vectors.example.com/vectors",
        )

        with pytest.raises(RemoteDatabaseRefusedError) as error:
            await pave_databases(settings)

        message = str(error.value)
        assert message.startswith("refusing to pave postgresql+asyncpg://u:***@vectors.example.com/vectors:")
        assert "heavy_stack?host=" not in message  # the embedded SQL database is not the one refused


def _heavy_pave_db(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heavy_stack", "pave-db", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestPaveDbCommand:
    def test_refusal_is_one_line_and_a_non_zero_exit(self, tmp_path: Path) -> None:
        result = _heavy_pave_db(
            [], {"HEAVY_STACK_SQL_DB_URL": "postgresql://u:pw@db.example.com/app"}, tmp_path
        )

        assert result.returncode == 2
        assert result.stderr.strip().count("\n") == 0
        assert "refusing to pave postgresql+asyncpg://u:***@db.example.com/app" in result.stderr
        assert "pw" not in result.stderr.replace("pave", "")

    def test_a_remote_host_query_parameter_is_refused(self, tmp_path: Path) -> None:
        url = "postgresql://u:pw@/app?host=db.example.com"

        result = _heavy_pave_db([], {"HEAVY_STACK_SQL_DB_URL": url}, tmp_path)

        assert result.returncode == 2
        assert "refusing to pave" in result.stderr
        assert "host=db.example.com" in result.stderr

    def test_help_says_what_it_creates_and_destroys(self, tmp_path: Path) -> None:
        result = _heavy_pave_db(["--help"], {}, tmp_path)

        assert result.returncode == 0
        help_text = " ".join(result.stdout.split())
        assert "Create missing databases and the vector extension" in help_text
        assert "drop and recreate every table" in help_text
        assert "--i-know-this-is-not-local" in help_text

    def test_dev_script_paves_like_the_command(self, tmp_path: Path) -> None:
        project_root = Path(__file__).resolve().parents[3]
        result = subprocess.run(
            [sys.executable, str(project_root / "dev_scripts" / "pave_db.py")],
            env={**os.environ, "HEAVY_STACK_DATA_DIR": str(tmp_path)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert result.returncode == 0, result.stderr
        assert "users" in result.stdout
        assert "documents" in result.stdout
