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
from heavy.scaffolding.rename import ProjectName, current_name, is_runtime_file
from tests.heavy.integration.test_cli_errors import assert_one_line_error
from tests.support import PROJECT_ROOT
from tests.support.project_copy import commit_everything, copy_project, reuse_mypy_cache, run_python, snapshot

pytestmark = pytest.mark.slow

# Lines that keep the old name on purpose (credits to the template), marked where they are.
ALLOWED_LINE_MARKER = "rename: keep"
OLD = current_name()  # the project's own name: heavy_stack, or whatever a rename made it
# Any other name: a copy of an already renamed project (say acme_portal) is renamed to another one.
NEW = next(
    name
    for name in (ProjectName("acme_portal", "Acme Portal"), ProjectName("zenith_works", "Zenith Works"))
    if name.package != OLD.package
)
NEW_DASHED = NEW.package.replace("_", "-")
# The old name in any case, with any separator, across lines: heavy_stack, Heavy Stack, heavy\nstack.
OLD_NAME = re.compile(r"[\W_]*".join(re.escape(word) for word in OLD.package.split("_")), re.IGNORECASE)
OLD_DASHED = OLD.package.replace("_", "-")
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
    result = run_python(project, ["rename_project.py", "--name", NEW.package, "--proper-name", NEW.proper])
    assert result.returncode == 0, result.stderr
    assert f"renamed {OLD.package} -> {NEW.package} ({OLD.proper!r} -> {NEW.proper!r})" in result.stdout
    assert "left as it was" not in result.stdout
    return project


class TestRenameWithOptions:
    def test_renames_the_package_prefix_titles_and_entry_point(self, renamed_project: Path) -> None:
        pyproject = (renamed_project / "pyproject.toml").read_text()

        assert (renamed_project / NEW.package / "app.py").is_file()
        assert (renamed_project / "tests" / NEW.package / "unit").is_dir()
        assert not (renamed_project / OLD.package).exists()
        assert f'name = "{NEW_DASHED}"' in pyproject
        assert 'heavy = "heavy.cli:main"' in pyproject, "the runtime's command keeps its name"
        assert f'{NEW.package} = "{NEW.package}.app:heavy_app"' in pyproject
        settings = (renamed_project / NEW.package / "settings.py").read_text()
        assert f'env_prefix="{NEW.package.upper()}_"' in settings
        assert f'title="{NEW.proper}"' in (renamed_project / NEW.package / "app.py").read_text()

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
                f"tests/{NEW.package}/unit",
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
            project, ["-m", OLD.package, "rename"], input=f"Not Valid\n{NEW.package}\n{NEW.proper}\ny\n"
        )

        assert result.returncode == 0, result.stderr
        assert "Error: invalid name 'Not Valid'" in result.stdout
        assert f"Proper name (for titles and docs) [{NEW.proper}]:" in result.stdout
        assert f"rename  {OLD.package} -> {NEW.package}" in result.stdout
        assert (project / NEW.package).is_dir()


class TestRenameRefusals:
    def test_dry_run_lists_every_change_and_changes_nothing(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")
        before = snapshot(project)

        result = run_python(project, ["rename_project.py", "--name", NEW.package, "--dry-run"])

        assert result.returncode == 0, result.stderr
        assert (
            f"edit    pyproject.toml: {OLD_DASHED} -> {NEW_DASHED} (1), {OLD.package} -> {NEW.package}"
            in result.stdout
        )
        assert f"rename  {OLD.package} -> {NEW.package}" in result.stdout
        assert "dry run, nothing changed" in result.stdout
        assert snapshot(project) == before

    def test_a_dirty_tree_is_refused_unless_forced(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")
        commit_everything(project)
        (project / "README.md").write_text("work in progress\n")
        before = snapshot(project)

        refused = run_python(project, ["rename_project.py", "--name", NEW.package])
        assert snapshot(project) == before
        forced = run_python(project, ["rename_project.py", "--name", NEW.package, "--force"])

        assert_one_line_error(refused, "1 uncommitted change", "--force")
        assert refused.returncode == 2
        assert forced.returncode == 0, forced.stderr
        assert (project / NEW.package).is_dir()

    def test_an_invalid_name_is_one_line(self, tmp_path: Path) -> None:
        project = copy_project(tmp_path / "project")

        result = run_python(project, ["rename_project.py", "--name", "json", "--force"])

        assert_one_line_error(result, "'json' is a Python keyword or standard module")
