"""(3) The same counter on Heavy Stack's app stack: ``create_app`` (middleware, database lifecycle,
patches, static files) and an async ``heavy_event`` handler, which opens a HeavyContext (fresh
sessions, context variables, rollback and close) for every click but sends no SQL."""

from __future__ import annotations

from typing import Any

from reactpy import component, html, use_state
from reactpy.core.types import VdomDict
from sanic import Sanic

from bench.servers import COUNTER_ID, ServerOptions, counter_text
from bench.servers.heavy_settings import bench_settings
from heavy.app_factory import create_app
from heavy.ui.reactpy_util import heavy_event
from heavy.web.api_requests import HeavyContext


@component
def Counter() -> VdomDict:
    count, set_count = use_state(0)

    async def increment(context: HeavyContext, _event: dict[str, Any]) -> None:
        set_count(lambda current: current + 1)

    return html.button({"id": COUNTER_ID, "on_click": heavy_event(increment)}, counter_text(count))


def build_app(options: ServerOptions, *, name: str = "bench_heavy") -> Sanic[Any, Any]:
    return create_app(bench_settings(options.data_dir), name=name, root=Counter)
