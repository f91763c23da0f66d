"""Which lines of code hold the memory of an idle connection: ``tracemalloc``, server by server.

RSS per idle connection (``bench.idle_memory``) says how much; this says where. Each server runs
with allocation tracing on (``HEAVY_BENCH_TRACE_MEMORY``); after the same warm-up as the RSS
measurement it writes a snapshot, then ``--connections`` idle page sessions are opened and it
writes another. The difference, per line of code and per connection, is what a connection keeps.
With more than one server, each line is also compared with the first server's (in the table's
order: echo, reactpy, heavy, heavy-db), which points at what Heavy Stack adds. Tracing slows a
server several times over: use it to find memory, never to time anything.

Run: ``.venv/bin/python -m bench.traced_memory --server reactpy --server heavy [--connections 300]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sysconfig
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from bench.click_client import SETTLE_SECONDS, open_sessions, warm_up
from bench.results import RESULTS_DIR, print_table, write_results
from bench.server_process import PROJECT_ROOT, BenchmarkError, BenchServerProcess
from bench.servers import SERVERS, TRACE_MEMORY_ENV, BenchServer
from bench.stack_comparison import (
    database_if_needed,
    raise_open_file_limit,
    selected_servers,
    server_process,
)
from bench.step_runner import StepRunner

RESULTS_NAME = "traced-memory"
# Lines are named relative to these: "reactpy/core/layout.py:673", "asyncio/locks.py:168".
_PATH_PREFIXES = ("site-packages/", f"{PROJECT_ROOT}/", f"{sysconfig.get_paths()['stdlib']}/")
SNAPSHOT_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class TracedMemory:
    """Bytes per connection that one server's open sessions keep, in all and by line of code."""

    server: str
    connections: int
    bytes_per_connection: float
    bytes_by_line: dict[str, float]  # "path:line" -> bytes per connection (negative: freed)


async def _snapshot(process: BenchServerProcess, path: Path) -> tracemalloc.Snapshot:
    os.kill(process.pid, signal.SIGUSR1)
    deadline = time.monotonic() + SNAPSHOT_TIMEOUT_SECONDS
    while not await asyncio.to_thread(path.exists):
        process.check_alive()
        if time.monotonic() > deadline:
            raise BenchmarkError(f"{process.server.label} wrote no memory snapshot to {path}")
        await asyncio.sleep(0.1)
    snapshot = await asyncio.to_thread(tracemalloc.Snapshot.load, str(path))
    await asyncio.to_thread(path.unlink)  # tens of megabytes each; the results keep what matters
    return snapshot


async def traced_connection_memory(
    process: BenchServerProcess, snapshot_prefix: Path, connections: int
) -> tuple[tracemalloc.Snapshot, tracemalloc.Snapshot]:
    """Snapshots after the warm-up of ``idle_connection_memory`` and with ``connections`` open."""
    await warm_up(process, connections)
    before = await _snapshot(process, Path(f"{snapshot_prefix}.1"))
    async with open_sessions(process.base_url, connections):
        await asyncio.sleep(SETTLE_SECONDS)
        after = await _snapshot(process, Path(f"{snapshot_prefix}.2"))
    return before, after


def _line_name(frame: tracemalloc.Frame) -> str:
    for marker in _PATH_PREFIXES:
        if marker in frame.filename:
            return f"{frame.filename.split(marker, 1)[1]}:{frame.lineno}"
    return f"{frame.filename}:{frame.lineno}"


def per_connection(
    server: BenchServer, before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, connections: int
) -> TracedMemory:
    by_line: dict[str, float] = {}
    for difference in after.compare_to(before, "lineno"):
        name = _line_name(difference.traceback[0])
        by_line[name] = by_line.get(name, 0.0) + difference.size_diff / connections
    return TracedMemory(server.name, connections, sum(by_line.values()), by_line)


def measure(server_names: tuple[str, ...], connections: int) -> list[TracedMemory]:
    servers = selected_servers(server_names)
    raise_open_file_limit(connections + 256)
    work_dir = Path(tempfile.mkdtemp(prefix="heavy-traced-memory-"))
    measured: list[TracedMemory] = []
    with StepRunner() as steps, database_if_needed(steps, servers) as database:
        for server in servers:
            snapshot_prefix = work_dir / f"{server.name}-snapshot"
            process = server_process(server, work_dir, database, {TRACE_MEMORY_ENV: str(snapshot_prefix)})
            process.start()
            try:
                before, after = steps.run(traced_connection_memory(process, snapshot_prefix, connections))
            finally:
                process.stop()
            measured.append(per_connection(server, before, after, connections))
            print(f"{server.label}: {measured[-1].bytes_per_connection / 1024:.2f} KiB traced per connection")
    return measured


def print_report(measured: list[TracedMemory], top: int) -> None:
    baseline = measured[0]
    for traced in measured:
        print(f"\n{traced.server}: the {top} lines keeping the most per connection")
        largest = sorted(traced.bytes_by_line.items(), key=lambda item: -item[1])[:top]
        print_table(["bytes", "line"], [[f"{size:.0f}", line] for line, size in largest])
        if traced is baseline:
            continue
        ratio = traced.bytes_per_connection / baseline.bytes_per_connection
        print(f"\n{traced.server} against {baseline.server} ({ratio:.2f}x): the {top} largest differences")
        lines = set(traced.bytes_by_line) | set(baseline.bytes_by_line)
        kept, kept_by_baseline = traced.bytes_by_line, baseline.bytes_by_line
        differences = {line: kept.get(line, 0.0) - kept_by_baseline.get(line, 0.0) for line in lines}
        largest = sorted(differences.items(), key=lambda item: -abs(item[1]))[:top]
        print_table(["bytes", "line"], [[f"{size:+.0f}", line] for line, size in largest])


def main(argv: list[str] | None = None, results_dir: Path = RESULTS_DIR) -> Path:
    parser = argparse.ArgumentParser(prog="python -m bench.traced_memory", description=__doc__)
    parser.add_argument("--server", action="append", choices=[s.name for s in SERVERS], default=[])
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--top", type=int, default=25, help="lines shown per table")
    args = parser.parse_args(argv)
    measured = measure(tuple(args.server), args.connections)
    print_report(measured, args.top)
    path = write_results(
        RESULTS_NAME,
        {
            "connections": args.connections,
            "bytes_per_connection": {traced.server: traced.bytes_per_connection for traced in measured},
            "bytes_by_line": {traced.server: traced.bytes_by_line for traced in measured},
        },
        directory=results_dir,
    )
    print(f"\nwritten to {path}")
    return path


if __name__ == "__main__":
    main()
