"""A TCP proxy in front of several servers, for tests of "any worker can serve any tab".

Each new connection goes to the first upstream that accepts it, so stopping one server sends
every reconnect to the next: what a load balancer without sticky sessions does.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


@contextlib.asynccontextmanager
async def tcp_proxy(upstream_ports: list[int]) -> AsyncIterator[str]:
    """Listen on a free port on 127.0.0.1 and yield the proxy's base URL."""
    connections: set[asyncio.Task[None]] = set()

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        for port in upstream_ports:
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            await asyncio.gather(_pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer))
            return
        client_writer.close()

    def track(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(handle(reader, writer))
        connections.add(task)
        task.add_done_callback(connections.discard)

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = await asyncio.start_server(track, sock=listening)
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    finally:
        server.close()
        for task in list(connections):
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)
        await server.wait_closed()
