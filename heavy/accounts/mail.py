"""Sending mail: one small interface, :class:`Mailer`, with a console backend and an SMTP one.

The console backend (the default) logs each message, so development needs no mail server and the
mails the app would send can be read in its log. The SMTP backend sends through a relay or a
provider (``HEAVY_STACK_MAIL_BACKEND=smtp`` and ``HEAVY_STACK_SMTP_URL``), with the standard
library's ``smtplib`` in a worker thread so a slow server never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol
from urllib.parse import unquote, urlsplit

from heavy.config import HeavySettings

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 20.0
_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    body: str  # plain text


class Mailer(Protocol):
    async def send(self, message: MailMessage) -> None:
        """Deliver ``message`` (or raise); callers that must not wait use :func:`send_in_background`."""
        ...


class ConsoleMailer:
    """Logs every message instead of sending it (development, tests)."""

    def __init__(self, sender: str) -> None:
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        logger.info(
            "mail (console backend, not sent)\nFrom: %s\nTo: %s\nSubject: %s\n\n%s",
            self.sender,
            message.to,
            message.subject,
            message.body,
        )


class SmtpMailer:
    """Sends through the SMTP server of ``url``: ``smtp://`` (plain, for a local relay),
    ``smtp+starttls://`` (STARTTLS, usually port 587) or ``smtps://`` (TLS from the start, 465);
    ``user:password@`` in the URL logs in."""

    def __init__(self, url: str, sender: str, *, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError("expected smtp://host:25, smtp+starttls://host:587 or smtps://host:465")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or _DEFAULT_PORTS[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout

    async def send(self, message: MailMessage) -> None:
        await asyncio.to_thread(self._send, self._email(message))

    def _email(self, message: MailMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid()
        email.set_content(message.body)
        return email

    def _send(self, email: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if self.username is not None:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)


def create_mailer(settings: HeavySettings) -> Mailer:
    if settings.mail_backend == "smtp":
        assert settings.smtp_url is not None, "HeavySettings refuses MAIL_BACKEND=smtp without SMTP_URL"
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    return ConsoleMailer(settings.mail_from)


_sending: set[asyncio.Task[None]] = set()  # strong references: the loop keeps only weak ones


def send_in_background(mailer: Mailer, message: MailMessage) -> asyncio.Task[None]:
    """Send without making the request wait: a slow or failing mail server must neither delay an
    answer nor change it (which would tell a visitor which mail was sent). Failures are logged."""
    task = asyncio.get_running_loop().create_task(_send_logging_failures(mailer, message))
    _sending.add(task)
    task.add_done_callback(_sending.discard)
    return task


async def _send_logging_failures(mailer: Mailer, message: MailMessage) -> None:
    try:
        await mailer.send(message)
    except Exception:
        logger.exception("could not send the mail %r", message.subject)
