"""DEV only: tells open tabs that a stylesheet changed, so they swap it in without a page reload.

Under ``heavy dev`` the page's ``<head>`` loads ``heavy/static/js/heavy_hot_reload.js``, which listens on
this small server-sent-events stream and, for each changed stylesheet, replaces the matching
``<link>`` with one that loads the new file (the old one goes once the new one has loaded, so the
page never shows unstyled). Server-sent events because the browser's ``EventSource`` reconnects
by itself, across ``heavy dev``'s restarts too, and needs nothing from ReactPy.

Nothing here is registered outside ``heavy dev``; it refuses PRODUCTION settings.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sanic import Request, Sanic

from heavy.config import HeavySettings
from heavy.errors import ConfigurationError

STYLESHEET_EVENTS_PATH = "/_heavy/dev/stylesheets"
HOT_RELOAD_SCRIPT = "/_heavy/static/js/heavy_hot_reload.js"
RECONNECT_MILLISECONDS = 500  # how soon a tab listens again after a restart of the server


class StylesheetEvents:
    """The open streams of this process. Use it on the event loop's thread."""

    def __init__(self) -> None:
        self._streams: set[asyncio.Queue[str | None]] = set()

    def publish(self, href: str) -> int:
        """Tell every open tab that the stylesheet at ``href`` changed; returns how many listen."""
        for stream in self._streams:
            stream.put_nowait(href)
        return len(self._streams)

    def close_all(self) -> None:
        """End every stream (the server is stopping: an open stream would hold up its shutdown)."""
        for stream in self._streams:
            stream.put_nowait(None)

    @property
    def listeners(self) -> int:
        return len(self._streams)

    async def stream(self, request: Request) -> None:
        response = await request.respond(
            content_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
        assert response is not None
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._streams.add(queue)
        try:
            await response.send(f"retry: {RECONNECT_MILLISECONDS}\n\n")
            while (href := await queue.get()) is not None:
                await response.send(f"event: stylesheet\ndata: {href}\n\n")
        finally:
            self._streams.discard(queue)
        await response.eof()


def register_stylesheet_events(app: Sanic[Any, Any], settings: HeavySettings) -> StylesheetEvents:
    """Serve the stream on ``app`` (``app.ctx.stylesheet_events``); DEV settings only."""
    if not settings.is_dev:
        raise ConfigurationError(
            f"hot reload is for development: it cannot run with {settings.env_name('environment')}=PRODUCTION"
        )
    events = StylesheetEvents()
    app.ctx.stylesheet_events = events

    async def stylesheet_events(request: Request) -> None:
        await events.stream(request)

    async def end_streams(_app: Sanic[Any, Any]) -> None:
        events.close_all()

    app.add_route(stylesheet_events, STYLESHEET_EVENTS_PATH, methods=["GET"], name="stylesheet_events")
    app.register_listener(end_streams, "before_server_stop")
    return events
