"""The visitor's time zone, as their browser reports it, for showing times in their local time.

The server cannot know it from the request, so ``TimezoneProvider`` asks the page once (through
Brython) and provides it to everything below. Until the answer arrives, and when it is unusable
(the browser's value is untrusted), times are shown in UTC; bad values are logged as warnings.

```python
@component
def Clock(moment: datetime) -> Component:
    local = to_user_timezone(moment)
    return html.time({"datetime": local.isoformat()}, local.strftime("%H:%M"))
```
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heavy_brython.timezones import get_timezone_name_and_offset
from reactpy import component, create_context, use_state

from heavy.ui.brython_executors import BrythonExecutorContext
from heavy.ui.reactpy_util import heavy_use_context, heavy_use_effect
from heavy.ui.types import Component

logger = logging.getLogger(__name__)

MAX_ZONE_NAME_LENGTH = 64
MAX_OFFSET_MINUTES = 14 * 60  # the widest UTC offsets in use are -12:00 and +14:00


@dataclass(frozen=True)
class UserTimezone:
    """The zone to show times in; ``from_browser`` is False while it is still the UTC default."""

    zone: tzinfo
    name: str
    from_browser: bool


UTC_DEFAULT = UserTimezone(zone=UTC, name="UTC", from_browser=False)

TimezoneContext = create_context(UTC_DEFAULT)


@component
def TimezoneProvider(*children: Component) -> Component:
    """Ask the browser for its time zone once, and give ``children`` the answer (UTC until then).

    Must sit inside a ``BrythonExecutorProvider``.
    """
    user_timezone, set_user_timezone = use_state(UTC_DEFAULT)
    brython_executor = heavy_use_context(BrythonExecutorContext)

    def ask_the_browser() -> None:
        brython_executor.call(
            get_timezone_name_and_offset,
            lambda name_and_offset: set_user_timezone(timezone_from_browser(*name_and_offset)),
        )

    heavy_use_effect(ask_the_browser, [])
    return TimezoneContext(*children, value=user_timezone)


def use_user_timezone() -> UserTimezone:
    """The visitor's zone (a hook: call it while a component renders)."""
    return heavy_use_context(TimezoneContext)


def to_user_timezone(moment: datetime) -> datetime:
    """``moment`` in the visitor's zone (a hook: call it while a component renders).

    ``moment`` must be timezone-aware (``datetime.now(UTC)``): a naive one has no single meaning.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"to_user_timezone needs a timezone-aware datetime, got naive {moment!r}")
    return moment.astimezone(use_user_timezone().zone)


def timezone_from_browser(name: str, offset_minutes: int) -> UserTimezone:
    """The zone the browser reported: by name when the tz database knows it, else by its fixed
    offset, else UTC. Anything unusable is logged as a warning."""
    if len(name) <= MAX_ZONE_NAME_LENGTH:
        try:
            return UserTimezone(zone=ZoneInfo(name), name=name, from_browser=True)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # unknown or malformed key (ZoneInfo refuses paths such as "../x")
    if -MAX_OFFSET_MINUTES <= offset_minutes <= MAX_OFFSET_MINUTES:
        fixed = timezone(timedelta(minutes=offset_minutes))
        logger.warning("unknown time zone %r from the browser; using its offset, %s", name[:100], fixed)
        return UserTimezone(zone=fixed, name=str(fixed), from_browser=True)
    logger.warning(
        "unusable time zone from the browser (%r, %r minutes); showing times in UTC",
        name[:100],
        offset_minutes,
    )
    return UTC_DEFAULT
