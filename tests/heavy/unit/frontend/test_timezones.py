"""The visitor's time zone: what a browser report becomes, and to_user_timezone in a component."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from reactpy import component, html

from heavy.ui.timezones import (
    UTC_DEFAULT,
    TimezoneContext,
    UserTimezone,
    timezone_from_browser,
    to_user_timezone,
)
from heavy.ui.types import Component
from tests.support.layout import render_layout

LOGGER = "heavy.ui.timezones"


class TestTimezoneFromBrowser:
    def test_a_known_zone_name_is_used_with_its_daylight_saving_rules(self) -> None:
        zone = timezone_from_browser("Europe/Paris", 60)

        assert zone == UserTimezone(zone=ZoneInfo("Europe/Paris"), name="Europe/Paris", from_browser=True)

    def test_an_unknown_name_falls_back_to_the_offset_with_a_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            zone = timezone_from_browser("Mars/Olympus_Mons", -90)

        assert zone.zone == timezone(timedelta(minutes=-90))
        assert zone.from_browser
        assert "unknown time zone 'Mars/Olympus_Mons'" in caplog.text

    @pytest.mark.parametrize(
        ("name", "offset"),
        [("../../etc/passwd", 10_000), ("/etc/localtime", -9999), ("zone.tab", 841), ("x" * 500, 99_999)],
    )
    def test_unusable_values_fall_back_to_utc_with_a_warning(
        self, name: str, offset: int, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert timezone_from_browser(name, offset) == UTC_DEFAULT

        assert "showing times in UTC" in caplog.text


class TestToUserTimezone:
    async def test_converts_to_the_provided_zone(self) -> None:
        moment = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)

        @component
        def Clock() -> Component:
            return html.p({"id": "clock"}, to_user_timezone(moment).isoformat())

        paris = UserTimezone(zone=ZoneInfo("Europe/Paris"), name="Europe/Paris", from_browser=True)
        async with render_layout(TimezoneContext(Clock(), value=paris)) as page:
            assert page.text_of("clock") == "2025-07-01T14:00:00+02:00"

    async def test_is_utc_without_a_provider(self) -> None:
        @component
        def Clock() -> Component:
            return html.p({"id": "clock"}, to_user_timezone(datetime(2025, 1, 1, tzinfo=UTC)).isoformat())

        async with render_layout(Clock()) as page:
            assert page.text_of("clock") == "2025-01-01T00:00:00+00:00"

    async def test_refuses_a_naive_datetime(self) -> None:
        errors: list[str] = []

        @component
        def Clock() -> Component:
            try:
                to_user_timezone(datetime(2025, 1, 1))
            except ValueError as error:
                errors.append(str(error))
            return html.p("x")

        async with render_layout(Clock()):
            pass

        assert errors
        assert "needs a timezone-aware datetime" in errors[0]
