"""``heavy add-table`` on a copy of the whole project: the generated layers pass their own tests,
ruff and mypy there, Alembic sees the new table, and the interactive mode works through stdin.

The non-interactive scenario shares one copy (a module fixture) because each check takes seconds;
the checks only read it, except the migration one, which adds a migration the way a person would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.heavy.integration.test_cli_errors import assert_one_line_error
from tests.support import PROJECT_ROOT
from tests.support.project_copy import copy_project, reuse_mypy_cache, run_python, snapshot

pytestmark = pytest.mark.slow

NOTES_FILES = [
    "heavy_stack/backend/data/sql_models/note.py",
    "heavy_stack/shared_models/note.py",
    "heavy_stack/backend/data/model_mungers/note_mungers.py",
    "heavy_stack/backend/data/repositories/note_repository.py",
    "heavy_stack/backend/data/model_managers/note_manager.py",
    "tests/heavy_stack/unit/data/test_note_repository.py",
    "tests/heavy_stack/unit/data/test_note_mungers.py",
    "tests/heavy_stack/unit/data/test_note_manager.py",
]
ADD_NOTES = [
    "-m",
    "heavy_stack",
    "add-table",
    "--table",
    "notes",
    "--model",
    "SQLNote",
    "--pk-type",
    "NoteId",
    "--yes",
]


@pytest.fixture(scope="module")
def project_with_notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("add-table") / "project")
    result = run_python(project, ADD_NOTES)
    assert result.returncode == 0, result.stderr
    assert "wrote 9 files and registered SQLNote" in result.stdout
    return project


class TestAddTableWithOptions:
    def test_writes_every_layer_into_the_copy_only(self, project_with_notes: Path) -> None:
        for name in NOTES_FILES:
            assert (project_with_notes / name).is_file(), name
            assert not (PROJECT_ROOT / name).exists(), f"{name} was written into the real project"
        registry = (project_with_notes / "heavy_stack/backend/data/sql_models/__init__.py").read_text()
        assert "from heavy_stack.backend.data.sql_models.note import SQLNote" in registry

    def test_the_generated_tests_pass(self, project_with_notes: Path, tmp_path: Path) -> None:
        tests = [name for name in NOTES_FILES if name.startswith("tests/")]

        result = run_python(
            project_with_notes,
            ["-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={tmp_path}", *tests],
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "14 passed" in result.stdout

    def test_alembic_sees_the_table_and_a_migration_makes_the_test_pass(
        self, project_with_notes: Path, server_env: dict[str, str]
    ) -> None:
        before = run_python(project_with_notes, ["-m", "heavy_stack", "migrate", "test"], env=server_env)
        created = run_python(
            project_with_notes, ["-m", "heavy_stack", "migrate", "create", "add notes"], env=server_env
        )
        after = run_python(project_with_notes, ["-m", "heavy_stack", "migrate", "test"], env=server_env)

        assert_one_line_error(before, "add table notes")
        assert "(add table notes); it applies cleanly" in created.stdout, created.stderr
        assert after.returncode == 0, after.stderr

    def test_ruff_and_mypy_pass_on_the_whole_project(self, project_with_notes: Path) -> None:
        reuse_mypy_cache(project_with_notes)

        lint = run_python(project_with_notes, ["-m", "ruff", "check", "."])
        formatting = run_python(project_with_notes, ["-m", "ruff", "format", "--check", "."])
        types = run_python(project_with_notes, ["-m", "mypy"])

        assert lint.returncode == 0, lint.stdout
        assert formatting.returncode == 0, formatting.stdout
        assert types.returncode == 0, types.stdout


class TestAddTableInteractively:
    def test_the_original_script_asks_for_each_name_suggesting_defaults_and_asking_again(
        self, tmp_path: Path
    ) -> None:
        project = copy_project(tmp_path / "project")

        result = run_python(project, ["dev_scripts/add_table.py"], input="Blog Posts\nblog_posts\n\n\ny\n")

        assert result.returncode == 0, result.stderr
        assert "Error: invalid table name 'Blog Posts'" in result.stdout
        assert "SQL model name [SQLBlogPost]:" in result.stdout
        assert "Primary-key type name [BlogPostId]:" in result.stdout
        model = (project / "heavy_stack/backend/data/sql_models/blog_post.py").read_text()
        assert "class SQLBlogPost(HeavyModel, table=True):" in model
        assert 'BlogPostId = NewType("BlogPostId", UUID)' in model

    def test_answering_no_writes_nothing(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")
        before = snapshot(project)

        result = run_python(
            project, ["-m", "heavy_stack", "add-table"], input="gadgets\nSQLGadget\nGadgetId\nn\n"
        )

        assert result.returncode == 0, result.stderr
        assert "nothing written" in result.stdout
        assert snapshot(project) == before


@pytest.fixture(scope="class")
def untouched_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("add-table-refusals") / "project")


class TestAddTableRefusals:
    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (
                ["--table", "users"],
                "table 'users' already exists (SQLUser in heavy.accounts.user_model)",
            ),
            (["--table", "notes", "--model", "SQLClass"], "'class', a Python keyword"),
            (["--table", "user_keys", "--pk-type", "UserKey"], "invalid primary-key type name 'UserKey'"),
        ],
    )
    def test_bad_names_are_one_line_and_nothing_is_written(
        self, untouched_project: Path, arguments: list[str], message: str
    ) -> None:
        before = snapshot(untouched_project)

        result = run_python(untouched_project, ["-m", "heavy_stack", "add-table", "--yes", *arguments])

        assert_one_line_error(result, message)
        assert result.returncode == 2
        assert snapshot(untouched_project) == before
