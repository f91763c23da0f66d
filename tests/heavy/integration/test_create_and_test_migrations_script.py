"""``dev_scripts/create_and_test_migrations.py``: bad usage is one line, ``--help`` only helps, and
``heavy migrate test`` runs after ``heavy migrate create`` only when that succeeded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.heavy.integration.test_cli_errors import assert_one_line_error
from tests.support import PROJECT_ROOT
from tests.support.project_copy import copy_project, run_python
from tests.support.servers import free_port

pytestmark = pytest.mark.slow

SCRIPT = "dev_scripts/create_and_test_migrations.py"


def run_script(
    arguments: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The script of this project, run from ``cwd`` (so no developer's .env is read)."""
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / SCRIPT), *arguments],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestBadUsage:
    @pytest.mark.parametrize(
        ("arguments", "problem"),
        [
            ([], "Missing argument 'MESSAGE'"),
            (["add", "notes"], "Got unexpected extra argument (notes)"),
            (["--yes", "add notes"], "No such option '--yes'"),
        ],
    )
    def test_is_one_line_naming_the_problem_and_the_fix(
        self, tmp_path: Path, arguments: list[str], problem: str
    ) -> None:
        result = run_script(arguments, tmp_path)

        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"create_and_test_migrations.py: error: {problem}")
        assert line.endswith('e.g. python dev_scripts/create_and_test_migrations.py "add notes table"')
        assert result.stdout == ""


class TestHelp:
    @pytest.mark.parametrize("option", ["--help", "-h"])
    def test_prints_help_and_runs_nothing(self, tmp_path: Path, option: str) -> None:
        result = run_script([option], tmp_path)

        assert result.returncode == 0
        assert result.stdout.startswith("Usage: create_and_test_migrations.py [OPTIONS] MESSAGE")
        assert "heavy migrate create" in result.stdout
        assert "heavy migrate test" in result.stdout
        assert result.stderr == ""
        assert not (tmp_path / ".heavy").exists(), "no database was started"


class TestSteps:
    def test_a_failed_create_stops_before_the_test(self, tmp_path: Path) -> None:
        unreachable = f"postgresql://app@127.0.0.1:{free_port()}/app"

        result = run_script(["add notes"], tmp_path, {"HEAVY_STACK_SQL_DB_URL": unreachable})

        assert_one_line_error(result, "cannot reach the database")  # `migrate test` would add a second
        assert result.returncode == 3

    def test_creates_then_tests_the_whole_history(self, tmp_path: Path, server_env: dict[str, str]) -> None:
        project = copy_project(tmp_path / "project")  # a developer's unsaved model change is not written to

        result = run_python(project, [SCRIPT, "nothing changed"], env=server_env)

        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        created = lines.index("sql: the models match the migrations; nothing to write")
        tested = next(
            index
            for index, line in enumerate(lines)
            if line.startswith("sql on the embedded PostgreSQL: ") and line.endswith("matches the models")
        )
        assert created < tested
        assert list((project / "alembic" / "versions" / "sql").glob("*_nothing_changed.py")) == []
