"""Log lines from every logger in the process - ours, Sanic's, ReactPy's - each naming the request
or stream connection it belongs to: one JSON object per line in PRODUCTION (for log collectors),
one readable line in DEV (for people). They go to stdout, as Sanic's do and as containers
expect; stderr is left to the ``heavy`` command's one-line errors.

:func:`configure_logging` runs once per process, from the app factory; it replaces its own handler
when called again and leaves other handlers (pytest's, yours) alone.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

from heavy.config import HeavySettings
from heavy.observability.request_ids import current_request_id

HANDLER_NAME = "heavy"
SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access", "sanic.server", "sanic.websockets")
# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged too.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_ACCESS_EXTRAS = frozenset({"status", "byte", "host", "request", "duration"})
# Libraries that narrate their internals at INFO; their warnings and errors still show.
_CHATTY_LOGGERS = ("pgserver",)


class JsonLogFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", "process", ...extras, "exception"}``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
            "request_id": current_request_id(),
            "process": record.process,
        }
        line.update(_extras(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(line, default=str).decode()


class ReadableLogFormatter(logging.Formatter):
    """``13:27:44.123 INFO [pid] logger: message (request 1a2b3c4d)`` plus any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
        line = f"{moment} {record.levelname:<7} [{record.process}] {record.name}: {_message(record)}"
        request_id = current_request_id()
        if request_id is not None:
            line += f" (request {request_id[:8]})"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stdout`` is at the moment (test runners swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass  # always sys.stdout


def configure_logging(settings: HeavySettings) -> None:
    """Route every logger to one stdout handler: JSON in PRODUCTION, readable in DEV."""
    handler = StdoutHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(ReadableLogFormatter() if settings.is_dev else JsonLogFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == HANDLER_NAME:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # Sanic's loggers come with handlers and formats of their own (the app is created with
    # configure_logging=False, but another Sanic app in the process may have set them up):
    # their lines go through ours instead, at our level.
    for name in SANIC_LOGGERS:
        sanic_logger = logging.getLogger(name)
        for existing in list(sanic_logger.handlers):
            sanic_logger.removeHandler(existing)
        sanic_logger.propagate = True
        if name != "sanic.websockets":  # Sanic keeps that one at WARNING: too chatty below
            sanic_logger.setLevel(logging.NOTSET)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def _message(record: logging.LogRecord) -> str:
    if record.name == "sanic.access" and not record.msg:
        # Sanic's access lines carry everything in extras: GET http://host/path 200 (85 bytes, 1.2ms)
        extras = vars(record)
        request, status, size = extras.get("request", "?"), extras.get("status", "?"), extras.get("byte", "?")
        if size == "DISCONNECTED":
            return f"{request} {status} (client disconnected)"
        duration = str(extras.get("duration", "")).strip()
        return f"{request} {status} ({size} bytes{', ' + duration if duration else ''})"
    return record.getMessage()


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    extras = {key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES}
    if record.name == "sanic.access":
        for key in _ACCESS_EXTRAS:
            extras.pop(key, None)  # already in the message
        extras["client"] = getattr(record, "host", None)
        extras["status"] = getattr(record, "status", None)
    return extras
