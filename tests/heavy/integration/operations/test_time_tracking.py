"""``heavy time``: ptyme-track in the background, cemented under your name, its secret kept out of git."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner, Result

from heavy.cli import cli
from heavy.cli.time_tracking import SECRET_FILE, TRACK_DIR, UNCEMENTED_FILE, TimeTracking

pytestmark = pytest.mark.slow


def heavy_time(*arguments: str) -> Result:
    return CliRunner().invoke(cli, ["time", *arguments])


def heavy_time_start_command() -> subprocess.CompletedProcess[str]:
    """``heavy time start`` as a command of its own: the tracker must outlive it."""
    return subprocess.run(
        [sys.executable, "-m", "heavy_stack", "time", "start"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def git(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *arguments], cwd=project, capture_output=True, text=True, check=False)


def is_git_ignored(project: Path, path: str) -> bool:
    return git(project, "check-ignore", "--quiet", path).returncode == 0


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small git project to track, as the working directory; its tracker is always stopped."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tracked"\nversion = "0"\n')
    (tmp_path / ".gitignore").write_text(".heavy/\n")
    (tmp_path / "app.py").write_text("print('work')\n")
    git(tmp_path, "init", "--quiet")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")  # any folder inside the project will do
    yield tmp_path
    TimeTracking(tmp_path).stop()


def wait_for_an_entry(project: Path, timeout: float = 30.0) -> None:
    uncemented = project / TRACK_DIR / UNCEMENTED_FILE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if uncemented.is_file() and uncemented.read_text().strip():
            return
        time.sleep(0.1)
    raise TimeoutError("ptyme-track recorded nothing")


class TestTimeTracking:
    def test_start_cement_report_stop(self, project: Path) -> None:
        started = heavy_time_start_command()
        assert started.returncode == 0, started.stderr
        pid = TimeTracking(project).running_pid()
        assert pid is not None, "the tracker outlives the command that started it"
        assert f"time tracking started (pid {pid})" in started.stdout
        assert heavy_time("start").output.startswith(f"time tracking already running (pid {pid})")

        assert (project / SECRET_FILE).read_text().strip()
        assert is_git_ignored(project, SECRET_FILE), "the signing secret must never be committed"

        wait_for_an_entry(project)  # the tracker records as soon as it starts
        cemented = heavy_time("cement", "alice")
        assert cemented.exit_code == 0, cemented.output
        assert "cemented 1 entry into .ptyme_track/alice" in cemented.output
        [entry] = (project / TRACK_DIR / "alice").read_text().splitlines()
        assert set(json.loads(entry)["signed_time"]) == {"server_id", "time", "sig"}
        assert not is_git_ignored(project, f"{TRACK_DIR}/alice"), "cemented time is committed"
        assert is_git_ignored(project, f"{TRACK_DIR}/{UNCEMENTED_FILE}")

        report = heavy_time("report", "--verify")
        assert report.exit_code == 0, report.output
        assert report.output.startswith("alice ")
        assert "(1 block)" in report.output

        stopped = heavy_time("stop")
        assert stopped.output.strip() == f"time tracking stopped (pid {pid})"
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        assert heavy_time("stop").output.strip() == "time tracking was not running"

    def test_cementing_nothing_or_under_a_bad_name_is_a_one_line_error(self, project: Path) -> None:
        nothing = heavy_time("cement", "alice")
        assert nothing.exit_code == 1
        assert nothing.output.startswith("heavy: error: nothing to cement")

        bad_name = heavy_time("cement", "../elsewhere")
        assert bad_name.exit_code == 1
        assert "heavy: error: '../elsewhere' cannot name a time file" in bad_name.output
        assert len(bad_name.output.strip().splitlines()) == 1

    def test_outside_a_project_it_says_where_to_run_it(
        self, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path_factory.mktemp("not-a-project"))

        result = heavy_time("start")

        assert result.exit_code == 1
        assert "not inside a project (no pyproject.toml here or above)" in result.output
