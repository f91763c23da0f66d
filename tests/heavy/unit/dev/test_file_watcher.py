"""FileWatcher on a real folder: every kind of save is seen, once; scratch files are not."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest

from heavy.dev.file_watcher import FileWatcher
from tests.support.project_copy import write_source

WAIT_SECONDS = 10.0
QUIET_SECONDS = 0.5  # several polls: long enough for a duplicate report to show up


class Saves:
    def __init__(self) -> None:
        self.paths: queue.Queue[Path] = queue.Queue()

    def next(self) -> Path:
        return self.paths.get(timeout=WAIT_SECONDS)

    def assert_quiet(self) -> None:
        try:
            extra = self.paths.get(timeout=QUIET_SECONDS)
        except queue.Empty:
            return
        pytest.fail(f"unexpected report of {extra}")


@pytest.fixture
def saves(tmp_path: Path) -> Iterator[Saves]:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "page.py").write_text("A = 1\n")
    recorded = Saves()
    watcher = FileWatcher(
        [tmp_path], recorded.paths.put, wants=lambda path: path.suffix == ".py", interval=0.05
    )
    watcher.start()
    try:
        yield recorded
    finally:
        watcher.stop()


class TestFileWatcher:
    def test_a_save_that_replaces_the_file_by_rename_is_seen_once(self, saves: Saves, tmp_path: Path) -> None:
        page = tmp_path / "pkg" / "page.py"
        inode_before = page.stat().st_ino

        write_source(page, "A = 2\n")

        assert page.stat().st_ino != inode_before
        assert saves.next() == page
        saves.assert_quiet()

    def test_a_save_in_place_is_seen_once(self, saves: Saves, tmp_path: Path) -> None:
        page = tmp_path / "pkg" / "page.py"

        with page.open("w") as file:
            file.write("A = 3\n")
        os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 1_000_000))

        assert saves.next() == page
        saves.assert_quiet()

    def test_a_new_file_in_a_new_folder_is_seen(self, saves: Saves, tmp_path: Path) -> None:
        new_module = tmp_path / "pkg" / "sub" / "new.py"

        write_source(new_module, "B = 1\n")

        assert saves.next() == new_module

    def test_scratch_files_and_unwanted_files_are_ignored(self, saves: Saves, tmp_path: Path) -> None:
        folder = tmp_path / "pkg"
        for name in (".page.py.swp", "page.py~", "notes.txt", ".#page.py"):
            (folder / name).write_text("x")
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "cached.py").write_text("x")

        saves.assert_quiet()
