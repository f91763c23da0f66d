"""Throw-away copies of this project: the whole project (for the scaffolding tools) or just what
runs the app (for hot reload tests and benchmarks that edit source files on disk).

Only the project's own files are copied (``project_files.iter_project_files``: no .git, .venv,
.heavy or caches), and never a developer's ``.env``. Commands run in the copy with this venv's
interpreter, the copy as working directory and the copy first on ``PYTHONPATH``, so the copy's
package shadows the installed (editable) one even for scripts such as ``dev_scripts/*.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from heavy.app import APP_VARIABLE, ENTRY_POINT_GROUP
from heavy.scaffolding.project_files import iter_project_files
from tests.support import PROJECT_ROOT

_NOT_COPIED = frozenset({".env"})


def copy_project(destination: Path) -> Path:
    """Copy the project into ``destination`` (created) and return it."""
    for source in iter_project_files(PROJECT_ROOT):
        relative = source.relative_to(PROJECT_ROOT)
        if relative.as_posix() in _NOT_COPIED:
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination


def run_python(
    project: Path,
    arguments: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python <arguments>`` in ``project`` with this venv's interpreter; output captured.

    The copy's own app is served (``HEAVY_APP`` from its pyproject.toml's entry point, as installing
    the copy would do): this venv's installed entry point names this checkout's app.
    """
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=project,
        # brython/ as well: the editable install puts it on the path (its modules run on the server too)
        env={
            **os.environ,
            **registered_app(project),
            **(env or {}),
            "PYTHONPATH": os.pathsep.join([str(project), str(project / "brython"), *_python_path()]),
        },
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def registered_app(project: Path) -> dict[str, str]:
    """``HEAVY_APP`` set to the ``heavy.app`` entry point of the copy's pyproject.toml; nothing for a
    copy without one (it keeps the app's package name, which the installed entry point names)."""
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    (spec,) = tomllib.loads(pyproject.read_text())["project"]["entry-points"][ENTRY_POINT_GROUP].values()
    return {APP_VARIABLE: str(spec)}


def _python_path() -> list[str]:
    return [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]


def commit_everything(project: Path) -> None:
    """Make ``project`` a git repository of its own with everything committed (a clean tree)."""
    assert not (project / ".git").exists(), f"{project} already belongs to a git repository"
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.com"]
    for command in (
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", *identity, "commit", "--quiet", "--message", "copy"],
    ):
        subprocess.run(command, cwd=project, check=True, capture_output=True)


def snapshot(project: Path) -> dict[str, bytes]:
    """Every project file's content, to show that a refused command changed nothing."""
    return {path.relative_to(project).as_posix(): path.read_bytes() for path in iter_project_files(project)}


def reuse_mypy_cache(project: Path) -> None:
    """Start the copy's mypy cache from this project's (when ``make check-types`` has made one).

    mypy re-checks every module whose content differs from the cached one and whatever depends on
    it, so the copy is checked as thoroughly as from cold, in seconds instead of a minute.
    """
    cache = PROJECT_ROOT / ".mypy_cache"
    if cache.is_dir():
        shutil.copytree(cache, project / ".mypy_cache", dirs_exist_ok=True)


PACKAGE = "heavy_stack"
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", ".ruff_cache")


def copy_app(destination: Path, *, with_tests: bool = False) -> Path:
    """Copy only what runs the app (the runtime and app packages, ``static/``, ``brython/``) into
    ``destination``: lighter than :func:`copy_project`, for tests that start the app from a copy and
    edit it.

    ``with_tests`` also copies ``pyproject.toml`` (pytest's configuration) and the test support
    (``tests/__init__.py``, ``tests/conftest.py``, ``tests/factories.py``, ``tests/support/``), not
    the test suites themselves.
    """
    destination.mkdir(parents=True, exist_ok=True)
    folders = ["heavy", PACKAGE, "static", "brython"]
    if with_tests:
        folders.append("tests/support")
        for name in ("pyproject.toml", "tests/__init__.py", "tests/conftest.py", "tests/factories.py"):
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, target)
    for folder in folders:
        if (PROJECT_ROOT / folder).is_dir():
            shutil.copytree(PROJECT_ROOT / folder, destination / folder, ignore=_IGNORED)
    return destination


def write_source(path: Path, source: str) -> None:
    """Save ``source`` as editors do: write a temporary file, then rename it over ``path``.

    The rename replaces the file (a new inode), which is the save a watcher must not miss.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(textwrap.dedent(source).lstrip())
    os.replace(temporary, path)
