"""(4) Heavy Stack's database path: every click reads a user through UserManager -> UserRepository
-> SQL -> UserModelMunger on the event's own session before updating the counter."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from reactpy import component, html, use_state
from reactpy.core.types import VdomDict
from sanic import Sanic

from bench.servers import COUNTER_ID, ServerOptions, counter_text
from bench.servers.heavy_settings import bench_settings
from heavy.accounts.user_manager import UserManager
from heavy.accounts.user_model import UserId
from heavy.accounts.user_mungers import UserModelMunger
from heavy.app_factory import create_app
from heavy.ui.reactpy_util import heavy_event
from heavy.web.api_requests import HeavyContext


def build_app(options: ServerOptions) -> Sanic[Any, Any]:
    if options.user_id is None:
        raise SystemExit("the database counter needs --user-id (a row in the users table)")
    user_id = UserId(UUID(options.user_id))

    @component
    def Counter() -> VdomDict:
        count, set_count = use_state(0)

        async def increment(context: HeavyContext, _event: dict[str, Any]) -> None:
            user = await UserManager(UserModelMunger()).get_user(user_id)
            if user is None:
                raise LookupError(f"no user {user_id}")
            set_count(lambda current: current + 1)

        return html.button({"id": COUNTER_ID, "on_click": heavy_event(increment)}, counter_text(count))

    return create_app(bench_settings(options.data_dir), name="bench_heavy_db", root=Counter)
