"""Get a user by id: Heavy Stack's layers vs the same query on raw asyncpg, in one run.

The heavy path is what an async ``heavy_event`` handler does: open a per-event HeavyContext (a
fresh AsyncSession, context variables set, rolled back and closed afterwards), then
UserManager -> UserRepository -> SQL -> UserModelMunger -> a Pydantic ``User``. The baseline
is ``SELECT ... WHERE id = $1`` on an asyncpg pool. A third path repeats the heavy one on an
engine that pings each connection it checks out, as the app's engine does. All run against one
embedded PostgreSQL in a temporary folder, interleaved in rounds so that drift hits them alike.

Run: ``.venv/bin/python -m bench.user_lookup [--lookups N]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.results import print_table, summarise_ms, write_results
from bench.servers.heavy_settings import bench_settings
from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_model import UserId
from heavy.accounts.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy.data.database_setup import create_engine, prepare_databases
from heavy.data.db_connection import make_sessionmaker
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.web.api_requests import open_heavy_context

ROUNDS = 10


async def measure(lookups: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="heavy-bench-") as data_dir:
        urls, _ = await prepare_databases(bench_settings(Path(data_dir)), create_schema=True)
        engine = create_engine(urls.sql, pool_size=5)
        sessionmaker = make_sessionmaker(engine)
        request_ctx = SimpleNamespace(sessionmaker=sessionmaker, vector_sessionmaker=sessionmaker)
        # The app's engine pings every connection it checks out (open_database_connections sets
        # pool_pre_ping=True); this path shows what that costs a lookup.
        pinging_engine = create_engine(urls.sql, pool_size=5, pool_pre_ping=True)
        pinging_sessionmaker = make_sessionmaker(pinging_engine)
        pinging_request_ctx = SimpleNamespace(
            sessionmaker=pinging_sessionmaker, vector_sessionmaker=pinging_sessionmaker
        )
        async with open_heavy_context(request_ctx) as context:
            user = await UserManager(UserSQLModelMunger()).create_user(display_name="Benchmark Bea")
            await context.db_session.commit()
        user_id = UserId(user.id)

        raw_url = make_url(urls.sql).set(drivername="postgresql")
        pool = await asyncpg.create_pool(
            raw_url.render_as_string(hide_password=False), min_size=5, max_size=5
        )

        async def heavy_lookup() -> None:
            async with open_heavy_context(request_ctx):
                found = await UserManager(UserModelMunger()).get_user(user_id)
            assert found is not None

        async def heavy_pre_ping_lookup() -> None:
            async with open_heavy_context(pinging_request_ctx):
                found = await UserManager(UserModelMunger()).get_user(user_id)
            assert found is not None

        async def raw_lookup() -> None:
            async with pool.acquire() as connection:
                row = await connection.fetchrow(
                    "SELECT id, created_at, updated_at, display_name, public_key, encrypted_private_key "
                    "FROM users WHERE id = $1",
                    user_id,
                )
            assert row is not None

        paths = {"heavy": heavy_lookup, "heavy_pre_ping": heavy_pre_ping_lookup, "raw_asyncpg": raw_lookup}
        timings: dict[str, list[float]] = {name: [] for name in paths}
        for lookup in paths.values():  # warm every path (pools, prepared statements)
            for _ in range(50):
                await lookup()
        per_round = max(1, lookups // ROUNDS)
        for _ in range(ROUNDS):
            for name, lookup in paths.items():
                for _ in range(per_round):
                    started = time.perf_counter()
                    await lookup()
                    timings[name].append(time.perf_counter() - started)

        await pool.close()
        await engine.dispose()
        await pinging_engine.dispose()
        stop_embedded_postgres(Path(data_dir))

    heavy, raw = summarise_ms(timings["heavy"]), summarise_ms(timings["raw_asyncpg"])
    pinging = summarise_ms(timings["heavy_pre_ping"])
    return {
        "heavy": heavy,
        "heavy_pre_ping": pinging,
        "raw_asyncpg": raw,
        "ratio_p50": heavy["p50_ms"] / raw["p50_ms"],
        "ratio_p99": heavy["p99_ms"] / raw["p99_ms"],
        "pre_ping_ratio_p50": pinging["p50_ms"] / heavy["p50_ms"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lookups", type=int, default=5000, help="lookups per path (default 5000)")
    args = parser.parse_args(argv)

    results = asyncio.run(measure(args.lookups))
    print_lookup_table(results)
    print(f"written to {write_results('user_lookup', results)}")


def print_lookup_table(results: dict[str, Any]) -> None:
    labels = {
        "heavy": "heavy (manager+repo+munger, per-event session)",
        "heavy_pre_ping": "  the same on an engine with pool_pre_ping (as the app's)",
        "raw_asyncpg": "raw asyncpg",
    }
    print_table(
        ["path", "p50 ms", "p95 ms", "p99 ms", "lookups"],
        [
            [label, f"{r['p50_ms']:.3f}", f"{r['p95_ms']:.3f}", f"{r['p99_ms']:.3f}", str(r["samples"])]
            for label, r in ((label, results[name]) for name, label in labels.items())
        ],
    )
    print(
        f"ratio heavy / raw asyncpg: p50 {results['ratio_p50']:.2f}x, p99 {results['ratio_p99']:.2f}x; "
        f"pool_pre_ping costs {results['pre_ping_ratio_p50']:.2f}x at p50"
    )


if __name__ == "__main__":
    main()
