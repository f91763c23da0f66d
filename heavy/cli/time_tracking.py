"""``heavy time start|stop|cement NAME|report``: time tracking with ptyme-track.

ptyme-track notices work by watching the project's files change (every couple of minutes) and
records signed timestamps in ``.ptyme_track/.cur_times``, which git ignores. ``cement NAME`` moves
them into ``.ptyme_track/NAME``, a file you commit so the time is credited to you. The signing
secret is ``.ptyme.secret`` at the project root: made on the first start, git-ignored, never
committed. The tracker runs in the background (``start``) until ``stop``; its pid and output are
kept under ``.heavy/time-tracking/``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
import psutil

from heavy.errors import HeavyError

TRACK_DIR = ".ptyme_track"
SECRET_FILE = ".ptyme.secret"
UNCEMENTED_FILE = ".cur_times"
STATE_DIR = Path(".heavy") / "time-tracking"
# Generated files are not work: ptyme-track skips paths containing any of these.
IGNORED_DIRS = ("node_modules", "__pycache__", "test-artifacts", "bench/results")
_NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_PTYME = [sys.executable, "-m", "ptyme_track.main"]


class TimeTrackingError(HeavyError):
    """Time tracking cannot do what was asked (not in a project, nothing to cement, bad name)."""


@dataclass(frozen=True)
class TimeTracking:
    """The time tracking of the project at ``root``."""

    root: Path

    @classmethod
    def here(cls) -> TimeTracking:
        """The project containing the working directory (the nearest folder with a pyproject.toml)."""
        for folder in (Path.cwd(), *Path.cwd().parents):
            if (folder / "pyproject.toml").is_file():
                return cls(folder)
        raise TimeTrackingError("not inside a project (no pyproject.toml here or above); cd into it first")

    @property
    def pid_file(self) -> Path:
        return self.root / STATE_DIR / "tracker.pid"

    @property
    def log_file(self) -> Path:
        return self.root / STATE_DIR / "tracker.log"

    @property
    def uncemented(self) -> Path:
        return self.root / TRACK_DIR / UNCEMENTED_FILE

    def running_pid(self) -> int | None:
        """The tracker's pid, if the one this project started is still running."""
        try:
            pid = int(self.pid_file.read_text().strip())
            command_line = psutil.Process(pid).cmdline()
        except (OSError, ValueError, psutil.Error):
            return None
        return pid if "ptyme_track.main" in command_line else None

    def start(self) -> int:
        """Start the background tracker (making the secret first if needed); return its pid."""
        pid = self.running_pid()
        if pid is not None:
            return pid
        self._ptyme("--ensure-secret")
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "PTYME_IGNORED_DIRS": ":".join(IGNORED_DIRS)}
        with self.log_file.open("ab") as log:
            tracker = subprocess.Popen(
                [*_PTYME, "--standalone"],
                cwd=self.root,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives this command and the terminal it ran in
            )
        self.pid_file.write_text(f"{tracker.pid}\n")
        time.sleep(0.5)
        if tracker.poll() is not None:
            self.pid_file.unlink(missing_ok=True)
            raise TimeTrackingError(
                f"ptyme-track stopped at once: {self._last_log_line()} (log: {self.log_file})"
            )
        return tracker.pid

    def stop(self) -> int | None:
        """Stop the tracker; return the pid it had (None if it was not running)."""
        pid = self.running_pid()
        self.pid_file.unlink(missing_ok=True)
        if pid is None:
            return None
        tracker = psutil.Process(pid)
        tracker.send_signal(signal.SIGTERM)
        try:
            tracker.wait(timeout=10)
        except psutil.TimeoutExpired:
            tracker.kill()
        return pid

    def cement(self, name: str) -> int:
        """Move the uncemented entries into ``.ptyme_track/<name>``; return how many moved."""
        if not _NAME_SHAPE.match(name):
            raise TimeTrackingError(
                f"{name!r} cannot name a time file: use letters, digits, '.', '_' or '-' (your GitHub name)"
            )
        entries = self._count_lines(self.uncemented)
        if entries == 0:
            raise TimeTrackingError(
                "nothing to cement: no time recorded since the last cement (is tracking on? heavy time start)"
            )
        self._ptyme("--cement", name)
        return entries

    def report(self, name: str | None, *, verify: bool) -> list[tuple[str, timedelta, int]]:
        """``(who, total time, blocks)`` for ``name`` (or everyone) and the uncemented time.

        With ``verify``, entries not signed with this machine's secret are left out (entries made
        on other machines always are, so verify only your own).
        """
        from ptyme_track.time_blocks import get_time_blocks  # type: ignore[import-untyped]  # no types shipped

        track_dir = self.root / TRACK_DIR
        if name is not None:
            files = [(name, track_dir / name)]
            if not files[0][1].is_file():
                raise TimeTrackingError(f"no time cemented for {name!r} (no {TRACK_DIR}/{name})")
        else:
            files = sorted(
                (path.name, path)
                for path in track_dir.glob("*")
                if path.is_file() and not path.name.startswith(".")
            )
            if self._count_lines(self.uncemented):
                files.append(("(not cemented)", self.uncemented))
        secret = self._secret() if verify else ""
        rows = []
        for who, path in files:
            blocks = get_time_blocks(path, secret, check_against_secret=verify)
            rows.append((who, sum((block.duration for block in blocks), timedelta()), len(blocks)))
        return rows

    def _secret(self) -> str:
        try:
            return (self.root / SECRET_FILE).read_text().strip()
        except OSError:
            raise TimeTrackingError(
                f"no {SECRET_FILE} to verify with: start tracking once (heavy time start)"
            ) from None

    def _ptyme(self, *arguments: str) -> None:
        result = subprocess.run(
            [*_PTYME, *arguments], cwd=self.root, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise TimeTrackingError(
                f"ptyme-track {arguments[0]} failed: {lines[-1] if lines else result.returncode}"
            )

    def _last_log_line(self) -> str:
        lines = self.log_file.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    @staticmethod
    def _count_lines(path: Path) -> int:
        try:
            return sum(1 for line in path.read_text().splitlines() if line.strip())
        except OSError:
            return 0


@click.group("time")
def time_tracking() -> None:
    """Track the time you work on this project (ptyme-track: file changes, signed timestamps)."""


@time_tracking.command()
def start() -> None:
    """Start tracking in the background (idempotent). Stops counting after 5 idle minutes."""
    tracking = TimeTracking.here()
    already = tracking.running_pid()
    pid = tracking.start()
    click.echo(f"time tracking {'already running' if already else 'started'} (pid {pid}) in {tracking.root}")


@time_tracking.command()
def stop() -> None:
    """Stop the background tracker (what it recorded stays, uncemented)."""
    pid = TimeTracking.here().stop()
    click.echo(f"time tracking stopped (pid {pid})" if pid else "time tracking was not running")


@time_tracking.command()
@click.argument("name")
def cement(name: str) -> None:
    """Credit the recorded time to NAME (your GitHub name) in .ptyme_track/NAME: commit that file."""
    tracking = TimeTracking.here()
    entries = tracking.cement(name)
    click.echo(f"cemented {entries} entr{'y' if entries == 1 else 'ies'} into {TRACK_DIR}/{name}; commit it")


@time_tracking.command()
@click.argument("name", required=False)
@click.option("--verify", is_flag=True, help="Count only entries signed with this machine's secret.")
def report(name: str | None, verify: bool) -> None:
    """Time per person (cemented files) and the time not cemented yet."""
    rows = TimeTracking.here().report(name, verify=verify)
    if not rows:
        click.echo("no time recorded yet (heavy time start)")
    for who, total, blocks in rows:
        click.echo(f"{who:<24} {total}  ({blocks} block{'s' if blocks != 1 else ''})")
