"""The app's browser suites: every browser here is 127.0.0.1, so one test's sign-ups and failed
logins must not count against the next one's limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture(autouse=True)
async def forget_attempts_from_this_machine(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    """Every test's browser is 127.0.0.1: don't let one test's failures or sign-ups count against
    another."""
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM login_attempts WHERE key IN ('address:127.0.0.1', 'signup:127.0.0.1')")
        )
