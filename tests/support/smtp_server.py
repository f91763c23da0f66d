"""A tiny SMTP server on a free port, for tests: speaks just enough of RFC 5321 for ``smtplib`` to
deliver to it (no TLS, no AUTH) and keeps every message it receives."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage


class SmtpInbox:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"smtp://127.0.0.1:{port}"
        self.mails: list[ReceivedMail] = []
        self._arrived = asyncio.Condition()

    async def wait_for(self, count: int, timeout: float = 20.0) -> list[ReceivedMail]:
        """The first ``count`` mails, once they have arrived."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.mails) >= count)
        return self.mails[:count]

    async def _deliver(self, mail: ReceivedMail) -> None:
        async with self._arrived:
            self.mails.append(mail)
            self._arrived.notify_all()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        sender, recipients = "", list[str]()
        try:
            await reply("220 test-smtp ready")
            while line := await reader.readline():
                verb, _, argument = line.decode().rstrip("\r\n").partition(" ")
                verb = verb.upper()
                if verb in ("EHLO", "HELO"):
                    await reply("250 test-smtp")
                elif verb == "MAIL":
                    sender, recipients = _address(argument), []
                    await reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(_address(argument))
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 end with <CRLF>.<CRLF>")
                    await self._deliver(ReceivedMail(sender, recipients, await _read_data(reader)))
                    await reply("250 OK: queued")
                elif verb in ("RSET", "NOOP"):
                    await reply("250 OK")
                elif verb == "QUIT":
                    await reply("221 bye")
                    break
                else:
                    await reply("502 not implemented")
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _read_data(reader: asyncio.StreamReader) -> EmailMessage:
    lines = []
    while (line := await reader.readline()) not in (b".\r\n", b""):
        line = line[1:] if line.startswith(b"..") else line  # undo dot-stuffing
        lines.append(line.removesuffix(b"\r\n") + b"\n")
    message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _address(argument: str) -> str:
    """``FROM:<a@b>`` or ``TO:<a@b>`` (with any parameters after it) -> ``a@b``."""
    return argument.partition(":")[2].strip().partition(">")[0].lstrip("<")


@contextlib.asynccontextmanager
async def smtp_inbox() -> AsyncIterator[SmtpInbox]:
    """An SMTP server on this event loop, on 127.0.0.1 and a free port, until the block ends."""
    inbox = SmtpInbox(0)
    server = await asyncio.start_server(inbox.handle, "127.0.0.1", 0)
    inbox.port = server.sockets[0].getsockname()[1]
    inbox.url = f"smtp://127.0.0.1:{inbox.port}"
    try:
        yield inbox
    finally:
        server.close()
        await server.wait_closed()
