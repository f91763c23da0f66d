"""The Brython executor in a real Chromium, on small apps of its own served in this process (so the
test sees the server's state and logs): results reach the server, oversized ones are refused and
logged, and a call runs once however often the page re-renders."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from heavy_brython.events import click_element
from heavy_brython.scrolling import scroll_to_top
from heavy_brython.storage import get_local_storage
from playwright.async_api import Page, expect
from reactpy import component, html, use_state

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.ui.brython_executors import BrythonExecutorContext, BrythonExecutorProvider
from heavy.ui.reactpy_util import heavy_event, heavy_use_context
from heavy.ui.timezones import TimezoneProvider, UserTimezone, use_user_timezone
from heavy.ui.types import Component
from tests.support.browser import BROWSER_TIMEZONE, PageWatch, open_app
from tests.support.servers import serve_in_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_app_numbers = itertools.count()
RESULT_LIMIT = 1_000
EXECUTOR_LOGGER = "heavy.ui.brython_executors"

Serve = Callable[[Callable[[], Any]], AbstractAsyncContextManager[str]]


@pytest.fixture
def serve(settings: HeavySettings) -> Serve:
    """``async with serve(Root) as base_url``: the whole app stack, with ``Root`` as its page."""

    def start(root: Callable[[], Any]) -> AbstractAsyncContextManager[str]:
        return serve_in_process(
            create_app(settings, name=f"browser_executor_{next(_app_numbers)}", root=root)
        )

    return start


class LogWatcher(logging.Handler):
    """Lets a test wait for a log line the server writes (the page cannot show it)."""

    def __init__(self, needle: str) -> None:
        super().__init__(logging.WARNING)
        self.needle = needle
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.needle in record.getMessage():
            self.seen.set()


@contextlib.contextmanager
def watching_log(logger_name: str, needle: str) -> Iterator[LogWatcher]:
    watcher = LogWatcher(needle)
    logger = logging.getLogger(logger_name)
    logger.addHandler(watcher)
    try:
        yield watcher
    finally:
        logger.removeHandler(watcher)


async def no_calls_left(page: Page) -> None:
    """Wait until every Brython call has reported back (its script and field have left the page)."""
    await page.wait_for_function("() => document.getElementById('brython-calls').children.length === 0")


class TestLoadingBrython:
    async def test_a_page_loads_brython_only_once_it_makes_its_first_call(
        self, serve: Serve, page: Page, watch: PageWatch
    ) -> None:
        @component
        def CallsLater() -> Component:
            brython_executor = heavy_use_context(BrythonExecutorContext)
            answer, set_answer = use_state("none")

            def ask(_event: object) -> None:
                brython_executor.call(get_local_storage, lambda value: set_answer(repr(value)), key="missing")

            return html.div(
                html.button({"id": "ask", "on_click": heavy_event(ask)}, "ask"),
                html.p({"id": "answer"}, answer),
            )

        @component
        def Root() -> Component:
            return BrythonExecutorProvider(CallsLater())

        def brython_requests() -> list[str]:
            return [url for url in watch.requests if "/static/brython" in url]

        async with serve(Root) as base_url:
            await open_app(page, base_url, "#ask")
            await page.wait_for_load_state("networkidle")
            assert brython_requests() == []

            await page.click("#ask")

            await expect(page.locator("#answer")).to_have_text("None")
            assert [url.rpartition("/")[2] for url in brython_requests()] == [
                "brython.js",
                "brython_stdlib.js",
                "modules.brython.js",
            ]
        assert watch.problems == []


class TestResults:
    async def test_the_timezone_reaches_the_server_as_a_validated_zone(
        self, serve: Serve, page: Page, watch: PageWatch
    ) -> None:
        seen: list[UserTimezone] = []

        @component
        def ZoneProbe() -> Component:
            zone = use_user_timezone()
            seen.append(zone)
            return html.p({"id": "zone"}, zone.name)

        @component
        def Root() -> Component:
            return BrythonExecutorProvider(TimezoneProvider(ZoneProbe()))

        async with serve(Root) as base_url:
            await open_app(page, base_url, "#zone")
            await expect(page.locator("#zone")).to_have_text(BROWSER_TIMEZONE)

        assert seen[0].name == "UTC", "UTC until the browser answers"
        assert seen[-1].name == BROWSER_TIMEZONE
        assert seen[-1].from_browser
        assert watch.problems == []

    async def test_a_result_over_the_limit_is_refused_and_logged(
        self, serve: Serve, page: Page, caplog: pytest.LogCaptureFixture
    ) -> None:
        received: list[str | None] = []

        @component
        def StorageReader() -> Component:
            brython_executor = heavy_use_context(BrythonExecutorContext)
            count, set_count = use_state(0)

            def remember(value: str | None) -> None:
                received.append(value)
                set_count(lambda current: current + 1)

            def read(_event: object) -> None:
                brython_executor.call(get_local_storage, remember, key="note")

            return html.div(
                html.button({"id": "read", "on_click": heavy_event(read)}, "read"),
                html.p({"id": "received"}, f"{count}"),
            )

        @component
        def Root() -> Component:
            return BrythonExecutorProvider(StorageReader(), max_result_chars=RESULT_LIMIT)

        async with serve(Root) as base_url:
            await open_app(page, base_url, "#read")
            await page.evaluate("() => localStorage.setItem('note', 'x'.repeat(100))")
            await page.click("#read")
            await expect(page.locator("#received")).to_have_text("1")

            await page.evaluate("() => localStorage.setItem('note', 'x'.repeat(5000))")
            with (
                caplog.at_level(logging.WARNING, logger=EXECUTOR_LOGGER),
                watching_log(EXECUTOR_LOGGER, "refused the result") as refusal_logged,
            ):
                await page.click("#read")
                await asyncio.wait_for(refusal_logged.seen.wait(), 10)
                await no_calls_left(page)

        assert received == ["x" * 100], "the oversized value never reached the callback"
        (refusal,) = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
        assert "heavy_brython.storage.get_local_storage" in refusal
        assert f"over the limit of {RESULT_LIMIT}" in refusal


class TestScriptsRunOnce:
    async def test_a_call_runs_once_however_often_the_page_re_renders(
        self, serve: Serve, page: Page, watch: PageWatch
    ) -> None:
        @component
        def ClickOnce() -> Component:
            brython_executor = heavy_use_context(BrythonExecutorContext)
            clicks, set_clicks = use_state(0)
            renders, set_renders = use_state(0)

            def ask_brython_to_click(_event: object) -> None:
                brython_executor.call(click_element, element_id="counted")
                for _ in range(5):  # more calls: the executor's component re-renders while the first waits
                    brython_executor.call(scroll_to_top)

            return html.div(
                html.button(
                    {"id": "counted", "on_click": heavy_event(lambda _: set_clicks(lambda c: c + 1))},
                    f"{clicks}",
                ),
                html.button({"id": "ask", "on_click": heavy_event(ask_brython_to_click)}, "ask"),
                html.button(
                    {"id": "rerender", "on_click": heavy_event(lambda _: set_renders(lambda r: r + 1))},
                    f"{renders}",
                ),
            )

        @component
        def Root() -> Component:
            return BrythonExecutorProvider(ClickOnce())

        async with serve(Root) as base_url:
            await open_app(page, base_url, "#ask")
            await page.click("#ask")
            await expect(page.locator("#counted")).to_have_text("1")
            await no_calls_left(page)

            for expected in ("1", "2", "3"):
                await page.click("#rerender")
                await expect(page.locator("#rerender")).to_have_text(expected)

            await page.click("#ask")
            await expect(page.locator("#counted")).to_have_text("2")
            await no_calls_left(page)
            assert await page.locator("#counted").text_content() == "2"
            assert (
                await page.evaluate("() => document.querySelectorAll('script[type=\"text/python\"]').length")
                == 0
            )

        assert watch.problems == []

    async def test_the_reactpy_client_appends_a_script_again_when_it_first_re_renders_it(
        self, serve: Serve, page: Page
    ) -> None:
        """Why the bridge runs each call id once (a measured fact about ReactPy 1.1.0's client)."""

        @component
        def Root() -> Component:
            renders, set_renders = use_state(0)
            return html.div(
                html.button(
                    {"id": "rerender", "on_click": heavy_event(lambda _: set_renders(lambda r: r + 1))},
                    f"{renders}",
                ),
                html.div({"id": "holder"}, html.script({"key": "same", "type": "text/plain"}, "x = 1")),
            )

        async with serve(Root) as base_url:
            await open_app(page, base_url, "#rerender")
            count = "() => document.querySelectorAll('#holder script').length"
            await page.wait_for_function(f"() => ({count})() === 1")

            for expected in ("1", "2"):
                await page.click("#rerender")
                await expect(page.locator("#rerender")).to_have_text(expected)

            assert await page.evaluate(count) == 2, "appended on the first re-render, not on the second"

    async def test_the_bridge_runs_a_call_id_once(self, serve: Serve, page: Page, watch: PageWatch) -> None:
        @component
        def ClickViaBrython() -> Component:
            brython_executor = heavy_use_context(BrythonExecutorContext)
            clicks, set_clicks = use_state(0)

            def ask(_event: object) -> None:
                brython_executor.call(click_element, element_id="counted")

            return html.div(
                html.button(
                    {"id": "counted", "on_click": heavy_event(lambda _: set_clicks(lambda c: c + 1))},
                    f"{clicks}",
                ),
                html.button({"id": "ask", "on_click": heavy_event(ask)}, "ask"),
            )

        @component
        def Root() -> Component:
            return BrythonExecutorProvider(ClickViaBrython())

        async with serve(Root) as base_url:
            await open_app(page, base_url, "#ask")
            await page.click("#ask")  # the first call also makes the page load Brython
            await expect(page.locator("#counted")).to_have_text("1")

            await page.evaluate(
                """() => __BRYTHON__.runPythonSource([
                    "from reactpy_bridge import run_call",
                    "from heavy_brython.events import click_element",
                    "run_call('same-call', click_element, '{\\"element_id\\": \\"counted\\"}')",
                    "run_call('same-call', click_element, '{\\"element_id\\": \\"counted\\"}')",
                    "run_call('other-call', click_element, '{\\"element_id\\": \\"counted\\"}')",
                ].join('\\n'))"""
            )

            await expect(page.locator("#counted")).to_have_text("3")
            await page.click("#counted")
            await expect(page.locator("#counted")).to_have_text("4")

        assert watch.problems == []
