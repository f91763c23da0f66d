"""What state recovery costs: the Heavy Stack counter with recovery off against recovery on, in one run.

Both sides run the same server, ``heavy`` of ``heavy bench`` (``create_app``), each in a fresh
process, clicked by the same tabs, which identify themselves as a browser's do (tab id and
cookie). Off is ``HEAVY_STACK_STATE_RECOVERY=false``: no state store, nothing captured or saved.
On is the default PostgreSQL store: every tab's state is snapshotted and saved. Figures: click
round trip p50/p99 and server CPU per click over sequential clicks (a tab clicking without pause
gets a snapshot written at least once a second), and RSS per idle connection whose state has
changed (so, with recovery on, each holds a snapshot).

RSS includes the burst of snapshot writes as the connections change state (pool connections,
buffers: memory the allocator keeps). ``retained_kib_per_connection`` is what each connection
still holds once the writes are done: the Python heap measured with tracemalloc, in a server run
in this process (client and server on one loop, so only the difference between the sides counts).

Run: ``.venv/bin/python -m bench.state_recovery [--clicks N] [--connections N]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from bench.click_client import (
    OPEN_AT_ONCE,
    click_many,
    idle_connection_memory,
    open_sessions,
    sequential_round_trips,
)
from bench.results import print_table, summarise_ms, write_results
from bench.server_process import BenchmarkError, BenchServerProcess, running_server
from bench.servers import HEAVY
from heavy.config import env_prefix
from heavy.data.embedded_postgres import embedded_postgres, stop_embedded_postgres


def _server_environment(recovery: bool) -> dict[str, str]:
    return {} if recovery else {f"{env_prefix()}STATE_RECOVERY": "false"}


def _check_recovery(process: BenchServerProcess, recovery: bool) -> None:
    """The figures mean nothing unless the server runs the side's configuration (its log says)."""
    logged_on = "state recovery on" in process.log_path.read_text()
    if logged_on != recovery:
        raise BenchmarkError(
            f"the server ran with state recovery {'on' if logged_on else 'off'} on the "
            f"recovery-{'on' if recovery else 'off'} side; see {process.log_path}"
        )


async def measure_side(
    recovery: bool, data_dir: Path, log_dir: Path, clicks: int, connections: int
) -> dict[str, Any]:
    environment = _server_environment(recovery)
    with running_server(HEAVY, log_dir, data_dir=data_dir, environment=environment) as process:
        _check_recovery(process, recovery)
        memory = await idle_connection_memory(process, connections, identify_tabs=True, clicks_each=1)
    with running_server(HEAVY, log_dir, data_dir=data_dir, environment=environment) as process:
        _check_recovery(process, recovery)
        run = await sequential_round_trips(process, clicks, identify_tabs=True)
    return {
        "state_recovery": recovery,
        **summarise_ms(run.latencies),
        "server_cpu_us_per_click": run.server_cpu_seconds / clicks * 1e6,
        "rss_kib_per_connection": memory.bytes_per_connection / 1024,
    }


async def retained_heap_per_connection(recovery: bool, data_dir: Path, connections: int) -> float:
    """KiB of Python heap each changed, idle session holds after its snapshot writes (client + server)."""
    from bench.servers.heavy_counter import Counter
    from bench.servers.heavy_settings import bench_settings
    from heavy.app_factory import create_app
    from heavy.realtime import state_recovery
    from tests.support.servers import serve_in_process

    settings = bench_settings(data_dir).model_copy(update={"state_recovery": recovery})
    app = create_app(settings, name=f"bench_heavy_retained_{int(recovery)}", root=Counter)
    async with serve_in_process(app) as base_url:
        async with open_sessions(base_url, OPEN_AT_ONCE, identify_tabs=True) as warm:
            await asyncio.gather(*(click_many(session, 2) for session in warm))
        await state_recovery.wait_for_saves()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        async with open_sessions(base_url, connections, identify_tabs=True) as sessions:
            await asyncio.gather(*(click_many(session, 1) for session in sessions))
            await asyncio.sleep(state_recovery.MAX_DELAY_SECONDS)
            await state_recovery.wait_for_saves()
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return (after - before) / connections / 1024


async def measure(clicks: int, connections: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="heavy-bench-recovery-") as scratch:
        data_dir, log_dir = Path(scratch) / "data", Path(scratch)
        data_dir.mkdir()
        embedded_postgres(data_dir)  # one database for both sides, up before either server
        try:
            off = await measure_side(False, data_dir, log_dir, clicks, connections)
            on = await measure_side(True, data_dir, log_dir, clicks, connections)
            retained_connections = min(connections, 200)
            off["retained_kib_per_connection"] = await retained_heap_per_connection(
                False, data_dir, retained_connections
            )
            on["retained_kib_per_connection"] = await retained_heap_per_connection(
                True, data_dir, retained_connections
            )
        finally:
            stop_embedded_postgres(data_dir)
    ratios = {
        name: on[name] / off[name]
        for name in (
            "p50_ms",
            "p99_ms",
            "server_cpu_us_per_click",
            "rss_kib_per_connection",
            "retained_kib_per_connection",
        )
        if off[name]
    }
    return {"recovery_off": off, "recovery_on": on, "ratio_on_to_off": ratios}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clicks", type=int, default=1000, help="sequential clicks per side (default 1000)")
    parser.add_argument(
        "--connections", type=int, default=500, help="idle connections for memory (default 500)"
    )
    args = parser.parse_args(argv)

    with contextlib.suppress(KeyboardInterrupt):
        results = asyncio.run(measure(args.clicks, args.connections))
        off, on, ratios = results["recovery_off"], results["recovery_on"], results["ratio_on_to_off"]
        rows = [
            ["click round trip p50 (ms)", "p50_ms", "{:.3f}"],
            ["click round trip p99 (ms)", "p99_ms", "{:.3f}"],
            ["server CPU per click (us)", "server_cpu_us_per_click", "{:.0f}"],
            ["RSS per idle connection (KiB)", "rss_kib_per_connection", "{:.1f}"],
            ["Python heap kept per connection (KiB)", "retained_kib_per_connection", "{:.1f}"],
        ]
        print_table(
            ["", "recovery off", "recovery on", "on / off"],
            [
                [label, fmt.format(off[key]), fmt.format(on[key]), f"{ratios.get(key, 0):.2f}x"]
                for label, key, fmt in rows
            ],
        )
        print(f"\nwritten to {write_results('state_recovery', results)}")


if __name__ == "__main__":
    main()
