"""``heavy rename`` (``rename_project.py``) on a copy of the whole project: afterwards the copy's unit
tests, ruff, mypy and the import contract pass there, the runtime is byte for byte as it was, and the
old name is gone from every file outside the runtime and marked lines."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from heavy.scaffolding.project_files import iter_project_files, read_text_file
from heavy.scaffolding.rename import is_runtime_file
from tests.heavy.integration.test_cli_errors import assert_one_line_error
from tests.support import PROJECT_ROOT
from tests.support.project_copy import commit_everything, copy_project, reuse_mypy_cache, run_python, snapshot

pytestmark = pytest.mark.slow

OLD_NAME = re.compile(r"heavy[\W_]*stack", re.IGNORECASE)  # any case, any separator, across lines
# Lines that keep the old name on purpose (credits to the template), marked where they are.
ALLOWED_LINE_MARKER = "rename: keep"
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
)


def leftovers(project: Path) -> list[str]:
    """Every mention of the old name in the copy, found independently of the rename's own check."""
    found = []
    for path in iter_project_files(project):
        if is_runtime_file(path, project):
            continue
        shown = path.relative_to(project).as_posix()
        if OLD_NAME.search(shown):
            found.append(shown)
        text = read_text_file(path)
        if text is None:
            if OLD_NAME.search(path.read_bytes().decode("latin-1")):
                found.append(f"{shown} (binary)")
            continue
        for match in OLD_NAME.finditer(text):
            line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
            if ALLOWED_LINE_MARKER not in line:
                found.append(f"{shown}: {line.strip()}")
    return found


@pytest.fixture(scope="module")
def renamed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("rename") / "project")
    commit_everything(project)
    result = run_python(
        project, ["rename_project.py", "--name", "acme_portal", "--proper-name", "Acme Portal"]
    )
    assert result.returncode == 0, result.stderr
    assert "renamed heavy_stack -> acme_portal ('Heavy Stack' -> 'Acme Portal')" in result.stdout
    assert "left as it was" not in result.stdout
    return project


class TestRenameWithOptions:
    def test_renames_the_package_prefix_titles_and_entry_point(self, renamed_project: Path) -> None:
        pyproject = (renamed_project / "pyproject.toml").read_text()

        assert (renamed_project / "acme_portal" / "app.py").is_file()
        assert (renamed_project / "tests" / "acme_portal" / "unit").is_dir()
        assert not (renamed_project / "heavy_stack").exists()
        assert 'name = "acme-portal"' in pyproject
        assert 'heavy = "heavy.cli:main"' in pyproject, "the runtime's command keeps its name"
        assert 'acme_portal = "acme_portal.app:heavy_app"' in pyproject
        settings = (renamed_project / "acme_portal" / "settings.py").read_text()
        assert 'env_prefix="ACME_PORTAL_"' in settings
        assert 'title="Acme Portal"' in (renamed_project / "acme_portal" / "app.py").read_text()

    def test_leaves_every_runtime_file_as_it_was(self, renamed_project: Path) -> None:
        runtime = [path for path in iter_project_files(PROJECT_ROOT) if is_runtime_file(path, PROJECT_ROOT)]
        assert len(runtime) > 100
        changed = [
            path.relative_to(PROJECT_ROOT).as_posix()
            for path in runtime
            if (renamed_project / path.relative_to(PROJECT_ROOT)).read_bytes() != path.read_bytes()
        ]
        assert changed == []

    def test_no_old_name_is_left_outside_marked_lines(self, renamed_project: Path) -> None:
        assert leftovers(renamed_project) == []

    def test_the_unit_tests_pass_in_the_renamed_project(self, renamed_project: Path, tmp_path: Path) -> None:
        result = run_python(
            renamed_project,
            [
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--basetemp={tmp_path}",
                "tests/heavy/unit",
                "tests/acme_portal/unit",
            ],
        )

        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        assert re.search(r"\d+ passed", result.stdout)

    def test_ruff_mypy_and_the_lock_file_agree_with_the_new_name(self, renamed_project: Path) -> None:
        reuse_mypy_cache(renamed_project)

        lint = run_python(renamed_project, ["-m", "ruff", "check", "."])
        formatting = run_python(renamed_project, ["-m", "ruff", "format", "--check", "."])
        types = run_python(renamed_project, ["-m", "mypy"])
        contract = run_python(renamed_project, ["-c", LINT_IMPORTS, "--no-cache"])

        assert lint.returncode == 0, lint.stdout
        assert formatting.returncode == 0, formatting.stdout
        assert types.returncode == 0, types.stdout
        assert contract.returncode == 0, contract.stdout
        assert "1 kept, 0 broken" in contract.stdout

    def test_the_lock_file_matches_the_renamed_project(self, renamed_project: Path) -> None:
        uv = shutil.which("uv") or str(PROJECT_ROOT / ".heavy" / "tools" / "bin" / "uv")
        if not Path(uv).is_file():
            pytest.skip("uv is not installed here (make install puts it in .heavy/tools)")

        result = subprocess.run(
            [uv, "lock", "--check", "--offline"],
            cwd=renamed_project,
            capture_output=True,
            text=True,
            check=False,
        )

        assert result.returncode == 0, result.stderr


class TestRenameInteractively:
    def test_asks_for_the_names_and_confirms(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")
        commit_everything(project)

        result = run_python(
            project, ["-m", "heavy_stack", "rename"], input="Not Valid\nacme_portal\nAcme Portal\ny\n"
        )

        assert result.returncode == 0, result.stderr
        assert "Error: invalid name 'Not Valid'" in result.stdout
        assert "Proper name (for titles and docs) [Acme Portal]:" in result.stdout
        assert "rename  heavy_stack -> acme_portal" in result.stdout
        assert (project / "acme_portal").is_dir()


class TestRenameRefusals:
    def test_dry_run_lists_every_change_and_changes_nothing(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")
        before = snapshot(project)

        result = run_python(project, ["rename_project.py", "--name", "acme_portal", "--dry-run"])

        assert result.returncode == 0, result.stderr
        assert (
            "edit    pyproject.toml: heavy-stack -> acme-portal (1), heavy_stack -> acme_portal"
            in result.stdout
        )
        assert "rename  heavy_stack -> acme_portal" in result.stdout
        assert "dry run, nothing changed" in result.stdout
        assert snapshot(project) == before

    def test_a_dirty_tree_is_refused_unless_forced(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")
        commit_everything(project)
        (project / "README.md").write_text("work in progress\n")
        before = snapshot(project)

        refused = run_python(project, ["rename_project.py", "--name", "acme_portal"])
        assert snapshot(project) == before
        forced = run_python(project, ["rename_project.py", "--name", "acme_portal", "--force"])

        assert_one_line_error(refused, "1 uncommitted change", "--force")
        assert refused.returncode == 2
        assert forced.returncode == 0, forced.stderr
        assert (project / "acme_portal").is_dir()

    def test_an_invalid_name_is_one_line(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")

        result = run_python(project, ["rename_project.py", "--name", "json", "--force"])

        assert_one_line_error(result, "'json' is a Python keyword or standard module")
