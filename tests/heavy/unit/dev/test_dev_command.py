"""``heavy dev --watch``: the app's package is always watched, the packages given are added to it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heavy_stack.cli import cli
from heavy_stack.cli.dev import APP_PACKAGE, watched_packages
from heavy_stack.dev import supervisor
from heavy_stack.dev.supervisor import package_folders


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


class TestWatchedPackages:
    def test_without_watch_only_the_app_package(self) -> None:
        assert watched_packages(()) == (APP_PACKAGE,)

    def test_watch_adds_to_the_app_package(self) -> None:
        assert watched_packages(("tests", "bench")) == (APP_PACKAGE, "tests", "bench")

    def test_naming_the_app_package_again_watches_it_once(self) -> None:
        assert watched_packages((APP_PACKAGE, "tests")) == (APP_PACKAGE, "tests")


class TestHeavyDevWatch:
    def test_the_app_package_is_watched_by_default(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        assert code_folders_of([], monkeypatch, tmp_path) == package_folders([APP_PACKAGE])

    def test_a_watched_package_is_added_to_the_app_package(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        folders = code_folders_of(["--watch", "tests"], monkeypatch, tmp_path)

        assert folders == package_folders([APP_PACKAGE, "tests"])
        assert len(folders) == 2
