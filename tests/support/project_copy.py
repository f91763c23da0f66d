"""A throwaway copy of the project, for tests and benchmarks that edit source files on disk.

Run a command with the copy as its working folder (``python -m heavy_stack ...``): Python puts
that folder first on ``sys.path``, so the copy's package is the one imported, not the checkout's
(which the editable install points at). Edits then never touch the real tree.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "heavy_stack"
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", ".ruff_cache")


def copy_project(destination: Path, *, with_tests: bool = False) -> Path:
    """Copy the package and ``static/`` (and ``brython/`` when it exists) into ``destination``.

    ``with_tests`` also copies ``pyproject.toml`` (pytest's configuration) and the test support
    (``tests/__init__.py``, ``tests/conftest.py``, ``tests/factories.py``, ``tests/support/``), not
    the test suites themselves.
    """
    destination.mkdir(parents=True, exist_ok=True)
    folders = [PACKAGE, "static", "brython"]
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
