"""``python -m bench.servers NAME --port N [--data-dir D] [--user-id U]``: serve one benchmark server.

Imports only the named server's module, then serves it in this one process on 127.0.0.1 until
SIGTERM / SIGINT, as ``heavy run`` serves the app (Sanic's own server, uvloop, no access log).
With ``HEAVY_BENCH_TRACE_MEMORY`` set it traces its allocations for ``bench.traced_memory``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import tracemalloc
from pathlib import Path
from typing import Any

from sanic import Sanic

from bench.servers import SERVERS_BY_NAME, TRACE_MEMORY_ENV, ServerOptions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__)
    parser.add_argument("name", choices=sorted(SERVERS_BY_NAME))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--user-id")
    args = parser.parse_args(argv)
    snapshot_prefix = os.environ.get(TRACE_MEMORY_ENV)
    if snapshot_prefix:
        trace_memory(snapshot_prefix)

    module = importlib.import_module(SERVERS_BY_NAME[args.name].module)
    app: Sanic[Any, Any] = module.build_app(
        ServerOptions(port=args.port, data_dir=args.data_dir, user_id=args.user_id)
    )
    app.prepare(host="127.0.0.1", port=args.port, single_process=True, motd=False, access_log=False)
    Sanic.serve_single(app)


def trace_memory(snapshot_prefix: str) -> None:
    """Trace every allocation from now on (the server's module included); on each SIGUSR1 write a
    snapshot to ``<prefix>.1``, ``<prefix>.2``... (renamed into place once complete)."""
    tracemalloc.start()
    written = 0

    def write_snapshot(_signal: int, _frame: object) -> None:
        nonlocal written
        gc.collect()  # what is only waiting for the collector is not kept per connection
        written += 1
        path = f"{snapshot_prefix}.{written}"
        tracemalloc.take_snapshot().dump(f"{path}.partial")
        os.replace(f"{path}.partial", path)

    signal.signal(signal.SIGUSR1, write_snapshot)


if __name__ == "__main__":
    main()
