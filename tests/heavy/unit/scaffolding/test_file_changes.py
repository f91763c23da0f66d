from __future__ import annotations

from pathlib import Path

import pytest

from heavy.scaffolding.file_changes import FileWrite, PathRename, apply_changes


class TestApplyChanges:
    def test_writes_new_and_existing_files_then_renames_deepest_first(self, tmp_path: Path) -> None:
        (tmp_path / "old_pkg" / "old_sub").mkdir(parents=True)
        (tmp_path / "old_pkg" / "old_sub" / "module.py").write_text("before")

        apply_changes(
            [
                FileWrite(tmp_path / "old_pkg" / "old_sub" / "module.py", "after"),
                FileWrite(tmp_path / "new" / "folder" / "file.txt", "created"),
            ],
            [
                PathRename(tmp_path / "old_pkg", "new_pkg"),
                PathRename(tmp_path / "old_pkg" / "old_sub", "new_sub"),
            ],
        )

        assert (tmp_path / "new_pkg" / "new_sub" / "module.py").read_text() == "after"
        assert (tmp_path / "new" / "folder" / "file.txt").read_text() == "created"
        assert not (tmp_path / "old_pkg").exists()

    def test_a_failure_part_way_puts_everything_back(self, tmp_path: Path) -> None:
        (tmp_path / "existing.txt").write_text("original")
        (tmp_path / "blocker").write_text("a file where a folder is needed")

        with pytest.raises(OSError, match="blocker"):
            apply_changes(
                [
                    FileWrite(tmp_path / "existing.txt", "changed"),
                    FileWrite(tmp_path / "fresh" / "new.txt", "new"),
                    FileWrite(tmp_path / "blocker" / "impossible.txt", "never"),
                ]
            )

        assert (tmp_path / "existing.txt").read_text() == "original"
        assert not (tmp_path / "fresh").exists()
        assert sorted(path.name for path in tmp_path.iterdir()) == ["blocker", "existing.txt"]

    def test_a_rename_onto_an_existing_path_undoes_the_writes_and_earlier_renames(
        self, tmp_path: Path
    ) -> None:
        (tmp_path / "deep").mkdir()
        (tmp_path / "deep" / "a.txt").write_text("a")
        (tmp_path / "b.txt").write_text("b")
        (tmp_path / "taken.txt").write_text("taken")

        with pytest.raises(FileExistsError, match=r"taken\.txt"):
            apply_changes(
                [FileWrite(tmp_path / "b.txt", "edited")],
                [
                    PathRename(tmp_path / "deep" / "a.txt", "renamed.txt"),
                    PathRename(tmp_path / "b.txt", "taken.txt"),
                ],
            )

        assert (tmp_path / "deep" / "a.txt").read_text() == "a"
        assert (tmp_path / "b.txt").read_text() == "b"
        assert (tmp_path / "taken.txt").read_text() == "taken"
