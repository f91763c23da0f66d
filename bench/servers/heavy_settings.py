"""HeavySettings for the Heavy Stack benchmark servers: DEV, on the benchmark's own embedded PostgreSQL.

Explicit values win over the environment, so a developer's ``HEAVY_STACK_*`` variables or ``.env``
never point a benchmark at another database.
"""

from __future__ import annotations

from pathlib import Path

from heavy.config import Environment, HeavySettings, load_settings


def bench_settings(data_dir: Path | None) -> HeavySettings:
    """DEV settings on the embedded PostgreSQL kept in ``data_dir``."""
    if data_dir is None:
        raise SystemExit("a Heavy Stack benchmark server needs --data-dir (the embedded PostgreSQL's folder)")
    return load_settings(
        _env_file=None,
        environment=Environment.DEV,
        data_dir=data_dir,
        sql_db_url=None,
        vector_db_url=None,
        redis_url=None,
        cors_header="",
        # The benchmark clicks as fast as it can: keep the stream guard's flood limit out of the way
        # (the guard still checks every message, so its cost is measured).
        stream_max_events_per_second=1_000_000,
        stream_event_burst=1_000_000,
    )
