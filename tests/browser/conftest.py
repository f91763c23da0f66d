"""Browser fixtures: the machine's Chromium driven by Playwright (async), one context per test.

Chromium is Debian's package (``scripts/install_browser.sh``, run by ``make test``), found at
``HEAVY_STACK_CHROMIUM`` or ``/usr/bin/chromium``; Playwright never downloads a browser here.
Without one, every browser test is skipped with one line saying why (pytest folds the skips,
which all come from :func:`chromium_executable`, into a single summary line).

Use them from any suite under ``tests/browser/``:

```python
async def test_something(page: Page, live_server: ServerProcess, watch: PageWatch) -> None:
    await open_app(page, live_server.base_url)
    assert watch.problems == []
```
"""

from __future__ import annotations

import os
import shutil
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

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
"""Screenshots and other things tests leave for people to look at (git-ignored)."""

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
BROWSER_TIMEZONE = "Europe/Paris"
"""The zone the test browser reports, so a test can tell it from the server's UTC."""


def find_chromium() -> str | None:
    configured = os.environ.get("HEAVY_STACK_CHROMIUM")
    for candidate in (configured, *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "browser tests need Chromium: none at HEAVY_STACK_CHROMIUM or /usr/bin/chromium "
            "(install it with scripts/install_browser.sh, or apt-get install chromium)"
        )
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
