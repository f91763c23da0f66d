"""With ``HEAVY_STACK_SQL_DB_URL`` set, the app runs on that server instead of the embedded one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from heavy.data.database_setup import create_engine
from heavy.realtime.stream_client import StreamClient
from tests.support.external_services import require_external_postgres, scratch_database_url
from tests.support.servers import heavy_server

pytestmark = pytest.mark.slow


@pytest.fixture
async def external_database_url() -> AsyncIterator[str]:
    """A scratch database on the machine's PostgreSQL; the app creates it, the fixture drops it."""
    url = scratch_database_url(require_external_postgres())
    yield url
    admin = create_engine(
        make_url(url).set(drivername="postgresql+asyncpg", database="postgres").render_as_string(False),
        isolation_level="AUTOCOMMIT",
    )
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    await admin.dispose()


async def test_the_app_runs_on_a_configured_postgresql(external_database_url: str, tmp_path: Path) -> None:
    env = {"HEAVY_STACK_SQL_DB_URL": external_database_url, "HEAVY_STACK_DATA_DIR": str(tmp_path / "unused")}

    with heavy_server(["run"], env, tmp_path / "server.log") as server:
        async with httpx.AsyncClient() as http:
            health = (await http.get(f"{server.base_url}/healthz")).json()
        async with StreamClient.open(server.base_url) as client:
            await client.wait_for_element("counter-button")
            await client.click("counter-button")
            await client.wait_for_text("counter-button", "Clicked 1 times")

    assert health["status"] == "ok"
    assert health["database"] == "ok"
    assert not (tmp_path / "unused" / "pgdata").exists(), "no embedded server is started when a URL is set"
    engine = create_engine(
        make_url(external_database_url).set(drivername="postgresql+asyncpg").render_as_string(False)
    )
    async with engine.connect() as connection:
        tables = set(
            (
                await connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            ).all()
        )
    await engine.dispose()
    assert "users" in tables, "DEV start-up creates the tables on the configured server"
