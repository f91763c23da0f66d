"""Where a benchmark server spends its CPU: py-spy samples it from outside while it is busy.

py-spy (a dev dependency) reads the server's stacks without pausing it (``--nonblocking``), so the
profile costs the server almost nothing. The samples are kept as collapsed stacks (one line per
distinct stack, ``frame;frame;... count``) and summarised two ways: self time by package (which
library the CPU is in) and inclusive time of Heavy Stack's own functions (what each layer costs).
"""

from __future__ import annotations

import contextlib
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from heavy.errors import HeavyError

SAMPLES_PER_SECOND = 250
ATTACH_TIMEOUT_SECONDS = 10.0
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::\d+)?\)$")
_STDLIB_PATH = re.compile(r"/lib/python3\.\d+/(.*)$")


class ProfilerUnavailableError(HeavyError):
    """py-spy is not installed where the benchmark can find it."""


def py_spy_executable() -> str:
    beside_python = Path(sys.executable).parent / "py-spy"
    found = str(beside_python) if beside_python.exists() else shutil.which("py-spy")
    if found is None:
        raise ProfilerUnavailableError(
            "--profile needs py-spy: install the dev dependencies (make install) or pip install py-spy"
        )
    return found


@contextlib.contextmanager
def sampled(pid: int, output: Path) -> Iterator[None]:
    """Sample process ``pid`` while the block runs; the collapsed stacks are written to ``output``."""
    recorder = subprocess.Popen(
        [
            py_spy_executable(),
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(SAMPLES_PER_SECOND),
            "--format",
            "raw",
            "--nonblocking",
            "--full-filenames",
            "--output",
            str(output),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_sampling(recorder, pid)
        yield
    finally:
        if recorder.poll() is None:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        _, errors = recorder.communicate(timeout=30)
    if recorder.returncode != 0 or not output.exists():
        raise ProfilerUnavailableError(f"py-spy could not sample process {pid}: {_first_line(errors)}")


def _wait_until_sampling(recorder: subprocess.Popen[bytes], pid: int) -> None:
    """Block until py-spy says it samples (so the measured block is covered from its start)."""
    assert recorder.stdout is not None
    deadline = time.monotonic() + ATTACH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([recorder.stdout], [], [], 0.1)
        if ready:
            line = recorder.stdout.readline()
            if b"Sampling process" in line:
                return
            if not line:  # py-spy exited
                break
    recorder.kill()
    _, errors = recorder.communicate(timeout=30)
    raise ProfilerUnavailableError(
        f"py-spy could not attach to process {pid}: {_first_line(errors)} "
        "(it needs permission to read another process's memory: ptrace)"
    )


def _first_line(output: bytes) -> str:
    text = output.decode(errors="replace").strip()
    return text.splitlines()[0] if text else "no message"


OWN_PACKAGES = ("heavy", "heavy_stack")
"""The project's own code: the runtime and the app."""


@dataclass
class ProfileSummary:
    samples: int
    self_by_package: list[tuple[str, float]] = field(default_factory=list)
    top_self_functions: list[tuple[str, float]] = field(default_factory=list)
    heavy_stack_inclusive: list[tuple[str, float]] = field(default_factory=list)


def summarise(collapsed_stacks: Path, *, top: int = 12) -> ProfileSummary:
    """Shares (0..1) of all samples: self time by package and function; the project's own inclusive."""
    self_by_package: Counter[str] = Counter()
    self_by_function: Counter[str] = Counter()
    heavy_inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed_stacks.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_parse_frame(frame) for frame in stack.split(";")]
        function, file = frames[-1]
        self_by_package[package_of(file)] += count
        self_by_function[f"{function} ({short_path(file)})"] += count
        own_frames = {
            f"{function} ({short_path(file)})"
            for function, file in frames
            if package_of(file) in OWN_PACKAGES
        }
        for name in own_frames:
            heavy_inclusive[name] += count
    if total == 0:
        return ProfileSummary(samples=0)

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, count / total) for name, count in counter.most_common(top)]

    return ProfileSummary(
        samples=total,
        self_by_package=shares(self_by_package),
        top_self_functions=shares(self_by_function),
        heavy_stack_inclusive=shares(heavy_inclusive),
    )


def _parse_frame(frame: str) -> tuple[str, str]:
    match = _FRAME.match(frame)
    return (match["function"], match["file"]) if match else (frame, "")


def package_of(file: str) -> str:
    """``sqlalchemy`` for .../site-packages/sqlalchemy/..., ``heavy`` or ``heavy_stack`` for the project's
    own code, else ``python``."""
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for own in (*OWN_PACKAGES, "bench"):
        if f"/{own}/" in file or file.startswith(f"{own}/"):
            return own
    return "python (stdlib, asyncio)" if file else "native"


def short_path(file: str) -> str:
    """A frame's file without the machine-specific prefix: ``sanic/app.py``, ``asyncio/events.py``."""
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1]
    for own in (*(f"{package}/" for package in OWN_PACKAGES), "bench/"):
        if f"/{own}" in file or file.startswith(own):
            return own + file.split(own, 1)[1]
    stdlib = _STDLIB_PATH.search(file)
    return stdlib[1] if stdlib else file.rsplit("/", 1)[-1]
