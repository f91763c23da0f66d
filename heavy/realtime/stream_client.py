"""A small ReactPy stream client in Python: connect, keep the page model current, find, click, type.

It speaks the same protocol as the browser's ReactPy client (``layout-update`` in,
``layout-event`` out) over a real websocket, so tests, benchmarks and load tests can drive the
app the way a browser does, without one. It also plays the part of reactpy-router's JavaScript
``History`` component: on connect it reports the page location, as the browser would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

STREAM_PATH = "/_reactpy/stream"
HISTORY_CALLBACK = "onHistoryChangeCallback"

Model = dict[str, Any]


class StreamClient:
    """One page session over ``/_reactpy/stream``. Use ``async with StreamClient.open(...)``."""

    def __init__(self, websocket: ClientConnection, pathname: str) -> None:
        self.websocket = websocket
        self.pathname = pathname
        self.model: Model = {}
        self.updates_received = 0

    @classmethod
    def open(
        cls,
        base_url: str,
        pathname: str = "/",
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        with_router: bool = True,
    ) -> StreamClientContext:
        """Connect to the page at ``pathname``; ``with_router=False`` for apps without reactpy-router."""
        ws_url = base_url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
        stream_url = f"{ws_url}{STREAM_PATH}{pathname.rstrip('/')}"  # as the browser client builds it
        return StreamClientContext(cls, stream_url, pathname, query, headers or {}, with_router)

    async def receive_update(self, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the next ``layout-update`` and apply it to :attr:`model`."""
        raw = await asyncio.wait_for(self.websocket.recv(), timeout)
        message: dict[str, Any] = orjson.loads(raw)
        if message.get("type") == "layout-update":
            apply_layout_update(self.model, message)
            self.updates_received += 1
        return message

    async def drain(self, quiet_seconds: float = 0.2) -> None:
        """Apply every update already on its way: receive until none arrives for ``quiet_seconds``."""
        while True:
            try:
                await self.receive_update(quiet_seconds)
            except TimeoutError:
                return

    async def wait_for(self, condition: Callable[[StreamClient], bool], timeout: float = 10.0) -> None:
        """Receive updates until ``condition(self)`` holds."""
        async with asyncio.timeout(timeout):
            while not condition(self):
                await self.receive_update(timeout)

    async def wait_for_element(self, element_id: str, timeout: float = 10.0) -> Model:
        await self.wait_for(lambda client: client.find(element_id) is not None, timeout)
        element = self.find(element_id)
        assert element is not None
        return element

    async def wait_for_text(self, element_id: str, text: str, timeout: float = 10.0) -> None:
        """Receive updates until the element with ``id=element_id`` shows exactly ``text``."""
        await self.wait_for(lambda client: client._text_or_none(element_id) == text, timeout)

    def _text_or_none(self, element_id: str) -> str | None:
        element = self.find(element_id)
        return None if element is None else text_content(element)

    async def send_event(self, target: str, *data: Any) -> None:
        await self.websocket.send(
            orjson.dumps({"type": "layout-event", "target": target, "data": list(data)})
        )

    async def trigger(self, element_id: str, event: str = "onClick", *data: Any) -> None:
        """Fire ``event`` on the element with ``id=element_id`` (a click by default)."""
        element = self.find(element_id)
        if element is None:
            raise LookupError(f"no element with id {element_id!r} on the page")
        handler = _handler_for(element, event)
        if handler is None:
            raise LookupError(f"element {element_id!r} has no {event} handler")
        await self.send_event(handler["target"], *(data or ({"type": event},)))

    async def click(self, element_id: str) -> None:
        await self.trigger(element_id, "onClick")

    async def type_text(self, element_id: str, value: str, event: str = "onChange") -> None:
        await self.trigger(element_id, event, {"target": {"value": value}, "currentTarget": {"value": value}})

    def find(self, element_id: str) -> Model | None:
        return next(
            (node for node in walk(self.model) if node.get("attributes", {}).get("id") == element_id), None
        )

    def text_of(self, element_id: str) -> str:
        element = self.find(element_id)
        if element is None:
            raise LookupError(f"no element with id {element_id!r} on the page")
        return text_content(element)

    async def report_location(self, pathname: str, search: str = "") -> None:
        """Tell the router where the page is, as reactpy-router's History component does."""
        await self.wait_for(lambda client: _history_target(client.model) is not None)
        target = _history_target(self.model)
        assert target is not None
        await self.send_event(target, {"pathname": pathname, "search": search})


class StreamClientContext:
    def __init__(
        self,
        client_type: type[StreamClient],
        url: str,
        pathname: str,
        query: str,
        headers: dict[str, str],
        with_router: bool,
    ) -> None:
        self._with_router = with_router
        self._client_type = client_type
        self._url = url + (f"?{query}" if query else "")
        self._pathname = pathname
        self._headers = headers
        self._client: StreamClient | None = None

    async def __aenter__(self) -> StreamClient:
        websocket = await connect(
            self._url, additional_headers=self._headers, max_size=2**24, open_timeout=20
        )
        client = self._client = self._client_type(websocket, self._pathname)
        await client.receive_update()
        if self._with_router:
            await client.report_location(self._pathname)
        return client

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.websocket.close()


def apply_layout_update(model: Model, message: dict[str, Any]) -> None:
    """Replace the subtree at ``message["path"]`` (a JSON pointer) with ``message["model"]``."""
    path: str = message["path"]
    if not path:
        model.clear()
        model.update(message["model"])
        return
    parts = path.lstrip("/").split("/")
    node: Any = model
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = message["model"]
    else:
        node[last] = message["model"]


def walk(node: Any) -> Iterator[Model]:
    """Every element dict of a model, depth first."""
    if isinstance(node, dict):
        yield node
        for child in node.get("children", ()):
            yield from walk(child)


def text_content(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return "".join(text_content(child) for child in node.get("children", ()))
    return ""


def _handler_for(element: Model, event: str) -> dict[str, Any] | None:
    """The handler for ``event`` whether it was declared ``on_click`` or ``onClick``."""
    wanted = event.replace("_", "").lower()
    for name, handler in element.get("eventHandlers", {}).items():
        if name.replace("_", "").lower() == wanted:
            return dict(handler)
    return None


def _history_target(model: Model) -> str | None:
    for node in walk(model):
        handler = node.get("eventHandlers", {}).get(HISTORY_CALLBACK)
        if handler is not None:
            return str(handler["target"])
    return None
