from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from heavy.scaffolding.rename import (
    ProjectName,
    RenameRefusedError,
    apply_rename,
    check_clean_git_tree,
    check_new_name,
    current_name,
    find_leftovers,
    plan_rename,
)

MY_APP = ProjectName.from_package("my_app", "My App")
PROPER = current_name().proper
RUNTIME_TEXT = '"""e.g. package="heavy_stack", title="Heavy Stack", HEAVY_STACK_PORT"""\n'
PNG_WITH_THE_NAME = b"\x89PNG\r\n\x1a\n\x00\x00 heavy_stack \x00"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project that uses every spelling of the name, plus files a rename must not touch."""
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "heavy-stack"\n[tool.hatch]\npackages = ["heavy_stack"]\n',
        "heavy_stack/__init__.py": '"""Heavy Stack."""\n\nPREFIX = "HEAVY_STACK_"\n',
        "heavy_stack/errors.py": "class HeavyStackError(Exception):\n    pass\n\n\nheavyStack = 1\n",
        # The runtime's files: upgraded with the runtime, never renamed, even where they name the app.
        "heavy/app.py": RUNTIME_TEXT,
        "brython/heavy_brython/storage.py": RUNTIME_TEXT,
        "brython/reactpy_bridge.py": RUNTIME_TEXT,
        "heavy_stack/flat.txt": "heavystack\n",
        "brython/heavy_stack_brython/navigate.py": "# HEAVY STACK in the browser; heavy stack in prose\n",
        # Built from current_name(): a line with the marker survives the project's own rename as it is.
        "docs/credits.md": f"Started from {PROPER}. <!-- rename: keep -->\n{PROPER} docs\n",
        "static/logo.png": PNG_WITH_THE_NAME,
        # Tooling files other people add: found by walking the tree, not from a list.
        ".devcontainer/devcontainer.json": '{"name": "Heavy Stack", "postCreateCommand": "make install"}\n',
        ".vscode/launch.json": '{"configurations": [{"module": "heavy_stack", "args": ["run"]}]}\n',
        "dockerfiles/Dockerfile": "ENV HEAVY_STACK_ENVIRONMENT=PRODUCTION\nCOPY heavy_stack /app\n",
        ".github/workflows/ci.yml": "name: heavy-stack CI\n",
        ".git/config": "heavy_stack",
        ".venv/lib/site.py": "heavy_stack",
        ".heavy/pgdata/notes": "heavy_stack",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return tmp_path


class TestProjectName:
    def test_every_spelling_pairs_with_the_same_spelling_of_the_new_name(self) -> None:
        assert dict(
            zip(ProjectName("heavy_stack", "Heavy Stack").spellings, MY_APP.spellings, strict=True)
        ) == {
            "heavy_stack": "my_app",
            "HEAVY_STACK": "MY_APP",
            "heavy-stack": "my-app",
            "HeavyStack": "MyApp",
            "heavyStack": "myApp",
            "heavystack": "myapp",
            "Heavy Stack": "My App",
            "heavy stack": "my app",
            "HEAVY STACK": "MY APP",
        }

    def test_the_proper_name_defaults_to_the_package_name_in_title_case(self) -> None:
        assert ProjectName.from_package("mars_base").proper == "Mars Base"


class TestPlanAndApply:
    def test_replaces_each_spelling_and_renames_files_and_folders(self, project: Path) -> None:

        apply_rename(plan_rename(MY_APP, old=current_name(), root=project))

        assert (project / "pyproject.toml").read_text() == (
            '[project]\nname = "my-app"\n[tool.hatch]\npackages = ["my_app"]\n'
        )
        assert (project / "my_app" / "__init__.py").read_text() == '"""My App."""\n\nPREFIX = "MY_APP_"\n'
        assert (project / "my_app" / "errors.py").read_text() == (
            "class MyAppError(Exception):\n    pass\n\n\nmyApp = 1\n"
        )
        assert (project / "my_app" / "flat.txt").read_text() == "myapp\n"
        assert (project / "brython" / "my_app_brython" / "navigate.py").read_text() == (
            "# MY APP in the browser; my app in prose\n"
        )
        assert not (project / "heavy_stack").exists()
        assert not (project / "brython" / "heavy_stack_brython").exists()

    def test_leaves_the_runtime_untouched(self, project: Path) -> None:
        plan = plan_rename(MY_APP, old=current_name(), root=project)
        apply_rename(plan)

        for runtime_file in ("heavy/app.py", "brython/heavy_brython/storage.py", "brython/reactpy_bridge.py"):
            assert (project / runtime_file).read_text() == RUNTIME_TEXT
            assert not [line for line in plan.listing() if runtime_file in line]
        assert not [leftover for leftover in find_leftovers(project, current_name()) if "heavy/" in leftover]

    def test_covers_docker_devcontainer_editor_and_ci_files(self, project: Path) -> None:
        apply_rename(plan_rename(MY_APP, old=current_name(), root=project))

        assert '"name": "My App"' in (project / ".devcontainer" / "devcontainer.json").read_text()
        assert '"module": "my_app"' in (project / ".vscode" / "launch.json").read_text()
        assert (project / "dockerfiles" / "Dockerfile").read_text() == (
            "ENV MY_APP_ENVIRONMENT=PRODUCTION\nCOPY my_app /app\n"
        )
        assert (project / ".github" / "workflows" / "ci.yml").read_text() == "name: my-app CI\n"

    def test_leaves_marked_lines_binaries_and_tool_folders_alone(self, project: Path) -> None:

        plan = plan_rename(MY_APP, old=current_name(), root=project)
        apply_rename(plan)

        assert (project / "docs" / "credits.md").read_text() == (
            f"Started from {PROPER}. <!-- rename: keep -->\nMy App docs\n"
        )
        assert (project / "static" / "logo.png").read_bytes() == PNG_WITH_THE_NAME
        for untouched in (".git/config", ".venv/lib/site.py", ".heavy/pgdata/notes"):
            assert (project / untouched).read_text() == "heavy_stack"
        assert plan.binary_mentions == (project / "static" / "logo.png",)

    def test_leftovers_are_what_could_not_be_replaced(self, project: Path) -> None:
        wrapped = PROPER.lower().replace(" ", "\n")  # a spelling no rename can know
        (project / "docs" / "wrapped.md").write_text(f"built on the {wrapped} template\n")

        apply_rename(plan_rename(MY_APP, old=current_name(), root=project))

        assert find_leftovers(project, current_name()) == [
            f"docs/wrapped.md:1: {wrapped!r}",
            "static/logo.png (binary): 'heavy_stack'",
        ]

    def test_the_plan_lists_every_change_and_changes_nothing(self, project: Path) -> None:
        before = (project / "heavy_stack" / "__init__.py").read_text()

        listing = plan_rename(MY_APP, old=current_name(), root=project).listing()

        assert (
            "edit    heavy_stack/__init__.py: HEAVY_STACK -> MY_APP (1), Heavy Stack -> My App (1)" in listing
        )
        assert "rename  heavy_stack -> my_app" in listing
        assert "rename  brython/heavy_stack_brython -> brython/my_app_brython" in listing
        assert "skip    static/logo.png (binary; mentions heavy_stack)" in listing
        touched = [line.split()[1] for line in listing]
        assert not [path for path in touched if path.startswith((".git/", ".venv/", ".heavy/"))]
        assert (project / "heavy_stack" / "__init__.py").read_text() == before


class TestCheckNewName:
    @pytest.mark.parametrize("name", ["MyApp", "my__app", "1app", "my-app", "app_", "a" * 41])
    def test_invalid_names(self, name: str, tmp_path: Path) -> None:
        with pytest.raises(RenameRefusedError, match=f"invalid name '{name}'"):
            check_new_name(ProjectName.from_package(name), root=tmp_path)

    @pytest.mark.parametrize("name", ["class", "json", "asyncio"])
    def test_keywords_and_standard_modules(self, name: str, tmp_path: Path) -> None:
        with pytest.raises(RenameRefusedError, match="Python keyword or standard module"):
            check_new_name(ProjectName.from_package(name), root=tmp_path)

    def test_an_installed_module(self, tmp_path: Path) -> None:
        with pytest.raises(RenameRefusedError, match="'sanic' is the name of an installed module"):
            check_new_name(ProjectName.from_package("sanic"), root=tmp_path)

    def test_a_name_taken_in_the_project(self, tmp_path: Path) -> None:
        (tmp_path / "reports").mkdir()

        with pytest.raises(RenameRefusedError, match="'reports' is taken by"):
            check_new_name(ProjectName.from_package("reports"), root=tmp_path)

    def test_the_current_name(self, tmp_path: Path) -> None:
        with pytest.raises(RenameRefusedError, match="already called"):
            check_new_name(ProjectName.from_package(current_name().package), root=tmp_path)

    def test_a_name_containing_the_current_one(self, tmp_path: Path) -> None:
        with pytest.raises(RenameRefusedError, match="must not contain the old one"):
            check_new_name(ProjectName.from_package(f"{current_name().package}_two"), root=tmp_path)

    @pytest.mark.parametrize("proper", ["Mars 'Base'", " Mars", "Mars  Base", "Mars\nBase"])
    def test_invalid_proper_names(self, proper: str, tmp_path: Path) -> None:
        with pytest.raises(RenameRefusedError, match="invalid proper name"):
            check_new_name(ProjectName.from_package("mars", proper), root=tmp_path)


class TestCheckCleanGitTree:
    def _commit_everything(self, root: Path) -> None:
        (root / "file.txt").write_text("committed")
        for command in (
            ["git", "init", "--quiet"],
            ["git", "add", "--all"],
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "c"],
        ):
            subprocess.run(command, cwd=root, check=True, capture_output=True)

    def test_a_clean_tree_is_accepted(self, tmp_path: Path) -> None:
        self._commit_everything(tmp_path)

        check_clean_git_tree(tmp_path)

    def test_uncommitted_changes_are_refused_with_the_way_out(self, tmp_path: Path) -> None:
        self._commit_everything(tmp_path)
        (tmp_path / "file.txt").write_text("changed")
        (tmp_path / "new.txt").write_text("new")

        with pytest.raises(
            RenameRefusedError, match=r"2 uncommitted changes .*commit or stash first.*--force"
        ):
            check_clean_git_tree(tmp_path)

    def test_a_folder_outside_git_has_nothing_to_protect(self, tmp_path: Path) -> None:
        check_clean_git_tree(tmp_path)
