"""Every request and every stream connection has an id, echoed to the client and written on each
log line it causes - including lines logged by event handlers, which run in tasks of their own."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.observability.request_ids import REQUEST_ID_HEADER
from heavy.observability.structured_logging import JsonLogFormatter
from heavy.realtime.stream_client import StreamClient
from tests.heavy.integration.observability.conftest import LookupPage, app_numbers
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow


@pytest.fixture
def json_log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Lines logged anywhere during the test, as the PRODUCTION formatter writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [orjson.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def serve(settings: HeavySettings) -> Any:
    return serve_in_process(create_app(settings, name=f"request_ids_{next(app_numbers)}", root=LookupPage))


class TestRequestIds:
    async def test_a_well_formed_client_id_is_kept_and_echoed(self, settings: HeavySettings) -> None:
        async with serve(settings) as base_url, httpx.AsyncClient() as client:
            response = await client.get(f"{base_url}/healthz", headers={REQUEST_ID_HEADER: "lb-7f3a9c01"})

        assert response.headers[REQUEST_ID_HEADER] == "lb-7f3a9c01"

    async def test_a_forged_or_missing_id_is_replaced_with_a_fresh_one(self, settings: HeavySettings) -> None:
        async with serve(settings) as base_url, httpx.AsyncClient() as client:
            forged = await client.get(f"{base_url}/healthz", headers={REQUEST_ID_HEADER: 'x" level="ERROR'})
            first = await client.get(f"{base_url}/healthz")
            second = await client.get(f"{base_url}/healthz")

        assert forged.headers[REQUEST_ID_HEADER] != 'x" level="ERROR'
        ids = {
            forged.headers[REQUEST_ID_HEADER],
            first.headers[REQUEST_ID_HEADER],
            second.headers[REQUEST_ID_HEADER],
        }
        assert len(ids) == 3
        assert all(len(request_id) == 32 for request_id in ids)

    async def test_lines_logged_by_an_event_handler_carry_the_connection_id(
        self, settings: HeavySettings, json_log_lines: Callable[[], list[dict[str, Any]]]
    ) -> None:
        async with serve(settings) as base_url, StreamClient.open(base_url, with_router=False) as client:
            await client.wait_for_element("look-up")
            await client.click("look-up")
            await client.wait_for_text("look-up", "not found")

        lines = json_log_lines()
        opened = [line for line in lines if line["message"].startswith("stream opened")]
        handler_lines = [line for line in lines if line["message"] == "looking up a user"]
        closed = [line for line in lines if line["message"].startswith("stream closed")]
        assert len(opened) == len(handler_lines) == len(closed) == 1
        connection_id = opened[0]["request_id"]
        assert connection_id is not None
        assert handler_lines[0]["request_id"] == closed[0]["request_id"] == connection_id
