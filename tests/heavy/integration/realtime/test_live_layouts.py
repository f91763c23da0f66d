"""rerender_live_layouts: every open session re-renders with its state kept (what hot reload uses)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest
from reactpy import component, html, use_state
from reactpy.backend.sanic import configure
from sanic import Sanic

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.realtime import reactpy_patches
from heavy.realtime.reactpy_patches import rerender_live_layouts
from heavy.realtime.stream_client import StreamClient
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.types import Component
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

_app_numbers = itertools.count()
LABELS = {"greeting": "before"}  # stands for the code a hot reload changes


@component
def Greeter() -> Component:
    count, set_count = use_state(0)
    return html.div(
        html.button({"id": "add", "on_click": heavy_event(lambda _event: set_count(lambda n: n + 1))}, "+"),
        html.p({"id": "greeting"}, LABELS["greeting"]),
        html.p({"id": "count"}, str(count)),
    )


@pytest.fixture(autouse=True)
def labels() -> Iterator[None]:
    yield
    LABELS["greeting"] = "before"


async def open_with_count(stack: AsyncExitStack, base_url: str, count: int) -> StreamClient:
    client = await stack.enter_async_context(StreamClient.open(base_url, with_router=False))
    await client.wait_for_element("add")
    for _ in range(count):
        await client.click("add")
    await client.wait_for_text("count", str(count))
    return client


class TestRerenderLiveLayouts:
    async def test_every_open_session_shows_the_change_and_keeps_its_state(
        self, settings: HeavySettings
    ) -> None:
        app = create_app(settings, name=f"live_layouts_{next(_app_numbers)}", root=Greeter)
        async with serve_in_process(app) as base_url, AsyncExitStack() as stack:
            first = await open_with_count(stack, base_url, 1)
            second = await open_with_count(stack, base_url, 2)

            LABELS["greeting"] = "after"
            assert rerender_live_layouts() == 2

            await first.wait_for_text("greeting", "after")
            await second.wait_for_text("greeting", "after")
            assert (first.text_of("count"), second.text_of("count")) == ("1", "2")

    async def test_a_closed_session_is_forgotten(self, settings: HeavySettings) -> None:
        app = create_app(settings, name=f"live_layouts_{next(_app_numbers)}", root=Greeter)
        async with serve_in_process(app) as base_url:
            async with AsyncExitStack() as stack:
                await open_with_count(stack, base_url, 0)
                assert rerender_live_layouts() == 1
            async with asyncio.timeout(10):
                while rerender_live_layouts() != 0:  # noqa: ASYNC110 (the server closes it in its own time)
                    await asyncio.sleep(0.05)

    async def test_without_the_patched_connection_loop_nothing_is_re_rendered(self) -> None:
        reactpy_patches.remove_reactpy_patches()
        try:
            app = Sanic(f"bare_live_layouts_{next(_app_numbers)}")
            configure(app, Greeter)
            async with serve_in_process(app) as base_url, AsyncExitStack() as stack:
                client = await open_with_count(stack, base_url, 1)

                LABELS["greeting"] = "after"
                assert rerender_live_layouts() == 0
                with pytest.raises(TimeoutError):
                    await client.wait_for_text("greeting", "after", timeout=1)
        finally:
            reactpy_patches.apply_reactpy_patches()
