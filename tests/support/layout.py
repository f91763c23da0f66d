"""Render a component in ReactPy's own Layout, with no server: read the model, fire events.

For components whose handlers are plain functions (async handlers need a connection: serve the
component with ``create_app(root=...)`` and drive it with ``StreamClient`` instead).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from reactpy.core.layout import Layout
from reactpy.core.types import ComponentType

from heavy.realtime.stream_client import Model, apply_layout_update, text_content, walk


class RenderedLayout:
    """A component rendered in a Layout: ``find``, ``text_of``, ``trigger``, ``wait_for``."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.model: Model = {}

    async def next_update(self, timeout: float = 5.0) -> None:
        update = await asyncio.wait_for(self.layout.render(), timeout)
        apply_layout_update(self.model, dict(update))

    def find(self, element_id: str) -> Model | None:
        return next(
            (node for node in walk(self.model) if node.get("attributes", {}).get("id") == element_id), None
        )

    def get(self, element_id: str) -> Model:
        element = self.find(element_id)
        if element is None:
            raise LookupError(f"no element with id {element_id!r} in the layout")
        return element

    def text_of(self, element_id: str) -> str:
        return text_content(self.get(element_id))

    async def trigger(self, element_id: str, event_name: str, *data: Any) -> None:
        """Deliver ``event_name`` (as declared: ``on_click``) to the element, then wait for the re-render."""
        handler = self.get(element_id).get("eventHandlers", {}).get(event_name)
        if handler is None:
            raise LookupError(f"element {element_id!r} has no {event_name} handler")
        await self.layout.deliver({"type": "layout-event", "target": handler["target"], "data": list(data)})

    async def wait_for(self, condition: Any, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition(self):
                await self.next_update(timeout)


@contextlib.asynccontextmanager
async def render_layout(root: ComponentType) -> AsyncIterator[RenderedLayout]:
    """``async with render_layout(Component()) as page:`` the first render is done on entry."""
    async with Layout(root) as layout:
        rendered = RenderedLayout(layout)
        await rendered.next_update()
        yield rendered


def vdom(element: Mapping[str, Any]) -> Model:
    """A kit element as a plain dict, for assertions (ReactPy's ``VdomDict`` is a TypedDict whose
    children mypy cannot index)."""
    return dict(element)
