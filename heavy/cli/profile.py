"""``heavy profile server|tests``: where the time goes, as a flame graph recorded by py-spy.

py-spy samples the Python stacks of a program it starts (and of that program's children: the
workers of ``heavy run --workers N``, the servers tests start) without changing its code. It
reads another process's memory, which needs ptrace: a program it starts itself is fine on most
Linux machines; in a container add ``--cap-add SYS_PTRACE`` (the dev container does).

Ctrl+C (or SIGTERM) is passed on to the profiled program, so a server shuts down as it always
does; py-spy writes the profile when the program exits. A second Ctrl+C stops py-spy at once
(it still writes what it has).
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import FrameType

import click
import psutil

from heavy.config import load_settings
from heavy.errors import HeavyError

FORMATS = {"flamegraph": "svg", "speedscope": "speedscope.json", "raw": "txt"}
VIEWERS = {
    "flamegraph": "open it in a browser",
    "speedscope": "open it at https://www.speedscope.app (or any speedscope viewer)",
    "raw": "feed it to flamegraph.pl or inferno",
}


class ProfilingError(HeavyError):
    """py-spy is missing, or wrote no profile."""


def find_py_spy() -> str:
    """py-spy next to this Python (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    if beside.is_file():
        return str(beside)
    found = shutil.which("py-spy")
    if found is None:
        raise ProfilingError("py-spy is not installed (a development dependency): run make install")
    return found


def default_output(target: str, output_format: str) -> Path:
    """``<data dir>/profiles/<target>-<date>-<time>.<ext>`` (git-ignored with the data dir)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return load_settings().data_dir / "profiles" / f"{target}-{stamp}.{FORMATS[output_format]}"


def record_profile(command: list[str], *, output: Path, output_format: str, rate: int) -> int:
    """Run ``command`` under py-spy until it exits; return py-spy's exit code (not the program's)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [
            find_py_spy(),
            "record",
            "--output",
            str(output),
            "--format",
            output_format,
            "--rate",
            str(rate),
            "--subprocesses",
            "--",
            *command,
        ],
        # Its own session: the terminal's Ctrl+C reaches only us, and we hand it to the program;
        # py-spy, if it got it too, would stop and kill the program mid-flight.
        start_new_session=True,
    )
    signals_received = 0

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        nonlocal signals_received
        signals_received += 1
        if signals_received > 1:  # asked twice: stop sampling now (py-spy still writes the file)
            spy.send_signal(signal.SIGINT)
            return
        with contextlib.suppress(psutil.NoSuchProcess):  # py-spy and the program may be gone already
            for program in psutil.Process(spy.pid).children():
                program.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        exit_code = spy.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not output.is_file():
        raise ProfilingError(
            f"py-spy wrote no profile (exit code {exit_code}); if it says 'Permission denied', "
            "it needs ptrace: run as root, or start the container with --cap-add SYS_PTRACE"
        )
    return exit_code


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_interspersed_args": False}


def _profile_options(function: click.decorators.FC) -> click.decorators.FC:
    function = click.option(
        "--format",
        "output_format",
        type=click.Choice(sorted(FORMATS)),
        default="flamegraph",
        show_default=True,
        help="flamegraph: an interactive SVG; speedscope: JSON for speedscope.app; raw: folded stacks.",
    )(function)
    function = click.option(
        "--rate", type=click.IntRange(1, 1000), default=100, show_default=True, help="Samples per second."
    )(function)
    return click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Where to write the profile.  [default: .heavy/profiles/<target>-<time>.<ext>]",
    )(function)


@click.group()
def profile() -> None:
    """Record where the server or the tests spend their time (py-spy flame graphs)."""


@profile.command(context_settings=_PASS_THROUGH)
@_profile_options
@click.argument("run_arguments", nargs=-1, type=click.UNPROCESSED)
def server(output_format: str, rate: int, output: Path | None, run_arguments: tuple[str, ...]) -> None:
    """Serve the app under py-spy until Ctrl+C. RUN_ARGUMENTS go to heavy run (--port, --workers)."""
    _record("server", [sys.executable, "-m", "heavy", "run", *run_arguments], output_format, rate, output)


@profile.command(context_settings=_PASS_THROUGH)
@_profile_options
@click.argument("pytest_arguments", nargs=-1, type=click.UNPROCESSED)
def tests(output_format: str, rate: int, output: Path | None, pytest_arguments: tuple[str, ...]) -> None:
    """Run the tests under py-spy. PYTEST_ARGUMENTS go to pytest (paths, -k, -m)."""
    _record("tests", [sys.executable, "-m", "pytest", *pytest_arguments], output_format, rate, output)


def _record(target: str, command: list[str], output_format: str, rate: int, output: Path | None) -> None:
    output = output or default_output(target, output_format)
    exit_code = record_profile(command, output=output, output_format=output_format, rate=rate)
    click.echo(f"profile of the {target} written to {output}: {VIEWERS[output_format]}")
    if exit_code != 0:
        sys.exit(exit_code)
