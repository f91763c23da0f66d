"""Get a user by id: Heavy Stack's layers vs the same query on raw asyncpg, in one run.

The heavy path is what an async ``heavy_event`` handler does: open a per-event HeavyContext (a
fresh AsyncSession, context variables set, rolled back and closed afterwards), then
UserManager -> UserRepository -> SQL -> UserModelMunger -> a Pydantic ``User``. The baseline
is ``SELECT ... WHERE id = $1`` on an asyncpg pool. Both run against one embedded PostgreSQL in a
temporary folder, interleaved in rounds so that drift hits both alike.

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
from heavy_stack.backend.api_requests import open_heavy_context
from heavy_stack.backend.data.database_setup import create_engine, prepare_databases
from heavy_stack.backend.data.db_connection import make_sessionmaker
from heavy_stack.backend.data.embedded_postgres import stop_embedded_postgres
from heavy_stack.backend.data.model_managers.user_manager import UserManager
from heavy_stack.backend.data.model_mungers.user_mungers import UserModelMunger, UserSQLModelMunger
from heavy_stack.backend.data.sql_models.user import UserId
from heavy_stack.config import load_settings

ROUNDS = 10


async def measure(lookups: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="heavy-bench-") as data_dir:
        settings = load_settings(_env_file=None, data_dir=Path(data_dir))
        urls, _ = await prepare_databases(settings, create_schema=True)
        engine = create_engine(urls.sql, pool_size=5)
        sessionmaker = make_sessionmaker(engine)
        request_ctx = SimpleNamespace(sessionmaker=sessionmaker, vector_sessionmaker=sessionmaker)
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

        async def raw_lookup() -> None:
            async with pool.acquire() as connection:
                row = await connection.fetchrow(
                    "SELECT id, created_at, updated_at, display_name, public_key, encrypted_private_key "
                    "FROM users WHERE id = $1",
                    user_id,
                )
            assert row is not None

        timings: dict[str, list[float]] = {"heavy": [], "raw_asyncpg": []}
        for lookup in (heavy_lookup, raw_lookup):  # warm both paths (pools, prepared statements)
            for _ in range(50):
                await lookup()
        per_round = max(1, lookups // ROUNDS)
        for _ in range(ROUNDS):
            for name, lookup in (("heavy", heavy_lookup), ("raw_asyncpg", raw_lookup)):
                for _ in range(per_round):
                    started = time.perf_counter()
                    await lookup()
                    timings[name].append(time.perf_counter() - started)

        await pool.close()
        await engine.dispose()
        stop_embedded_postgres(Path(data_dir))

    heavy, raw = summarise_ms(timings["heavy"]), summarise_ms(timings["raw_asyncpg"])
    return {
        "heavy": heavy,
        "raw_asyncpg": raw,
        "ratio_p50": heavy["p50_ms"] / raw["p50_ms"],
        "ratio_p99": heavy["p99_ms"] / raw["p99_ms"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lookups", type=int, default=5000, help="lookups per path (default 5000)")
    args = parser.parse_args(argv)

    results = asyncio.run(measure(args.lookups))
    heavy, raw = results["heavy"], results["raw_asyncpg"]
    print_table(
        ["path", "p50 ms", "p95 ms", "p99 ms", "lookups"],
        [
            [name, f"{r['p50_ms']:.3f}", f"{r['p95_ms']:.3f}", f"{r['p99_ms']:.3f}", str(r["samples"])]
            for name, r in (("heavy (manager+repo+munger, per-event session)", heavy), ("raw asyncpg", raw))
        ],
    )
    print(f"\nratio heavy / raw asyncpg: p50 {results['ratio_p50']:.2f}x, p99 {results['ratio_p99']:.2f}x")
    print(f"written to {write_results('user_lookup', results)}")


if __name__ == "__main__":
    main()
