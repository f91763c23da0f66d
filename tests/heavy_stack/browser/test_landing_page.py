"""The demo pages in a real Chromium, against ``heavy run``: every piece of the landing page works,
nothing goes wrong in the console, and nothing is fetched from anywhere but the app itself."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.support.browser import ARTIFACTS_DIR, BROWSER_TIMEZONE, PageWatch, open_app, wait_for_brython
from tests.support.servers import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IN_VIEWPORT = """(id) => {
    const box = document.getElementById(id).getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


@pytest.fixture
async def landing_page(page: Page, live_server: ServerProcess) -> Page:
    await open_app(page, live_server.base_url, "#counter-button")
    return page


class TestLoading:
    async def test_renders_with_no_console_errors_or_warnings(
        self, landing_page: Page, watch: PageWatch
    ) -> None:
        await wait_for_brython(landing_page)
        await expect(landing_page.locator("#timezone-name")).to_have_text(BROWSER_TIMEZONE)

        assert await landing_page.title() == "Heavy Stack [DEV]"
        assert watch.problems == []

    async def test_every_request_goes_to_the_apps_own_origin(
        self, landing_page: Page, watch: PageWatch, live_server: ServerProcess
    ) -> None:
        await wait_for_brython(landing_page)
        await landing_page.click("#counter-button")
        await expect(landing_page.locator("#counter-button")).to_have_text("Clicked 1 times")

        app_host = urlsplit(live_server.base_url).netloc
        assert watch.requests, "the page made requests"
        elsewhere = [url for url in watch.requests if urlsplit(url).netloc != app_host]
        assert elsewhere == []
        assert any(url.endswith("/static/brython-runtime/brython.js") for url in watch.requests)
        assert any(urlsplit(url).scheme == "ws" for url in watch.requests), "the websocket is counted too"

    async def test_saves_a_screenshot_of_the_landing_page(self, landing_page: Page) -> None:
        await expect(landing_page.locator("#timezone-name")).to_have_text(BROWSER_TIMEZONE)
        path = ARTIFACTS_DIR / "screenshots" / "landing-page.png"
        path.parent.mkdir(parents=True, exist_ok=True)

        await landing_page.screenshot(path=str(path), full_page=True)

        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class TestLandingPageDemos:
    async def test_the_update_button_changes_the_time(self, landing_page: Page) -> None:
        clock = landing_page.locator("#current-time")
        before = await clock.get_attribute("datetime")

        await landing_page.click("#update-time-button")

        await expect(landing_page.locator("#time-updates")).to_have_text("Updated 1 times")
        await expect(clock).not_to_have_attribute("datetime", before or "")

    async def test_the_time_is_shown_in_the_browsers_zone(self, landing_page: Page) -> None:
        await expect(landing_page.locator("#timezone-name")).to_have_text(BROWSER_TIMEZONE)

        shown = await landing_page.locator("#current-time").get_attribute("datetime")
        browser_offset: int = await landing_page.evaluate("() => -new Date().getTimezoneOffset()")
        hours, minutes = divmod(abs(browser_offset), 60)
        assert shown is not None
        assert shown.endswith(f"{'+' if browser_offset >= 0 else '-'}{hours:02d}:{minutes:02d}")

    async def test_submitting_the_form_updates_the_greeting(self, landing_page: Page) -> None:
        # The page has settled (Brython loaded, the browser's time zone rendered): no update of
        # the page's own arrives while the fields are filled.
        await wait_for_brython(landing_page)
        await expect(landing_page.locator("#timezone-name")).to_have_text(BROWSER_TIMEZONE)
        await landing_page.fill("#name-input", "Ada")
        await landing_page.fill("#message-input", "Python all the way down")
        await expect(landing_page.locator("#message-input")).to_have_value("Python all the way down")

        await landing_page.click("#greeting-submit")

        await expect(landing_page.locator("#greeting")).to_have_text(
            "Hello, Ada! You said: “Python all the way down”"
        )
        assert landing_page.url.endswith("/"), "the browser's own submission never happened"

    async def test_pressing_enter_in_a_field_submits_too(self, landing_page: Page) -> None:
        await landing_page.fill("#name-input", "Grace")
        await landing_page.press("#name-input", "Enter")

        await expect(landing_page.locator("#greeting")).to_have_text("Hello, Grace!")

    async def test_an_expandable_section_expands_and_collapses(self, landing_page: Page) -> None:
        toggle = landing_page.locator("#click-flow-toggle")
        content = landing_page.locator("#click-flow-content")
        await expect(content).to_be_hidden()

        await toggle.click()
        await expect(content).to_contain_text("heavy_event opens a database session")
        await expect(toggle).to_have_attribute("aria-expanded", "true")

        await toggle.click()
        await expect(content).to_be_hidden()
        await expect(toggle).to_have_attribute("aria-expanded", "false")

    async def test_a_one_way_section_stays_open(self, landing_page: Page) -> None:
        await landing_page.click("#one-way-section-toggle")

        await expect(landing_page.locator("#quantity-input")).to_be_visible()
        await expect(landing_page.locator("#one-way-section-toggle")).to_have_count(0)
        await landing_page.fill("#quantity-input", "2.5")
        await expect(landing_page.locator("#quantity-doubled")).to_have_text("Twice that is 5.")

    async def test_the_expander_works_from_the_keyboard(self, landing_page: Page) -> None:
        await landing_page.focus("#click-flow-toggle")
        await landing_page.keyboard.press("Enter")

        await expect(landing_page.locator("#click-flow-content")).to_be_visible()
        outline = await landing_page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid", "keyboard focus is visible"

    async def test_the_current_user_comes_from_the_heavy_context(self, landing_page: Page) -> None:
        await expect(landing_page.locator("#current-user")).to_contain_text("(AnonymousUser)")


class TestBrythonOnTheLandingPage:
    async def test_scroll_to_moves_the_viewport_to_the_clock(self, landing_page: Page) -> None:
        await wait_for_brython(landing_page)
        await landing_page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        await landing_page.wait_for_function(f"() => !({IN_VIEWPORT})('current-time')")

        await landing_page.evaluate("() => document.getElementById('scroll-to-clock-button').click()")

        await landing_page.wait_for_function(IN_VIEWPORT, arg="current-time")

    async def test_open_in_new_tab_opens_the_page_and_reports_back(
        self, landing_page: Page, browser_context: BrowserContext, live_server: ServerProcess
    ) -> None:
        async with browser_context.expect_page() as new_tab_info:
            await landing_page.click("#open-new-tab-button")
        new_tab = await new_tab_info.value

        await new_tab.wait_for_load_state()
        assert new_tab.url == f"{live_server.base_url}/other"
        assert await new_tab.evaluate("() => window.opener") is None
        await expect(landing_page.locator("#new-tab-status")).to_have_text("Opened in a new tab.")
        await new_tab.close()

    async def test_copy_reports_through_its_result_callback(
        self, landing_page: Page, browser_context: BrowserContext
    ) -> None:
        await browser_context.grant_permissions(["clipboard-read", "clipboard-write"])

        await landing_page.click("#copy-example-button")

        await expect(landing_page.locator("#copy-status")).to_have_text("Copied.")
        copied = await landing_page.evaluate("() => navigator.clipboard.readText()")
        assert "brython_executor.call(scroll_to_element" in copied


class TestRouting:
    async def test_a_router_link_changes_page_without_a_page_load_and_starts_at_the_top(
        self, landing_page: Page, live_server: ServerProcess, watch: PageWatch
    ) -> None:
        await wait_for_brython(landing_page)
        await landing_page.evaluate("() => { window.stillTheSamePage = true; }")
        documents_before = len([url for url in watch.requests if urlsplit(url).path in ("/", "/other")])

        await landing_page.click("#to-other-page")

        await expect(landing_page.locator("#to-landing-page")).to_be_visible()
        assert landing_page.url == f"{live_server.base_url}/other"
        assert await landing_page.evaluate("() => window.stillTheSamePage") is True
        assert (
            len([url for url in watch.requests if urlsplit(url).path in ("/", "/other")]) == documents_before
        )
        await landing_page.wait_for_function("() => window.scrollY === 0")
        await expect(landing_page.locator("#nav-other")).to_have_count(0)  # now the current page

        await landing_page.click("#to-landing-page")
        await expect(landing_page.locator("#counter-button")).to_be_visible()
        assert await landing_page.evaluate("() => window.stillTheSamePage") is True

    async def test_the_back_button_returns_to_the_landing_page(self, landing_page: Page) -> None:
        await landing_page.click("#nav-other")
        await expect(landing_page.locator("#to-landing-page")).to_be_visible()

        await landing_page.go_back()

        await expect(landing_page.locator("#counter-button")).to_be_visible()
