"""The servers ``heavy bench`` compares, each built for the measurement and run in its own process.

Every server renders the same page shape: one button with ``id="counter"`` whose click handler
sends one update back. Each lives in its own module so that a server process imports only what it
uses: start-up time and memory are then the server's own. ``python -m bench.servers NAME --port N``
serves one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

COUNTER_ID = "counter"
# Set to a file path prefix, a server traces its allocations and writes a snapshot to
# ``<prefix>.<n>`` on each SIGUSR1 (``bench.traced_memory``).
TRACE_MEMORY_ENV = "HEAVY_BENCH_TRACE_MEMORY"


@dataclass(frozen=True)
class BenchServer:
    """One contender: how to start it and what its answers mean."""

    name: str
    label: str
    module: str
    counts_clicks: bool  # its button shows "Clicked N times", so the client can check every click landed
    needs_database: bool  # Heavy Stack's app opens the embedded PostgreSQL when it starts


@dataclass(frozen=True)
class ServerOptions:
    """What the benchmark tells a server process (on its command line)."""

    port: int
    data_dir: Path | None = None  # the embedded PostgreSQL's folder, for servers that use the database
    user_id: str | None = None  # the row the database counter reads on every click


ECHO = BenchServer("echo", "raw echo", "bench.servers.echo", counts_clicks=False, needs_database=False)
REACTPY = BenchServer(
    "reactpy", "bare ReactPy", "bench.servers.reactpy_counter", counts_clicks=True, needs_database=False
)
HEAVY = BenchServer(
    "heavy", "Heavy Stack", "bench.servers.heavy_counter", counts_clicks=True, needs_database=True
)
HEAVY_DB = BenchServer(
    "heavy-db", "Heavy Stack + DB", "bench.servers.heavy_db_counter", counts_clicks=True, needs_database=True
)

SERVERS: tuple[BenchServer, ...] = (ECHO, REACTPY, HEAVY, HEAVY_DB)
SERVERS_BY_NAME = {server.name: server for server in SERVERS}


def counter_text(clicks: int) -> str:
    """What every counter button shows after ``clicks`` clicks."""
    return f"Clicked {clicks} times"
