"""The guestbook in Chromium, two people at once, against ``heavy run --workers 2``: an entry
signed in one browser appears in the other's open page without a reload (whichever worker serves
each), is still there after a reload, and is in the table for a page served by another server; a
bad message is refused next to the input."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy_stack.frontend.pages.guestbook_page import SIGNED
from tests.heavy_stack.browser.account_flow import new_email, sign_up_and_log_in
from tests.support.browser import ARTIFACTS_DIR, BROWSER_TIMEZONE, VIEWPORT, PageWatch, open_app
from tests.support.servers import ServerProcess, heavy_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN = uuid.uuid4().hex[:10]
"""In every message this module writes, so it can remove them from the shared test database."""
LIVE_TIMEOUT_MS = 30_000  # generous: two workers and two browsers share a small CI machine


@pytest.fixture(scope="module")
def two_workers(
    server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """``heavy run --workers 2``: two processes, each with its own listening connection."""
    log_path = tmp_path_factory.mktemp("guestbook-server") / "server.log"
    with heavy_server(["run", "--workers", "2"], server_env, log_path) as server:
        yield server


@pytest.fixture(autouse=True, scope="module")
async def _remove_entries(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM guestbook_entries WHERE message LIKE :run"), {"run": f"%{RUN}%"}
        )
        await connection.execute(text("DELETE FROM login_attempts WHERE key = 'signup:127.0.0.1'"))


@pytest.fixture
async def other_person(browser: Browser) -> AsyncIterator[Page]:
    """A page in a second browser context: another person, with cookies of their own."""
    context: BrowserContext = await browser.new_context(
        viewport=VIEWPORT, timezone_id=BROWSER_TIMEZONE, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def unique(words: str) -> str:
    return f"{words} {RUN} {uuid.uuid4().hex[:6]}"


async def open_guestbook(page: Page, base_url: str) -> None:
    await open_app(page, f"{base_url}/guestbook", "#guestbook-form")
    await expect(page.locator("#guestbook-count")).not_to_have_text("Loading…")


async def sign(page: Page, message: str) -> None:
    await page.fill("#guestbook-message", message)
    await page.click("#guestbook-submit")


def newest_entry(page: Page) -> tuple[Locator, Locator]:
    """The message and the author of the entry at the top of the list."""
    entry = page.locator("#guestbook-entries .guestbook-entry").first
    return entry.locator(".guestbook-message"), entry.locator(".guestbook-author")


async def sign_up(page: Page, base_url: str, name: str) -> None:
    await sign_up_and_log_in(page, base_url, new_email(), name)
    await expect(page.locator("#account-link")).to_have_text(name)


class TestTwoPeople:
    async def test_an_entry_appears_in_the_other_persons_open_page_and_stays_after_a_reload(
        self,
        page: Page,
        other_person: Page,
        watch: PageWatch,
        two_workers: ServerProcess,
        live_server: ServerProcess,
        sql_engine: AsyncEngine,
    ) -> None:
        ada, guest = page, other_person
        ada_message, guest_message = unique("Hello from Ada"), unique("Hello back from a guest")
        await sign_up(ada, two_workers.base_url, "Ada Lovelace")
        await open_guestbook(ada, two_workers.base_url)
        await open_guestbook(guest, two_workers.base_url)
        for person in (ada, guest):  # presence, whichever workers the two pages landed on
            await expect(person.locator("#guestbook-presence")).to_have_text(
                "2 people here: Ada Lovelace and guest", timeout=LIVE_TIMEOUT_MS
            )

        await sign(ada, ada_message)
        message, author = newest_entry(guest)
        await expect(message).to_have_text(ada_message, timeout=LIVE_TIMEOUT_MS)  # no reload: live
        await expect(author).to_have_text("Ada Lovelace")
        await expect(ada.locator("#guestbook-status")).to_have_text(SIGNED)
        await expect(ada.locator("#guestbook-message")).to_have_value("")

        await sign(guest, guest_message)
        message, author = newest_entry(ada)
        await expect(message).to_have_text(guest_message, timeout=LIVE_TIMEOUT_MS)
        await expect(author).to_have_text("guest")

        await guest.reload()
        await expect(guest.locator("#guestbook-count")).not_to_have_text("Loading…")
        shown = guest.locator("#guestbook-entries .guestbook-message")
        await expect(shown.nth(0)).to_have_text(guest_message)
        await expect(shown.nth(1)).to_have_text(ada_message)

        # The entries are in PostgreSQL: another server (another host, for all it knows) shows them.
        await open_guestbook(guest, live_server.base_url)
        await expect(shown.nth(0)).to_have_text(guest_message)
        await expect(shown.nth(1)).to_have_text(ada_message)
        async with sql_engine.connect() as connection:
            stored = await connection.execute(
                text(
                    "SELECT author_name, user_id IS NOT NULL FROM guestbook_entries WHERE message = ANY(:m)"
                ),
                {"m": [ada_message, guest_message]},
            )
            assert sorted(stored.all()) == [("Ada Lovelace", True), ("guest", False)]

        path = ARTIFACTS_DIR / "screenshots" / "guestbook.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        await ada.screenshot(path=str(path), full_page=True)
        assert watch.problems == []


class TestRefusedMessages:
    async def test_an_empty_or_overlong_message_is_explained_next_to_the_input(
        self, page: Page, two_workers: ServerProcess
    ) -> None:
        await open_guestbook(page, two_workers.base_url)
        error = page.locator("#guestbook-message-error")

        await page.click("#guestbook-submit")
        await expect(error).to_have_text("Write a message first.")
        await expect(page.locator("#guestbook-message")).to_have_attribute("aria-invalid", "true")

        await sign(page, "x" * 300)
        await expect(error).to_have_text("A message has at most 280 characters; this one has 300.")

        fine = unique("Fixed it")
        await sign(page, fine)
        await expect(error).to_have_count(0)
        await expect(newest_entry(page)[0]).to_have_text(fine)
