"""Several ``heavy migrate up`` at once (a deploy step run by each replica) all succeed: one
creates the databases and applies the migrations while the others wait, then say "up to date"."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from heavy.config import mask_url, normalise_database_url
from heavy.data.database_setup import DatabaseUrls, create_engine, database_error
from heavy.data.embedded_postgres import EmbeddedPostgres
from heavy.errors import DatabaseRefusedError
from heavy.migrations.scratch import drop_database
from heavy.migrations.targets import ALEMBIC_INI, SQL_TARGET, TARGETS, MigrationTarget
from tests.support.external_services import require_external_postgres, scratch_database_url

pytestmark = pytest.mark.slow


def _fresh_urls() -> tuple[str, str]:
    """Two database URLs on the machine's PostgreSQL that do not exist yet."""
    server = require_external_postgres()
    return scratch_database_url(server), scratch_database_url(server)


def _drop(urls: tuple[str, ...]) -> None:
    for url in urls:
        asyncio.run(drop_database(normalise_database_url(url)))


def _start_migrate_up(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "heavy_stack", "migrate", "up"],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _heads(url: str, target: MigrationTarget) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(text(f"SELECT version_num FROM {target.version_table}"))
            return set(rows.all())
    finally:
        await engine.dispose()


def _run_at_once(
    processes: int, tmp_path: Path, urls: tuple[str, str], targets: tuple[MigrationTarget, ...]
) -> None:
    """``processes`` runs of ``heavy migrate up`` on the fresh databases ``urls`` (SQL, vector),
    started together; ``targets`` are the histories that must end at head (and be applied once)."""
    tmp_path.mkdir(exist_ok=True)
    env = {
        "HEAVY_STACK_ENVIRONMENT": "DEV",  # DEV: migrate up creates the missing databases too
        "HEAVY_STACK_DATA_DIR": str(tmp_path / "data"),
        "HEAVY_STACK_SQL_DB_URL": urls[0],
        "HEAVY_STACK_VECTOR_DB_URL": urls[1],
    }
    try:
        runs = [_start_migrate_up(env, tmp_path) for _ in range(processes)]
        outputs = [run.communicate(timeout=120) for run in runs]
        heads = {
            target.name: asyncio.run(_heads(normalise_database_url(target.url(_as_urls(urls))), target))
            for target in targets
        }
    finally:
        _drop(urls)

    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, f"exit {run.returncode}: {stderr}"
    reports = [stdout for stdout, _ in outputs]
    for target in targets:
        name = target.name
        assert sum(f"{name}: upgraded " in report for report in reports) == 1, reports
        assert sum(f"{name}: " in r and " is up to date " in r for r in reports) == processes - 1, reports
        script = ScriptDirectory.from_config(Config(str(ALEMBIC_INI), ini_section=name))
        assert heads[name] == {script.get_current_head()}


def _as_urls(urls: tuple[str, str]) -> DatabaseUrls:
    return DatabaseUrls(sql=urls[0], vector=urls[1], embedded=False)


class TestConcurrentMigrateUp:
    """On the machine's PostgreSQL (no pgvector there: the vector database is created, then its
    history skipped), and on the embedded one (both histories)."""

    def test_pairs_of_runs_all_succeed_one_upgrades_the_other_finds_it_up_to_date(
        self, tmp_path: Path
    ) -> None:
        for round_number in range(3):  # the race it guards against lost about one pair in three
            _run_at_once(2, tmp_path / f"round-{round_number}", _fresh_urls(), (SQL_TARGET,))

    def test_five_runs_at_once_all_succeed_and_the_database_ends_at_head(self, tmp_path: Path) -> None:
        _run_at_once(5, tmp_path, _fresh_urls(), (SQL_TARGET,))

    def test_three_runs_at_once_bring_both_histories_to_head_on_the_embedded_postgresql(
        self, tmp_path: Path, embedded_server: EmbeddedPostgres
    ) -> None:
        suffix = uuid.uuid4().hex[:10]
        sql_url, vector_url = (embedded_server.url(f"heavy_stack_test_mu{kind}_{suffix}") for kind in "sv")

        _run_at_once(3, tmp_path, (sql_url, vector_url), TARGETS)


class TestErrorsTheDatabaseReturns:
    async def test_are_reported_as_refused_with_their_sqlstate_not_as_unreachable(self) -> None:
        url = normalise_database_url(require_external_postgres())
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1/0"))
        except DBAPIError as error:
            reported = database_error(url, error)
        finally:
            await engine.dispose()

        assert isinstance(reported, DatabaseRefusedError)
        assert str(reported) == f"the database at {mask_url(url)} refused: division by zero (SQLSTATE 22012)"
