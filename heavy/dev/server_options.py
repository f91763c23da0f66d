"""What the ``heavy dev`` supervisor tells each server process, and how that process answers.

Kept apart from ``dev_server.py`` because a standby process reads it before it may import the app.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

RESTART_EXIT_CODE = 75  # EX_TEMPFAIL, "try again": the server process asks for a fresh one
DEFAULT_POLL_INTERVAL = 0.1


@dataclass(frozen=True)
class DevServerOptions:
    """The server process's command line (``python -m heavy.dev ...``)."""

    socket_fd: int
    code_folders: tuple[Path, ...]
    library_list: Path
    poll_interval: float = DEFAULT_POLL_INTERVAL
    standby: bool = False

    def as_standby(self) -> DevServerOptions:
        return replace(self, standby=True)

    def to_arguments(self) -> list[str]:
        arguments = [
            "--socket-fd",
            str(self.socket_fd),
            "--library-list",
            str(self.library_list),
            "--poll-interval",
            str(self.poll_interval),
        ]
        for folder in self.code_folders:
            arguments += ["--code-folder", str(folder)]
        return [*arguments, "--standby"] if self.standby else arguments

    @classmethod
    def from_arguments(cls, argv: list[str]) -> DevServerOptions:
        parser = argparse.ArgumentParser(
            prog="python -m heavy.dev", description="A heavy dev server process (heavy dev starts it)."
        )
        parser.add_argument("--socket-fd", type=int, required=True)
        parser.add_argument("--code-folder", type=Path, action="append", required=True)
        parser.add_argument("--library-list", type=Path, required=True)
        parser.add_argument("--poll-interval", type=float, default=DEFAULT_POLL_INTERVAL)
        parser.add_argument("--standby", action="store_true")
        parsed = parser.parse_args(argv)
        return cls(
            socket_fd=parsed.socket_fd,
            code_folders=tuple(parsed.code_folder),
            library_list=parsed.library_list,
            poll_interval=parsed.poll_interval,
            standby=parsed.standby,
        )
