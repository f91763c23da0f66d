"""The project's own files: what the scaffolding tools may read and rewrite.

Everything under the project root except version control, virtual environments, the project-local
data folder and tool caches. The walk is over the tree as it is, not a fixed list, so files added
later (Dockerfiles, editor settings, new packages) are covered without anyone updating a list.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

RUNTIME_PACKAGE = __name__.partition(".")[0]
RUNTIME_PATHS = (RUNTIME_PACKAGE, "brython/reactpy_bridge.py", f"brython/{RUNTIME_PACKAGE}_brython")
"""The runtime's files in the project, relative to its root: upgraded with the runtime, never
rewritten by the scaffolding tools (``heavy rename`` leaves them untouched)."""


def app_package() -> str:
    """The import name of the app the scaffolding tools write into (``HeavyApp.package``)."""
    from heavy.app import current_app

    return current_app().package


def app_project_root() -> Path:
    """The folder holding the app package, pyproject.toml and tests/."""
    from heavy.app import current_app

    return current_app().project_root


SKIPPED_NAMES = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        ".heavy",  # project-local data: the embedded PostgreSQL, tools
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
    }
)
_BINARY_SNIFF_BYTES = 8192


def iter_project_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` outside the skipped folders, in a stable order.

    Symbolic links are not followed or listed: they point at something that is not ours to edit.
    """
    for directory, subdirectories, filenames in os.walk(root):
        here = Path(directory)
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_NAMES and not name.endswith(".egg-info") and not (here / name).is_symlink()
        )
        for filename in sorted(filenames):
            path = here / filename
            # A .git *file* points a worktree or submodule at its repository: never ours to copy or edit.
            if filename not in SKIPPED_NAMES and not path.is_symlink():
                yield path


def read_text_file(path: Path) -> str | None:
    """The file's text, or None for a binary file (NUL bytes, or not UTF-8)."""
    data = path.read_bytes()
    if b"\0" in data[:_BINARY_SNIFF_BYTES]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, for messages and listings."""
    return path.relative_to(root).as_posix()
