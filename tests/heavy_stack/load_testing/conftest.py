"""The demo app with the data its recorded session expects: the documents the vector search finds."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dev_scripts.record_demo_session import DEMO_DOCUMENTS, ensure_demo_documents
from heavy.config import HeavySettings
from tests.support.servers import ServerProcess


@pytest.fixture(scope="module")
async def demo_documents(settings: HeavySettings, vector_engine: AsyncEngine) -> AsyncIterator[None]:
    """The documents the recorded search finds; removed afterwards so other suites see what they expect."""
    await ensure_demo_documents(settings)
    yield
    async with vector_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM documents WHERE content = ANY(:contents)"), {"contents": list(DEMO_DOCUMENTS)}
        )


@pytest.fixture
def demo_server(live_server: ServerProcess, demo_documents: None) -> ServerProcess:
    return live_server
