"""``heavy run`` in PRODUCTION writes nothing but JSON lines, each naming its request or connection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from heavy.config import env_prefix
from heavy.data.database_setup import DatabaseUrls
from heavy.observability.request_ids import REQUEST_ID_HEADER
from heavy.realtime.stream_client import StreamClient
from tests.support.servers import heavy_server

pytestmark = pytest.mark.slow


@pytest.fixture
def production_env(server_env: dict[str, str], database_urls: DatabaseUrls) -> dict[str, str]:
    """PRODUCTION insists on explicit URLs and a real secret: the session's embedded server's URLs."""
    return {
        **server_env,
        f"{env_prefix()}ENVIRONMENT": "PRODUCTION",
        f"{env_prefix()}SECRET_KEY": "production-test-secret-" + "k" * 32,
        f"{env_prefix()}SQL_DB_URL": database_urls.sql,
        f"{env_prefix()}VECTOR_DB_URL": database_urls.vector,
    }


class TestProductionLogging:
    async def test_every_line_is_json_and_request_lines_carry_the_request_id(
        self, production_env: dict[str, str], tmp_path: Path
    ) -> None:
        with heavy_server(["run"], production_env, tmp_path / "production.log") as server:
            async with httpx.AsyncClient() as client:
                response = await client.get(
                    f"{server.base_url}/healthz", headers={REQUEST_ID_HEADER: "ops-check-0001"}
                )
            assert response.json()["environment"] == "PRODUCTION"
            async with StreamClient.open(server.base_url) as client:
                await client.wait_for_element("counter-button")
                await client.click("counter-button")
                await client.wait_for_text("counter-button", "Clicked 1 times")

        output = (tmp_path / "production.log").read_text()
        lines: list[dict[str, Any]] = [orjson.loads(line) for line in output.splitlines() if line.strip()]
        assert all(
            {"time", "level", "logger", "message", "request_id", "process"} <= line.keys() for line in lines
        )
        assert any(line["message"].startswith("Heavy Stack (PRODUCTION") for line in lines)

        [health_line] = [line for line in lines if line["request_id"] == "ops-check-0001"]
        assert health_line["logger"] == "sanic.access"
        assert "/healthz 200" in health_line["message"]

        stream_lines = [line for line in lines if line["logger"] == "heavy.stream"]
        assert [line["message"].split()[1] for line in stream_lines] == ["opened", "closed"]
        assert stream_lines[0]["request_id"] is not None
        assert stream_lines[0]["request_id"] == stream_lines[1]["request_id"]
