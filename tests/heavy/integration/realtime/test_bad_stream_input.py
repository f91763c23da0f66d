"""Bad input on the websocket is refused or dropped with a log line; the server, that connection
(where it can) and every other connection go on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from heavy.realtime.stream_client import StreamClient
from tests.heavy.integration.realtime.conftest import Tab

pytestmark = pytest.mark.slow


@pytest.fixture
async def base_url(serve_stateful: Callable[..., Any]) -> AsyncIterator[str]:
    async with serve_stateful(stream_max_message_bytes=4096) as url:
        yield url


async def assert_healthy(base_url: str) -> None:
    """A second, well-behaved connection still gets its page and its clicks."""
    async with Tab().open(base_url) as healthy:
        await healthy.wait_for_element("change")
        await healthy.click("change")
        await healthy.wait_for_text("count", "1")


async def assert_still_works(client: StreamClient, expected_count: str = "1") -> None:
    await client.click("change")
    await client.wait_for_text("count", expected_count)


BAD_MESSAGES = {
    "not json": b"{this is not json",
    "not an object": b"[1, 2, 3]",
    "unknown type": orjson.dumps({"type": "reboot-server", "target": "x", "data": []}),
    "event without target": orjson.dumps({"type": "layout-event", "data": []}),
    "event with bad data": orjson.dumps({"type": "layout-event", "target": "x", "data": {"a": 1}}),
    "event for an unknown target": orjson.dumps(
        {"type": "layout-event", "target": "no-such-handler", "data": []}
    ),
}


class TestBadMessages:
    @pytest.mark.parametrize("name", list(BAD_MESSAGES))
    async def test_a_bad_message_is_dropped_and_logged(
        self, base_url: str, name: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.INFO):
            async with Tab().open(base_url) as client:
                await client.wait_for_element("change")

                await client.websocket.send(BAD_MESSAGES[name].decode())

                await assert_still_works(client)
            await assert_healthy(base_url)

        logged = " ".join(record.getMessage() for record in caplog.records)
        assert "stream: dropped" in logged
        assert "Ignored event" not in logged, "refused before ReactPy sees it"


class TestUnknownTargets:
    async def test_a_flood_of_unknown_targets_logs_one_line_and_the_server_goes_on(
        self, base_url: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        unknown = BAD_MESSAGES["event for an unknown target"].decode()
        with caplog.at_level(logging.INFO):
            async with Tab().open(base_url) as client:
                await client.wait_for_element("change")

                await asyncio.gather(*(client.websocket.send(unknown) for _ in range(80)))

                await assert_still_works(client)
            await assert_healthy(base_url)

        messages = [record.getMessage() for record in caplog.records]
        assert [m for m in messages if "handler the page does not have" in m] == [
            "stream: dropped an event for a handler the page does not have (1 so far on this connection)"
        ]
        assert not [m for m in messages if "Ignored event" in m]


class TestOversizedFrames:
    async def test_an_oversized_frame_closes_only_that_connection_and_says_why(
        self, base_url: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="heavy.realtime.stream_guard"):
            async with Tab().open(base_url) as client:
                await client.wait_for_element("change")

                await client.websocket.send("x" * 10_000)

                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(client.websocket.recv(), 10)
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 1009  # message too big
            await assert_healthy(base_url)

        [warning] = [r.getMessage() for r in caplog.records if "code 1009" in r.getMessage()]
        assert "frame with 10000 bytes exceeds limit of 4096 bytes" in warning
        assert "STREAM_MAX_MESSAGE_BYTES" in warning


class TestFloods:
    async def test_a_flood_of_events_is_cut_and_the_rest_keeps_working(
        self, serve_stateful: Callable[..., Any], caplog: pytest.LogCaptureFixture
    ) -> None:
        async with serve_stateful(stream_max_events_per_second=5, stream_event_burst=20) as base_url:
            with caplog.at_level(logging.WARNING, logger="heavy.realtime.stream_guard"):
                async with Tab().open(base_url) as client:
                    button = await client.wait_for_element("change")
                    target = button["eventHandlers"]["on_click"]["target"]
                    flood = orjson.dumps({"type": "layout-event", "target": target, "data": [{}]}).decode()

                    await asyncio.gather(*(client.websocket.send(flood) for _ in range(500)))
                    await client.wait_for(lambda c: int(c.text_of("count")) >= 20)
                    await asyncio.sleep(
                        1.0
                    )  # the bucket refills (5 per second): the connection is usable again
                    await client.drain()
                    accepted = int(client.text_of("count"))

                    await assert_still_works(client, str(accepted + 1))
                await assert_healthy(base_url)

        assert accepted < 30, "the burst and a second of refill, not the 500 events sent"
        assert [r for r in caplog.records if "beyond the rate limit" in r.getMessage()]
