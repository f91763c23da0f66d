"""Apply a planned set of file changes all together, or not at all.

The tools plan every change first (and refuse before touching anything); then
:func:`apply_changes` writes files and renames paths, and if anything fails on the way it puts
back what it had already done before re-raising, so a project is never left half-changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileWrite:
    """Write ``content`` to ``path`` (a new file, or new content for an existing one)."""

    path: Path
    content: str


@dataclass(frozen=True)
class PathRename:
    """Rename the last component of ``source`` (a file or a folder) to ``new_name``."""

    source: Path
    new_name: str

    @property
    def destination(self) -> Path:
        return self.source.with_name(self.new_name)


def apply_changes(writes: Sequence[FileWrite], renames: Sequence[PathRename] = ()) -> None:
    """Write every file, then rename paths deepest first; on failure undo everything and re-raise.

    ``writes`` use the paths as they are before any rename.
    """
    undo = _Undo()
    try:
        for write in writes:
            undo.before_write(write.path)
            write.path.parent.mkdir(parents=True, exist_ok=True)
            write.path.write_text(write.content, encoding="utf-8")
        for rename in sorted(renames, key=lambda item: len(item.source.parts), reverse=True):
            if rename.destination.exists():
                raise FileExistsError(f"{rename.destination} already exists")
            rename.source.rename(rename.destination)
            undo.renamed(rename)
    except BaseException:
        undo.run()
        raise


class _Undo:
    """What :func:`apply_changes` did so far, and how to take it back."""

    def __init__(self) -> None:
        self._previous_contents: list[tuple[Path, bytes | None]] = []
        self._created_directories: list[Path] = []
        self._renames: list[PathRename] = []

    def before_write(self, path: Path) -> None:
        self._previous_contents.append((path, path.read_bytes() if path.exists() else None))
        missing = [parent for parent in reversed(path.parents) if not parent.exists()]
        self._created_directories.extend(missing)

    def renamed(self, rename: PathRename) -> None:
        self._renames.append(rename)

    def run(self) -> None:
        for rename in reversed(self._renames):
            rename.destination.rename(rename.source)
        for path, previous in reversed(self._previous_contents):
            if previous is None:
                with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # it was never written
                    path.unlink()
            else:
                path.write_bytes(previous)
        for directory in reversed(self._created_directories):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
