"""The line between the runtime and the app: app code reaches the runtime only through its public
modules. (The other direction, the runtime never importing the app, is `lint-imports` in make lint.)"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import heavy
from heavy.app import current_app
from heavy.scaffolding.add_table import TEMPLATES_DIR
from tests.support import PROJECT_ROOT


def runtime_imports(source: str) -> list[tuple[int, str]]:
    """Every ``heavy.*`` module a Python source imports, with its line number."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.extend((node.lineno, name) for name in names if name == "heavy" or name.startswith("heavy."))
    return found


def private_imports(source: str) -> list[str]:
    imports = runtime_imports(source)
    return [f"line {line}: {name}" for line, name in imports if name not in heavy.PUBLIC_MODULES]


class TestAppCode:
    @pytest.mark.parametrize(
        "path",
        sorted(current_app().package_dir.rglob("*.py")),
        ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix(),
    )
    def test_imports_only_the_public_modules_of_the_runtime(self, path: Path) -> None:
        assert private_imports(path.read_text()) == []

    @pytest.mark.parametrize("template", sorted(TEMPLATES_DIR.glob("*.py.tmpl")), ids=lambda path: path.name)
    def test_code_that_add_table_writes_into_the_app_does_too(self, template: Path) -> None:
        source = re.sub(r"\$\{(\w+)\}", r"\1", template.read_text())  # placeholders as plain names
        assert private_imports(source) == []

    def test_a_private_import_is_found(self) -> None:
        assert private_imports("from heavy.realtime.reactpy_patches import apply_reactpy_patches\n") == [
            "line 1: heavy.realtime.reactpy_patches"
        ]


class TestEveryPublicModule:
    @pytest.mark.parametrize("module", heavy.PUBLIC_MODULES)
    def test_imports_and_says_what_it_offers(self, module: str) -> None:
        imported = __import__(module, fromlist=["_"])
        assert imported.__doc__, f"{module} has no docstring"


class TestImportContract:
    def test_lint_imports_fails_when_the_runtime_imports_the_app(self, tmp_path: Path) -> None:
        """The contract is live: a copy of the two packages with one forbidden import breaks it."""
        for package in ("heavy", current_app().package):
            subprocess.run(["cp", "-r", str(PROJECT_ROOT / package), str(tmp_path / package)], check=True)
        (tmp_path / "heavy" / "sneaky.py").write_text(f"import {current_app().package}.frontend.root\n")
        (tmp_path / "pyproject.toml").write_text((PROJECT_ROOT / "pyproject.toml").read_text())
        lint_imports = Path(sys.executable).parent / "lint-imports"

        result = subprocess.run(
            [str(lint_imports), "--no-cache"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )

        assert result.returncode != 0, result.stdout
        assert "BROKEN" in result.stdout
        assert "heavy.sneaky" in result.stdout
