"""Sign-up does not tell a visitor whether an email is taken; the address's owner learns it by mail.

Over real HTTP, with the console mailer (the default, which logs) and the SMTP mailer sending to a
real SMTP server on a free port.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import statistics
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from heavy.accounts.mail import ConsoleMailer, MailMessage, SmtpMailer, create_mailer
from heavy.accounts.sessions import SESSION_COOKIE
from heavy.app_factory import create_app
from heavy.config import HeavySettings, load_settings
from heavy.errors import ConfigurationError
from tests.support.servers import serve_in_process
from tests.support.smtp_server import SmtpInbox, smtp_inbox

pytestmark = pytest.mark.slow

PASSWORD = "a perfectly fine password"
_app_numbers = itertools.count()


def new_email() -> str:
    return f"mail-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture
async def base_url(settings: HeavySettings) -> AsyncIterator[str]:
    app = create_app(settings, name=f"sign_up_mail_{next(_app_numbers)}")
    async with serve_in_process(app) as url:
        yield url


@pytest.fixture
async def inbox() -> AsyncIterator[SmtpInbox]:
    async with smtp_inbox() as inbox:
        yield inbox


async def sign_up(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    http.cookies.clear()
    return await http.post(
        "/auth/signup", data={"email": email, "password": password, "display_name": "Ada", "next": "/account"}
    )


def cookie_names(response: httpx.Response) -> list[str]:
    return sorted(header.partition("=")[0] for header in response.headers.get_list("set-cookie"))


def answer(response: httpx.Response) -> tuple[int, str | None, list[str], bytes]:
    """Everything a visitor sees of an answer but its timing (and the random values of cookies that
    every visitor gets, such as the browser id)."""
    return response.status_code, response.headers.get("location"), cookie_names(response), response.content


def console_mails(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "heavy.accounts.mail"]


class TestEnumerationSafeSignUp:
    async def test_a_taken_email_and_a_new_email_get_the_same_answer_in_a_similar_time(
        self, base_url: str
    ) -> None:
        taken = new_email()
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            await sign_up(http, taken)
            new_times, taken_times = [], []
            for _ in range(3):
                started = time.perf_counter()
                new = await sign_up(http, new_email())
                new_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                again = await sign_up(http, taken, password="another fine password")
                taken_times.append(time.perf_counter() - started)

                assert answer(again) == answer(new)

        assert new.status_code == 303
        assert new.headers["location"] == "/login?notice=check_email&next=%2Faccount"
        assert SESSION_COOKIE not in cookie_names(new), "a new account logs in like any other: no hint here"
        # Generous: without hashing, a taken email answered in a few milliseconds against ~0.15 s.
        ratio = statistics.median(taken_times) / statistics.median(new_times)
        assert 0.33 < ratio < 3, f"taken {taken_times} vs new {new_times}"

    async def test_the_new_account_logs_in_with_its_password(self, base_url: str) -> None:
        email = new_email()
        async with httpx.AsyncClient(base_url=base_url) as http:
            await sign_up(http, email)
            login = await http.post("/auth/login", data={"email": email, "password": PASSWORD})

        assert login.status_code == 303
        assert "heavy_session=" in login.headers["set-cookie"]

    async def test_the_console_mailer_logs_a_welcome_or_a_warning_to_the_addresss_owner(
        self, base_url: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        new, taken = new_email(), new_email()
        caplog.set_level(logging.INFO, logger="heavy.accounts.mail")
        async with httpx.AsyncClient(base_url=base_url) as http:
            await sign_up(http, taken)
            await sign_up(http, new)
            await sign_up(http, taken)
        await wait_for_console_mails(caplog, 3)

        first, welcome, warning = console_mails(caplog)
        assert f"To: {taken}" in first
        assert "Subject: Your new account" in first
        assert f"To: {new}" in welcome
        assert "Subject: Your new account" in welcome
        assert f"To: {taken}" in warning
        assert "Subject: Someone tried to sign up with your address" in warning
        assert "If it was you, log in at http://127.0.0.1:8000/login" in warning
        assert PASSWORD not in "".join(console_mails(caplog))


async def wait_for_console_mails(caplog: pytest.LogCaptureFixture, count: int) -> None:
    """Mails go out in the background, after the answer."""
    async with asyncio.timeout(20):
        while len(console_mails(caplog)) < count:  # noqa: ASYNC110 (polling the captured log)
            await asyncio.sleep(0.02)


class TestSmtpMailer:
    async def test_delivers_a_message_to_an_smtp_server(self, inbox: SmtpInbox) -> None:
        mailer = SmtpMailer(inbox.url, "Heavy Stack <noreply@example.com>")

        await mailer.send(MailMessage(to="ada@example.com", subject="Hello", body="Line one.\n.\nLast line."))

        (mail,) = await inbox.wait_for(1)
        assert mail.sender == "noreply@example.com"
        assert mail.recipients == ["ada@example.com"]
        assert mail.message["Subject"] == "Hello"
        assert mail.message["From"] == "Heavy Stack <noreply@example.com>"
        assert mail.message.get_content() == "Line one.\n.\nLast line.\n"

    async def test_a_server_that_does_not_answer_is_an_error(self) -> None:
        mailer = SmtpMailer("smtp://127.0.0.1:9", "noreply@example.com", timeout=2)

        with pytest.raises(OSError, match="refused"):
            await mailer.send(MailMessage(to="ada@example.com", subject="Hello", body="Hi"))

    async def test_the_app_mails_through_smtp_when_configured(
        self, settings: HeavySettings, inbox: SmtpInbox
    ) -> None:
        smtp_settings = settings.model_copy(
            update={
                "mail_backend": "smtp",
                "smtp_url": inbox.url,
                "mail_from": "Accounts <accounts@example.com>",
                "public_url": "https://app.example.com",
            }
        )
        new, taken = new_email(), new_email()
        app = create_app(smtp_settings, name=f"sign_up_mail_{next(_app_numbers)}")
        async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
            await sign_up(http, taken)
            await inbox.wait_for(1)
            await sign_up(http, new)
            await inbox.wait_for(2)
            await sign_up(http, taken)
            mails = await inbox.wait_for(3)

        assert [mail.recipients for mail in mails] == [[taken], [new], [taken]]
        assert [mail.message["Subject"] for mail in mails] == [
            "Your new account",
            "Your new account",
            "Someone tried to sign up with your address",
        ]
        assert "https://app.example.com/login" in mails[2].message.get_content()
        assert {mail.sender for mail in mails} == {"accounts@example.com"}


class TestMailSettings:
    def test_the_console_mailer_is_the_default(self, settings: HeavySettings) -> None:
        assert isinstance(create_mailer(settings), ConsoleMailer)

    def test_smtp_without_a_server_is_refused_with_the_fix(self) -> None:
        with pytest.raises(ConfigurationError, match="MAIL_BACKEND=smtp needs HEAVY_STACK_SMTP_URL"):
            load_settings(_env_file=None, mail_backend="smtp")

    def test_an_smtp_url_of_another_kind_is_refused_without_echoing_it(self) -> None:
        with pytest.raises(ConfigurationError, match="not an SMTP URL") as refused:
            load_settings(_env_file=None, smtp_url="http://user:hunter2@mail.example.com")

        assert "hunter2" not in str(refused.value)
