"""The account flow in Chromium: sign up, then log in, log out, the user on the page, generic errors,
the rate limits, a page that requires login (and ``next`` with a query string), and a session
cookie no script can read."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.login_throttle import ThrottleLimits
from tests.heavy_stack.browser.account_flow import PASSWORD, log_in, new_email, sign_up, sign_up_and_log_in
from tests.support.browser import open_app
from tests.support.servers import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def log_out(page: Page) -> None:
    await page.click("#logout-submit")
    await expect(page.locator("#login-link")).to_be_visible()


class TestAccountFlow:
    async def test_sign_up_log_out_log_in_and_see_the_user(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        email = new_email()

        await sign_up(page, live_server.base_url, email)
        await expect(page.locator("#form-notice")).to_contain_text("We have sent a message")
        await expect(page.locator("#login-link")).to_be_visible()
        await page.fill("#email", email)
        await page.fill("#password", PASSWORD)
        await page.click("#login-submit")
        await expect(page.locator("#current-user")).to_have_text("Signed in as Ada Lovelace.")
        await expect(page.locator("#account-link")).to_have_text("Ada Lovelace")

        await log_out(page)
        await expect(page.locator("#current-user")).to_contain_text("browsing as a guest")

        await log_in(page, live_server.base_url, email.upper())
        await expect(page.locator("#current-user")).to_have_text("Signed in as Ada Lovelace.")

    async def test_the_session_cookie_is_out_of_reach_of_scripts(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        await sign_up_and_log_in(page, live_server.base_url, new_email())

        cookies = {cookie["name"]: cookie for cookie in await page.context.cookies()}

        assert cookies["heavy_session"]["httpOnly"] is True
        assert cookies["heavy_session"]["sameSite"] == "Lax"
        assert "heavy_session" not in await page.evaluate("document.cookie")

    async def test_a_wrong_password_gets_a_generic_message(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        email = new_email()
        await sign_up(page, live_server.base_url, email)

        await log_in(page, live_server.base_url, email, "not the password at all")
        await expect(page.locator("#form-error")).to_have_text("Email or password is incorrect.")

        await log_in(page, live_server.base_url, new_email(), PASSWORD)
        await expect(page.locator("#form-error")).to_have_text("Email or password is incorrect.")

    async def test_repeated_failures_hit_the_rate_limit(self, page: Page, live_server: ServerProcess) -> None:
        email = new_email()
        await sign_up(page, live_server.base_url, email)
        for _ in range(5):
            await log_in(page, live_server.base_url, email, "a wrong guess, again")
            await expect(page.locator("#form-error")).to_have_text("Email or password is incorrect.")

        await log_in(page, live_server.base_url, email)

        await expect(page.locator("#form-error")).to_have_text("Too many attempts. Try again in 15 minutes.")
        await expect(page.locator("#login-link")).to_be_visible()

    async def test_too_many_sign_ups_from_one_address_get_the_rate_limit_message(
        self, page: Page, live_server: ServerProcess, sql_engine: AsyncEngine
    ) -> None:
        async with sql_engine.begin() as connection:  # as if this browser had just tried that often
            await connection.execute(
                text(
                    "INSERT INTO login_attempts (key, window_started_at, failures) "
                    "VALUES ('signup:127.0.0.1', now(), :limit)"
                ),
                {"limit": ThrottleLimits().sign_ups_per_address},
            )

        await sign_up(page, live_server.base_url, new_email())

        await expect(page.locator("#form-error")).to_have_text("Too many attempts. Try again in 15 minutes.")
        await expect(page.locator("#login-link")).to_be_visible()

    async def test_a_next_with_a_query_string_survives_the_way_through_sign_up(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        next_path = quote("/account?tab=keys&page=2", safe="/")
        await open_app(page, f"{live_server.base_url}/login?next={next_path}", "#login-form")
        await page.click("#to-signup")
        await expect(page.locator("#signup-form")).to_be_visible()
        email = new_email()
        await page.fill("#email", email)
        await page.fill("#password", PASSWORD)
        await page.click("#signup-submit")
        await expect(page.locator("#form-notice")).to_be_visible()
        await page.fill("#email", email)
        await page.fill("#password", PASSWORD)
        await page.click("#login-submit")

        await expect(page.locator("#account-name")).to_be_visible()
        assert page.url.endswith("/account?tab=keys&page=2")

    async def test_a_page_that_requires_login_sends_visitors_there_and_back(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        email = new_email()
        await sign_up(page, live_server.base_url, email, name="Grace Hopper")

        await open_app(page, f"{live_server.base_url}/account", "#login-form")
        assert "next=/account" in page.url
        await page.fill("#email", email)
        await page.fill("#password", PASSWORD)
        await page.click("#login-submit")

        await expect(page.locator("#account-name")).to_have_text("Grace Hopper")
        assert page.url.endswith("/account")

    async def test_a_taken_email_gets_the_same_answer_as_a_new_one(
        self, page: Page, live_server: ServerProcess
    ) -> None:
        email = new_email()
        await sign_up(page, live_server.base_url, email)
        await expect(page.locator("#form-notice")).to_be_visible()
        answer_for_a_new_email = (page.url, await page.locator("#form-notice").text_content())

        await sign_up(page, live_server.base_url, email)

        await expect(page.locator("#form-notice")).to_be_visible()
        assert (page.url, await page.locator("#form-notice").text_content()) == answer_for_a_new_email
        await expect(page.locator("#form-error")).to_have_count(0)
