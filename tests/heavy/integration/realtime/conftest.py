"""A tiny app whose state exercises every recovery rule, served with the real app stack."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import BaseModel
from reactpy import component, html, use_state

from heavy.accounts.sessions import SESSION_COOKIE
from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.realtime.stream_client import StreamClient, StreamClientContext
from heavy.realtime.tab_identity import BROWSER_COOKIE, TAB_QUERY_PARAMETER
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.state import register_recoverable_type, use_server_only_state
from heavy.ui.types import Component
from tests.support.servers import serve_in_process

_app_numbers = itertools.count()


@register_recoverable_type
class Note(BaseModel):
    title: str
    stars: int


class Unregistered:
    def __init__(self, label: str) -> None:
        self.label = label


@component
def StatefulPage() -> Component:
    count, set_count = use_state(0)
    text, set_text = use_state("")
    expanded, set_expanded = use_state(False)
    note, set_note = use_state(Note(title="first", stars=0))
    secret, set_secret = use_server_only_state("server initial")
    thing, set_thing = use_state(Unregistered("initial"))

    def change_everything(_event: Any) -> None:
        set_count(lambda n: n + 1)
        set_expanded(True)
        set_note(lambda n: Note(title=n.title, stars=n.stars + 1))
        set_secret("server changed")
        set_thing(Unregistered("changed"))

    return html.div(
        html.button({"id": "change", "on_click": heavy_event(change_everything)}, "change"),
        html.input(
            {"id": "text", "value": text, "on_change": heavy_event(lambda e: set_text(e["target"]["value"]))}
        ),
        html.p({"id": "count"}, str(count)),
        html.p({"id": "expanded"}, str(expanded)),
        html.p({"id": "note"}, f"{note.title}:{note.stars}"),
        html.p({"id": "secret"}, secret),
        html.p({"id": "thing"}, thing.label),
        html.p({"id": "echo"}, text),
    )


@dataclass
class Tab:
    """A browser tab as the server sees it: the tab id in the URL, the browser cookie."""

    tab_id: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    browser_id: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def open(
        self, base_url: str, *, with_router: bool = False, session_id: str | None = None
    ) -> StreamClientContext:
        """Connect as this tab; ``session_id`` sends a login session cookie too (signed in)."""
        cookie = f"{BROWSER_COOKIE}={self.browser_id}"
        if session_id is not None:
            cookie += f"; {SESSION_COOKIE}={session_id}"
        return StreamClient.open(
            base_url,
            query=f"{TAB_QUERY_PARAMETER}={self.tab_id}",
            headers={"cookie": cookie},
            with_router=with_router,
        )


@pytest.fixture
def serve_stateful(settings: HeavySettings) -> Callable[..., Any]:
    """``async with serve_stateful(**setting_overrides) as base_url``."""

    @asynccontextmanager
    async def start(root: Callable[[], Any] = StatefulPage, **overrides: Any) -> AsyncIterator[str]:
        app_settings = settings.model_copy(update=overrides) if overrides else settings
        app = create_app(app_settings, name=f"recovery_{next(_app_numbers)}", root=root)
        async with serve_in_process(app) as base_url:
            yield base_url

    return start


async def change_state(client: StreamClient) -> None:
    await client.wait_for_element("change")
    await client.click("change")
    await client.type_text("text", "typed value")
    await client.wait_for_text("echo", "typed value")
    await client.wait_for_text("count", "1")
