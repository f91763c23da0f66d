"""In Chromium: a copy of a tab (its sessionStorage copied, as "Duplicate tab" and ``window.open``
do) gets a tab id of its own, so the two never share, or fight over, one saved UI state."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Page, expect

from heavy.realtime.tab_identity import TAB_QUERY_PARAMETER
from tests.heavy.browser.test_state_recovery import TRACK_SOCKETS
from tests.support.browser import open_app
from tests.support.servers import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def tab_id(page: Page) -> str:
    """The tab id the page's latest stream connection carries."""
    url: str = await page.evaluate("window.__streamSockets[window.__streamSockets.length - 1].url")
    [value] = parse_qs(urlsplit(url).query)[TAB_QUERY_PARAMETER]
    return value


async def duplicate(page: Page) -> Page:
    """A copy of ``page``: ``window.open`` gives the new tab a copy of the opener's sessionStorage,
    as Chromium's "Duplicate tab" does (and the landing page's "open in a new tab" button)."""
    async with page.context.expect_page() as opened:
        await page.evaluate("window.open(window.location.href, '_blank')")
    copy = await opened.value
    await copy.wait_for_selector("#counter-button")
    return copy


class TestDuplicatedTab:
    async def test_the_copy_gets_its_own_id_and_the_original_keeps_its_state(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        await page.context.add_init_script(TRACK_SOCKETS)  # every page of the context, the copy too
        await open_app(page, live_server.base_url, "#counter-button")
        await page.click("#counter-button")
        await page.click("#counter-button")
        await expect(page.locator("#counter-button")).to_have_text("Clicked 2 times")
        original_id = await tab_id(page)

        copy = await duplicate(page)

        assert await tab_id(copy) != original_id
        await expect(copy.locator("#counter-button")).to_have_text("Clicked 0 times")
        await copy.click("#counter-button")  # the copy's own state, saved under its own id
        await expect(copy.locator("#counter-button")).to_have_text("Clicked 1 times")

        await page.reload()

        await expect(page.locator("#counter-button")).to_have_text("Clicked 2 times")
        assert await tab_id(page) == original_id

    async def test_a_copy_of_a_reloaded_tab_gets_its_own_id_too(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        await page.context.add_init_script(TRACK_SOCKETS)
        await open_app(page, live_server.base_url, "#counter-button")
        original_id = await tab_id(page)
        await page.reload()  # the id goes back into sessionStorage for the reload, and out again
        await page.wait_for_selector("#counter-button")

        copy = await duplicate(page)

        assert await tab_id(page) == original_id
        assert await tab_id(copy) != original_id
