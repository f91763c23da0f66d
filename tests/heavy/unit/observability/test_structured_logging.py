from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import orjson
import pytest

from heavy.config import load_settings
from heavy.observability.request_ids import request_id_var
from heavy.observability.structured_logging import (
    HANDLER_NAME,
    SANIC_LOGGERS,
    JsonLogFormatter,
    ReadableLogFormatter,
    configure_logging,
)

STRONG_SECRET = "s" * 48


def make_record(
    message: str = "databases ready (%s)",
    args: tuple[object, ...] = ("embedded",),
    *,
    name: str = "heavy.web.lifecycle",
    level: int = logging.INFO,
    **extra: object,
) -> logging.LogRecord:
    record = logging.getLogger(name).makeRecord(name, level, __file__, 1, message, args, None, extra=extra)
    return record


@pytest.fixture
def in_request() -> Iterator[str]:
    token = request_id_var.set("4f6c0a2e9b1d4c3a8e7f6d5c4b3a2910")
    yield "4f6c0a2e9b1d4c3a8e7f6d5c4b3a2910"
    request_id_var.reset(token)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    saved_sanic = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).level)
        for name in SANIC_LOGGERS
    }
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, (handlers, level) in saved_sanic.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).setLevel(level)


class TestJsonLogFormatter:
    def test_a_line_is_one_json_object_naming_the_request(self, in_request: str) -> None:
        line = JsonLogFormatter().format(make_record())

        assert "\n" not in line
        fields = orjson.loads(line)
        assert fields["message"] == "databases ready (embedded)"
        assert fields["level"] == "INFO"
        assert fields["logger"] == "heavy.web.lifecycle"
        assert fields["request_id"] == in_request
        assert fields["time"].endswith("+00:00")
        assert isinstance(fields["process"], int)

    def test_outside_a_request_the_id_is_null(self) -> None:
        assert orjson.loads(JsonLogFormatter().format(make_record()))["request_id"] is None

    def test_extras_become_fields_and_tracebacks_stay_on_the_line(self) -> None:
        try:
            raise ValueError("bad value")
        except ValueError:
            record = make_record("saving failed", (), user_id=7, level=logging.ERROR)
            record.exc_info = sys.exc_info()

        fields = orjson.loads(JsonLogFormatter().format(record))

        assert fields["user_id"] == 7
        assert "ValueError: bad value" in fields["exception"]

    def test_sanic_access_records_get_a_message(self) -> None:
        record = make_record(
            "",
            (),
            name="sanic.access",
            request="GET http://127.0.0.1:8000/healthz",
            status=200,
            byte="85",
            host="127.0.0.1:50000",
            duration=" 1.2ms",
        )

        fields = orjson.loads(JsonLogFormatter().format(record))

        assert fields["message"] == "GET http://127.0.0.1:8000/healthz 200 (85 bytes, 1.2ms)"
        assert (fields["status"], fields["client"]) == (200, "127.0.0.1:50000")
        assert "byte" not in fields


class TestReadableLogFormatter:
    def test_a_line_shows_level_logger_message_and_a_short_request_id(self, in_request: str) -> None:
        line = ReadableLogFormatter().format(make_record())

        assert "INFO" in line
        assert "heavy.web.lifecycle: databases ready (embedded)" in line
        assert line.endswith(f"(request {in_request[:8]})")


class TestConfigureLogging:
    @pytest.mark.usefixtures("restore_logging")
    def test_production_lines_are_json_dev_lines_are_readable_and_one_handler_is_kept(self) -> None:
        configure_logging(load_settings(_env_file=None))
        configure_logging(
            load_settings(
                _env_file=None,
                environment="PRODUCTION",
                secret_key=STRONG_SECRET,
                sql_db_url="postgresql://app@db/app",
                vector_db_url="postgresql://app@db/app",
                log_level="warning",
            )
        )

        ours = [handler for handler in logging.getLogger().handlers if handler.get_name() == HANDLER_NAME]
        assert len(ours) == 1
        assert isinstance(ours[0].formatter, JsonLogFormatter)
        assert logging.getLogger().level == logging.WARNING

        configure_logging(load_settings(_env_file=None))
        ours = [handler for handler in logging.getLogger().handlers if handler.get_name() == HANDLER_NAME]
        assert isinstance(ours[0].formatter, ReadableLogFormatter)
        assert logging.getLogger().level == logging.INFO

    @pytest.mark.usefixtures("restore_logging")
    def test_sanic_lines_go_through_our_handler(self) -> None:
        logging.getLogger("sanic.root").addHandler(logging.StreamHandler())  # as Sanic's own setup does

        configure_logging(load_settings(_env_file=None))

        for name in SANIC_LOGGERS:
            assert logging.getLogger(name).handlers == []
            assert logging.getLogger(name).propagate
        assert logging.getLogger("sanic.root").getEffectiveLevel() == logging.INFO

    @pytest.mark.usefixtures("restore_logging")
    def test_an_info_line_of_ours_reaches_stdout(self, capsys: pytest.CaptureFixture[str]) -> None:
        configure_logging(load_settings(_env_file=None))

        logging.getLogger("heavy.web.lifecycle").info("databases ready (%s)", "embedded")

        assert "heavy.web.lifecycle: databases ready (embedded)" in capsys.readouterr().out
