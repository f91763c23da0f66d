"""A tab that closes while the server is sending it updates is a normal event: one debug line, no
error and no traceback (it used to log a dozen)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from heavy.realtime import reactpy_patches
from tests.heavy.integration.realtime.conftest import Tab

pytestmark = pytest.mark.slow

GONE_LINE = "stream: the client went away"
PATCHES = reactpy_patches.__name__


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING or record.exc_info
    ]


class TestClientGoingAway:
    @pytest.mark.parametrize("delay", [0.0, 0.005, 0.02])
    async def test_an_abrupt_close_mid_update_logs_one_debug_line_and_no_error(
        self, serve_stateful: Callable[..., Any], caplog: pytest.LogCaptureFixture, delay: float
    ) -> None:
        async with serve_stateful() as base_url:
            with caplog.at_level(logging.INFO), caplog.at_level(logging.DEBUG, logger=PATCHES):
                async with Tab().open(base_url) as client:
                    await client.wait_for_element("change")
                    for _ in range(30):  # updates are on their way when the tab goes
                        await client.click("change")
                    await asyncio.sleep(delay)
                    client.websocket.transport.abort()  # no close frame: a tab killed mid-update
                await asyncio.sleep(0.5)  # the server notices and ends the connection

        assert _errors(caplog) == []
        gone = [record for record in caplog.records if record.getMessage().startswith(GONE_LINE)]
        assert len(gone) == 1
        assert gone[0].levelno == logging.DEBUG

    async def test_a_clean_close_logs_the_same_one_debug_line(
        self, serve_stateful: Callable[..., Any], caplog: pytest.LogCaptureFixture
    ) -> None:
        async with serve_stateful() as base_url:
            with caplog.at_level(logging.INFO), caplog.at_level(logging.DEBUG, logger=PATCHES):
                async with Tab().open(base_url) as client:
                    await client.wait_for_element("change")
                    await client.click("change")
                    await client.wait_for_text("count", "1")
                await asyncio.sleep(0.3)

        assert _errors(caplog) == []
        assert [r.getMessage() for r in caplog.records if r.getMessage().startswith(GONE_LINE)] != []
