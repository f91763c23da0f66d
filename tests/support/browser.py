"""Browser fixtures: the machine's Chromium driven by Playwright (async), one context per test.

Chromium is Debian's package (``scripts/install_browser.sh``, run by ``make test``), found at
``HEAVY_TEST_CHROMIUM`` or ``/usr/bin/chromium``; Playwright never downloads a browser here.
Without one, the browser tests are left out of the run and the summary says so in one line.

Use them from any browser suite (``tests/heavy/browser/``, ``tests/heavy_stack/browser/``); the root
conftest.py loads this module as a plugin:

```python
async def test_something(page: Page, live_server: ServerProcess, watch: PageWatch) -> None:
    await open_app(page, live_server.base_url)
    assert watch.problems == []
```
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    ViewportSize,
    async_playwright,
)

from tests.support.chromium import CHROMIUM_ARGS, find_chromium, no_chromium_message

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
"""Screenshots and other things tests leave for people to look at (git-ignored)."""

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
BROWSER_TIMEZONE = "Europe/Paris"
"""The zone the test browser reports, so a test can tell it from the server's UTC."""


_SKIPPED_BROWSER_TESTS = pytest.StashKey[str]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, leave the browser tests out, and remember to say so once."""
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or find_chromium() is not None:
        return
    items[:] = [item for item in items if not item.get_closest_marker("browser")]
    config.hook.pytest_deselected(items=browser_items)
    config.stash[_SKIPPED_BROWSER_TESTS] = (
        f"{len(browser_items)} browser tests skipped: {no_chromium_message()}"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    message = config.stash.get(_SKIPPED_BROWSER_TESTS, None)
    if message is not None:
        terminalreporter.write_line(message, yellow=True, bold=True)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    executable = find_chromium()
    if executable is None:  # only for tests that use the browser without the browser mark
        pytest.skip(no_chromium_message())
    return executable


@pytest.fixture(scope="session")
async def browser(chromium_executable: str) -> AsyncIterator[Browser]:
    """One Chromium for the session (a context per test keeps tests apart)."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def browser_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh profile: no cookies, storage or cache from other tests."""
    context = await browser.new_context(viewport=VIEWPORT, timezone_id=BROWSER_TIMEZONE, locale="en-GB")
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        await context.close()


@dataclass
class PageWatch:
    """What a page reported while a test ran: console errors and warnings, uncaught exceptions,
    and the URL of every request it made (websockets included)."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.console + self.page_errors

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
async def page(browser_context: BrowserContext, watch: PageWatch) -> Page:
    """A page in the test's context, watched by ``watch``."""
    new_page = await browser_context.new_page()
    new_page.on("console", watch.on_console)
    new_page.on("pageerror", lambda error: watch.page_errors.append(f"uncaught: {error}"))
    new_page.on("request", watch.on_request)
    new_page.on("websocket", lambda websocket: watch.requests.append(websocket.url))
    return new_page


async def open_app(page: Page, url: str, ready_selector: str = "#outer-container-contents") -> None:
    """Load ``url`` and wait until ReactPy has rendered the page's content."""
    await page.goto(url)
    await page.wait_for_selector(ready_selector)


async def wait_for_brython(page: Page) -> None:
    """Wait until Brython has run a call (so it has started and imported the bridge)."""
    await page.wait_for_function("() => window.__BRYTHON__ && 'reactpy_bridge' in __BRYTHON__.imported")
