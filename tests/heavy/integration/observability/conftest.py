"""A tiny app whose one button looks a user up through ``heavy_event`` (so a click runs SQL)
and logs a line while doing it."""

from __future__ import annotations

import itertools
import logging
from typing import Any

from reactpy import component, html, use_state

from heavy.accounts.user_repository import UserRepository
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.types import Component
from heavy.web.api_requests import HeavyContext

logger = logging.getLogger("tests.observability.lookup_page")

app_numbers = itertools.count()


@component
def LookupPage() -> Component:
    result, set_result = use_state("not asked")

    async def look_up(context: HeavyContext, _event: dict[str, Any]) -> None:
        logger.info("looking up a user")
        user = await UserRepository().get_user_by_email("nobody@example.com")
        set_result("found" if user else "not found")

    return html.button({"id": "look-up", "on_click": heavy_event(look_up)}, result)
