"""RSS per idle connection alone: the one figure of ``heavy bench`` that rounds barely move.

``heavy bench`` measures memory once per round, beside everything else; this repeats only that
step, for the servers named, so a change meant to save memory can be checked in a few minutes.
Each round starts each server fresh, opens the same warm-up and then ``--connections`` idle page
sessions (``bench.click_client.idle_connection_memory``), and stops it.

Run: ``.venv/bin/python -m bench.idle_memory --server reactpy --server heavy [--rounds 3]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench.click_client import idle_connection_memory
from bench.results import RESULTS_DIR, write_results
from bench.servers import SERVERS
from bench.stack_comparison import (
    database_if_needed,
    raise_open_file_limit,
    selected_servers,
    server_process,
)
from bench.step_runner import StepRunner

RESULTS_NAME = "idle-memory"


def measure(server_names: tuple[str, ...], rounds: int, connections: int) -> dict[str, list[float]]:
    """KiB of server RSS per idle connection, per server, one entry per round."""
    servers = selected_servers(server_names)
    raise_open_file_limit(connections + 256)
    log_dir = Path(tempfile.mkdtemp(prefix="heavy-idle-memory-"))
    kib: dict[str, list[float]] = {server.name: [] for server in servers}
    with StepRunner() as steps, database_if_needed(steps, servers) as database:
        for _round in range(rounds):
            for server in servers:
                process = server_process(server, log_dir, database)
                process.start()
                try:
                    memory = steps.run(idle_connection_memory(process, connections))
                finally:
                    process.stop()
                kib[server.name].append(memory.bytes_per_connection / 1024)
                print(f"round {_round + 1}: {server.label}: {kib[server.name][-1]:.2f} KiB", flush=True)
    return kib


def main(argv: list[str] | None = None, results_dir: Path = RESULTS_DIR) -> Path:
    parser = argparse.ArgumentParser(prog="python -m bench.idle_memory", description=__doc__)
    parser.add_argument("--server", action="append", choices=[s.name for s in SERVERS], default=[])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=1000)
    args = parser.parse_args(argv)
    kib = measure(tuple(args.server), args.rounds, args.connections)
    medians = {name: statistics.median(values) for name, values in kib.items()}
    baseline = medians.get("reactpy")
    print()
    for name, median in medians.items():
        ratio = f"  {median / baseline:.2f}x bare ReactPy" if baseline else ""
        print(f"{name:10} {median:7.2f} KiB per idle connection (median of {len(kib[name])}){ratio}")
    path = write_results(
        RESULTS_NAME,
        {"connections": args.connections, "kib_per_connection": kib, "medians": medians},
        directory=results_dir,
    )
    print(f"written to {path}")
    return path


if __name__ == "__main__":
    main()
