"""(1) A raw Sanic websocket echo: the transport's limit on this machine, with no UI framework at all.

On connect it sends the same first ``layout-update`` a counter page sends (so the client finds its
button the same way), then answers every message by sending it straight back.
"""

from __future__ import annotations

from typing import Any

import orjson
from sanic import Request, Sanic, Websocket
from sanic.response import HTTPResponse, html

from bench.servers import COUNTER_ID, ServerOptions, counter_text

PAGE = "<!doctype html><html><head><title>echo</title></head><body><div id='app'></div></body></html>"
_BUTTON = {
    "tagName": "button",
    "attributes": {"id": COUNTER_ID},
    "eventHandlers": {"on_click": {"target": "echo", "preventDefault": False, "stopPropagation": False}},
    "children": [counter_text(0)],
}
# The shape ReactPy sends for a one-button page: the button inside three fragments.
FIRST_UPDATE = orjson.dumps(
    {
        "type": "layout-update",
        "path": "",
        "model": {
            "tagName": "",
            "children": [{"tagName": "", "children": [{"tagName": "", "children": [_BUTTON]}]}],
        },
    }
)


def build_app(options: ServerOptions) -> Sanic[Any, Any]:
    app = Sanic("bench_echo")

    @app.get("/")
    async def page(request: Request) -> HTTPResponse:
        return html(PAGE)

    app.add_websocket_route(echo_stream, "/_reactpy/stream")
    return app


async def echo_stream(request: Request, websocket: Websocket) -> None:
    await websocket.send(FIRST_UPDATE)
    while (message := await websocket.recv()) is not None:
        await websocket.send(message)
