"""Each ReactPy patch fixes a defect that shows without it, over a real websocket."""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

import pytest
from reactpy import component, html, use_state
from reactpy.backend.sanic import configure
from sanic import Sanic

from heavy.realtime import reactpy_patches
from heavy.realtime.stream_client import StreamClient
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.usefixtures("reactpy_patched")

_app_names = itertools.count()


@component
def Counter() -> html.VdomDict:  # type: ignore[name-defined]
    count, set_count = use_state(0)
    return html.button({"id": "counter", "on_click": lambda _: set_count(lambda n: n + 1)}, f"{count}")


def bare_reactpy_app() -> Sanic[Any, Any]:
    """Bare ReactPy on Sanic: no Heavy Stack besides whatever patches are applied."""
    app = Sanic(f"bare_reactpy_{next(_app_names)}")
    configure(app, Counter)
    return app


async def _simultaneous_visitors(base_url: str, visitors: int, clicks: int) -> list[str]:
    async def visit() -> str:
        try:
            async with StreamClient.open(base_url, with_router=False) as client:
                await client.wait_for_element("counter", timeout=5)
                await asyncio.gather(*(client.click("counter") for _ in range(clicks)))
                await client.wait_for_text("counter", str(clicks), timeout=5)
                return "ok"
        except Exception as error:
            return type(error).__name__

    return await asyncio.gather(*(visit() for _ in range(visitors)))


class TestHookStackPatch:
    async def test_fifty_simultaneous_connections_render_correctly(self) -> None:
        assert reactpy_patches.reactpy_patches_applied()

        async with serve_in_process(bare_reactpy_app()) as base_url:
            results = await _simultaneous_visitors(base_url, visitors=50, clicks=20)

        assert results == ["ok"] * 50

    @pytest.mark.filterwarnings("ignore")  # the broken hook stack leaves unretrieved task errors behind
    @pytest.mark.usefixtures("without_patches")
    async def test_without_the_patch_simultaneous_connections_break(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        async with serve_in_process(bare_reactpy_app()) as base_url:
            results = await _simultaneous_visitors(base_url, visitors=50, clicks=20)

        assert results.count("ok") < 50, "ReactPy 1.1.0's thread-local hook stack breaks under concurrency"
        assert any(
            "Hook stack is in an invalid state" in r.getMessage() + str(r.exc_info) for r in caplog.records
        )


class TestNoScopeWarning:
    async def test_connections_log_no_scope_warning(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="reactpy.backend.sanic")
        async with serve_in_process(bare_reactpy_app()) as base_url:
            await _simultaneous_visitors(base_url, visitors=1, clicks=1)

        assert not [r for r in caplog.records if r.getMessage().startswith("No scope")]

    @pytest.mark.usefixtures("without_patches")
    async def test_without_the_filter_every_connection_warns(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="reactpy.backend.sanic")
        async with serve_in_process(bare_reactpy_app()) as base_url:
            await _simultaneous_visitors(base_url, visitors=1, clicks=1)

        assert [r for r in caplog.records if r.getMessage().startswith("No scope")]
