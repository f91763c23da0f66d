"""Each browser-side module of heavy_stack_brython, run by real Brython in Chromium, its results
checked where they arrive: on the server."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from heavy_brython.cookies import get_cookie, set_session_cookie
from heavy_brython.events import click_element
from heavy_brython.navigate import (
    OUTER_CONTAINER_CONTENTS_ID,
    navigate_to,
    short_hide_outer_container_contents,
)
from heavy_brython.scrolling import scroll_to_element, scroll_to_top
from heavy_brython.storage import (
    get_local_storage,
    get_session_storage,
    set_local_storage,
    set_session_storage,
)
from heavy_brython.timezones import get_timezone_name_and_offset
from playwright.async_api import Page, expect
from reactpy import component, html, use_state

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.ui.brython_executors import (
    BrythonExecutor,
    BrythonExecutorContext,
    BrythonExecutorProvider,
)
from heavy.ui.reactpy_util import heavy_event, heavy_use_context
from heavy.ui.types import Component
from tests.support.browser import BROWSER_TIMEZONE, PageWatch, open_app
from tests.support.servers import serve_in_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_app_numbers = itertools.count()

Calls = Callable[[BrythonExecutor, Callable[[str], Callable[[Any], None]]], None]


@pytest.fixture
def serve_calls(
    settings: HeavySettings,
) -> Callable[[Calls, dict[str, Any]], AbstractAsyncContextManager[str]]:
    """Serve a page whose ``#run`` button makes the given calls; results land in ``results``."""

    def start(make_calls: Calls, results: dict[str, Any]) -> AbstractAsyncContextManager[str]:
        @component
        def Runner() -> Component:
            brython_executor = heavy_use_context(BrythonExecutorContext)
            count, set_count = use_state(0)

            def record(name: str) -> Callable[[Any], None]:
                def store(value: Any) -> None:
                    results[name] = value
                    set_count(lambda current: current + 1)

                return store

            return html.div(
                html.button(
                    {"id": "run", "on_click": heavy_event(lambda _: make_calls(brython_executor, record))}
                ),
                html.p({"id": "results"}, f"{count}"),
                html.div(
                    {"id": OUTER_CONTAINER_CONTENTS_ID},
                    html.input({"id": "typing", "aria_label": "Typing"}),
                    html.div({"style": {"height": "3000px"}}),
                ),
                html.p({"id": "far-down"}, "far down"),
            )

        @component
        def Root() -> Component:
            return BrythonExecutorProvider(Runner())

        return serve_in_process(create_app(settings, name=f"brython_modules_{next(_app_numbers)}", root=Root))

    return start


async def run_calls(page: Page, base_url: str, expected_results: int) -> None:
    await open_app(page, base_url, "#run")
    await page.click("#run")
    await expect(page.locator("#results")).to_have_text(str(expected_results))
    await page.wait_for_function("() => document.getElementById('brython-calls').children.length === 0")


class TestStorageAndCookies:
    async def test_values_written_in_the_page_are_read_back(
        self, serve_calls: Any, page: Page, watch: PageWatch
    ) -> None:
        results: dict[str, Any] = {}

        def calls(executor: BrythonExecutor, record: Callable[[str], Callable[[Any], None]]) -> None:
            executor.call(set_local_storage, key="colour", value="teal")
            executor.call(get_local_storage, record("local"), key="colour")
            executor.call(get_local_storage, record("local missing"), key="absent")
            executor.call(set_session_storage, key="draft", value="half a sentence")
            executor.call(get_session_storage, record("session"), key="draft")
            executor.call(set_session_cookie, name="theme", value="dark; mode")
            executor.call(get_cookie, record("cookie"), name="theme")
            executor.call(get_cookie, record("cookie missing"), name="absent")

        async with serve_calls(calls, results) as base_url:
            await run_calls(page, base_url, 5)
            cookie = await page.evaluate("() => document.cookie")

        assert results == {
            "local": "teal",
            "local missing": None,
            "session": "half a sentence",
            "cookie": "dark; mode",
            "cookie missing": None,
        }
        assert "theme=dark%3B%20mode" in cookie
        assert watch.problems == []


class TestEventsScrollingAndTimezones:
    async def test_functions_report_whether_they_found_their_element(
        self, serve_calls: Any, page: Page, watch: PageWatch
    ) -> None:
        results: dict[str, Any] = {}

        def calls(executor: BrythonExecutor, record: Callable[[str], Callable[[Any], None]]) -> None:
            executor.call(click_element, record("click missing"), element_id="absent")
            executor.call(scroll_to_element, record("scroll"), element_id="far-down", smooth=False)
            executor.call(scroll_to_element, record("scroll missing"), element_id="absent")
            executor.call(get_timezone_name_and_offset, record("zone"))

        async with serve_calls(calls, results) as base_url:
            await run_calls(page, base_url, 4)
            scrolled_to = await page.evaluate("() => window.scrollY")

        assert results["click missing"] is False
        assert results["scroll"] is True
        assert results["scroll missing"] is False
        name, offset = results["zone"]
        assert name == BROWSER_TIMEZONE
        assert offset in (60, 120)  # Paris: winter or summer time
        assert scrolled_to > 1000
        assert watch.problems == []

    async def test_scroll_to_top_and_the_short_hide(self, serve_calls: Any, page: Page) -> None:
        results: dict[str, Any] = {}

        def calls(executor: BrythonExecutor, record: Callable[[str], Callable[[Any], None]]) -> None:
            executor.call(scroll_to_element, record("down"), element_id="far-down", smooth=False)
            executor.call(short_hide_outer_container_contents, record("hidden"), milliseconds=1000)
            executor.call(scroll_to_top, record("up"))

        async with serve_calls(calls, results) as base_url:
            await open_app(page, base_url, "#run")
            await page.click("#run")
            contents = f"document.getElementById('{OUTER_CONTAINER_CONTENTS_ID}').style.opacity"
            await page.wait_for_function(f"() => {contents} === '0'")
            await page.wait_for_function(f"() => {contents} === ''")
            await expect(page.locator("#results")).to_have_text("3")
            assert await page.evaluate("() => window.scrollY") == 0

    async def test_typing_during_the_short_hide_is_kept(self, serve_calls: Any, page: Page) -> None:
        """Someone who types right after following a link must not lose keystrokes: the page is
        made transparent, which keeps the keyboard focus (``visibility: hidden`` would drop it)."""
        results: dict[str, Any] = {}

        def calls(executor: BrythonExecutor, record: Callable[[str], Callable[[Any], None]]) -> None:
            executor.call(short_hide_outer_container_contents, record("hidden"), milliseconds=2000)

        async with serve_calls(calls, results) as base_url:
            await open_app(page, base_url, "#run")
            await page.click("#run")
            await page.focus("#typing")
            contents = f"document.getElementById('{OUTER_CONTAINER_CONTENTS_ID}').style.opacity"
            await page.wait_for_function(f"() => {contents} === '0'")
            await page.keyboard.type("ada")

            assert await page.evaluate("() => document.activeElement.id") == "typing"
            await expect(page.locator("#typing")).to_have_value("ada")


class TestNavigate:
    async def test_navigate_to_loads_the_address_in_this_tab(self, serve_calls: Any, page: Page) -> None:
        def calls(executor: BrythonExecutor, record: Callable[[str], Callable[[Any], None]]) -> None:
            executor.call(navigate_to, url="/healthz")

        async with serve_calls(calls, {}) as base_url:
            await open_app(page, base_url, "#run")
            async with page.expect_navigation():
                await page.click("#run")

            assert page.url == f"{base_url}/healthz"
