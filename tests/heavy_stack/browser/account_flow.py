"""Signing up and logging in through the app's pages in Chromium, for the app's browser tests.

Sign-up never signs in (its answer must not say whether the email was new): a test that needs a
signed-in person signs up, then logs in (:func:`sign_up_and_log_in`).
"""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from tests.support.browser import open_app

PASSWORD = "correct horse battery staple"


def new_email() -> str:
    return f"ada-{uuid.uuid4().hex[:10]}@example.com"


async def sign_up(page: Page, base_url: str, email: str, name: str = "Ada Lovelace") -> None:
    await open_app(page, f"{base_url}/signup", "#signup-form")
    await page.fill("#display_name", name)
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("#signup-submit")


async def sign_up_and_log_in(page: Page, base_url: str, email: str, name: str = "Ada Lovelace") -> None:
    """Sign-up never signs in (its answer must not say whether the email was new): log in after it."""
    await sign_up(page, base_url, email, name)
    await expect(page.locator("#form-notice")).to_be_visible()
    await log_in(page, base_url, email)
    await expect(page.locator("#account-link")).to_be_visible()


async def log_in(
    page: Page, base_url: str, email: str, password: str = PASSWORD, path: str = "/login"
) -> None:
    await open_app(page, f"{base_url}{path}", "#login-form")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("#login-submit")
