"""``heavy dev --watch``: the app's and the runtime's packages are always watched, the packages given are
added to them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heavy.cli import cli
from heavy.cli.dev import watched_packages
from heavy.dev import supervisor
from heavy.dev.supervisor import package_folders


def code_folders_of(
    arguments: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[Path, ...]:
    """The folders ``heavy dev ARGUMENTS`` would hot-reload (the server itself is not started)."""
    seen: list[Sequence[Path]] = []

    def record(settings: Any, *, code_folders: Sequence[Path], **options: Any) -> None:
        seen.append(code_folders)

    monkeypatch.setattr(supervisor, "run_dev", record)
    monkeypatch.chdir(tmp_path)  # no developer's .env
    result = CliRunner().invoke(cli, ["dev", *arguments], prog_name="heavy")
    assert result.exit_code == 0, result.output
    [folders] = seen
    return tuple(folders)


ALWAYS_WATCHED = ("heavy_stack", "heavy")


class TestWatchedPackages:
    def test_without_watch_the_app_and_runtime_packages(self) -> None:
        assert watched_packages(()) == ALWAYS_WATCHED

    def test_watch_adds_to_the_app_package(self) -> None:
        assert watched_packages(("tests", "bench")) == (*ALWAYS_WATCHED, "tests", "bench")

    def test_naming_the_app_package_again_watches_it_once(self) -> None:
        assert watched_packages((*ALWAYS_WATCHED, "tests")) == (*ALWAYS_WATCHED, "tests")


class TestHeavyDevWatch:
    def test_the_app_and_runtime_packages_are_watched_by_default(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        assert code_folders_of([], monkeypatch, tmp_path) == package_folders(ALWAYS_WATCHED)

    def test_a_watched_package_is_added_to_the_app_package(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        folders = code_folders_of(["--watch", "tests"], monkeypatch, tmp_path)

        assert folders == package_folders([*ALWAYS_WATCHED, "tests"])
        assert len(folders) == 3
