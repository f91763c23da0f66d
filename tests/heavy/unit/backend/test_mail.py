from __future__ import annotations

import logging

import pytest

from heavy.accounts.mail import ConsoleMailer, MailMessage, SmtpMailer, send_in_background

MESSAGE = MailMessage(to="ada@example.com", subject="Hello", body="Hi Ada.")


class TestSmtpMailer:
    @pytest.mark.parametrize(
        ("url", "port"),
        [
            ("smtp://relay", 25),
            ("smtp+starttls://relay", 587),
            ("smtps://relay", 465),
            ("smtp://relay:2525", 2525),
        ],
    )
    def test_each_kind_of_url_has_its_usual_port(self, url: str, port: int) -> None:
        assert SmtpMailer(url, "noreply@example.com").port == port

    def test_credentials_in_the_url_are_unquoted(self) -> None:
        mailer = SmtpMailer("smtps://ada%40example.com:p%40ss%2Fword@mail.example.com", "noreply@example.com")

        assert (mailer.host, mailer.username, mailer.password) == (
            "mail.example.com",
            "ada@example.com",
            "p@ss/word",
        )

    def test_a_url_of_another_kind_is_refused(self) -> None:
        with pytest.raises(ValueError, match="expected smtp://"):
            SmtpMailer("http://mail.example.com", "noreply@example.com")


class TestConsoleMailer:
    async def test_logs_the_whole_message(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="heavy.accounts.mail")

        await ConsoleMailer("Site <noreply@example.com>").send(MESSAGE)

        (record,) = caplog.records
        assert "From: Site <noreply@example.com>\nTo: ada@example.com\nSubject: Hello\n\nHi Ada." in (
            record.getMessage()
        )


class FailingMailer:
    async def send(self, message: MailMessage) -> None:
        raise ConnectionRefusedError("no mail server here")


class TestSendInBackground:
    async def test_a_failure_is_logged_not_raised(self, caplog: pytest.LogCaptureFixture) -> None:
        await send_in_background(FailingMailer(), MESSAGE)

        (record,) = [record for record in caplog.records if record.name == "heavy.accounts.mail"]
        assert record.levelno == logging.ERROR
        assert "'Hello'" in record.getMessage()
        assert record.exc_info is not None
