"""(2) Bare ReactPy 1.1.0 on Sanic with the hook-stack fix and nothing else: no other patch, no
middleware, no database. The baseline the Heavy Stack is held to."""

from __future__ import annotations

from typing import Any

from reactpy import component, html, use_state
from reactpy.backend.sanic import configure
from reactpy.core.types import VdomDict
from sanic import Sanic

from bench.servers import COUNTER_ID, ServerOptions, counter_text
from heavy.realtime.reactpy_patches import apply_hook_stack_fix


@component
def Counter() -> VdomDict:
    count, set_count = use_state(0)

    def increment(_event: dict[str, Any]) -> None:
        set_count(lambda current: current + 1)

    return html.button({"id": COUNTER_ID, "on_click": increment}, counter_text(count))


def build_app(options: ServerOptions) -> Sanic[Any, Any]:
    apply_hook_stack_fix()  # without it, concurrent connections fail
    app = Sanic("bench_reactpy")
    configure(app, Counter)
    return app
