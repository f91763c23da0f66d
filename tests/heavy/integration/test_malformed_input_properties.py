"""Property: whatever a client posts to a form or sends on the stream, the real server (``heavy
run``) answers no 5xx (a form post logs no traceback either; a stream connection never fails),
and stays healthy for the next client.

Examples are bounded (``max_examples``, no deadline) so the file runs in about half a minute; the
deterministic cases that first failed live in ``test_malformed_requests.py``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.exceptions import ConnectionClosed

from heavy.realtime.stream_client import StreamClient, walk
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow

FORM_ROUTES = ("/auth/signup", "/auth/login", "/auth/logout")
FIELD_NAMES = ("email", "password", "display_name", "next")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x")

_any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)  # what UTF-8 can carry
_field_values = st.one_of(
    _any_text,
    st.emails(),
    st.builds(lambda a, b: f"{a}\x00{b}", st.emails(), _any_text),
)
_fields = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), _any_text), _field_values, max_size=5)
_examples = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def server(live_server: ServerProcess) -> ServerProcess:
    return live_server


@pytest.fixture(autouse=True)
async def forget_attempts_from_this_machine(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    """Many posts from 127.0.0.1 must not leave the session's other tests throttled."""
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM login_attempts WHERE key IN ('address:127.0.0.1', 'signup:127.0.0.1')")
        )


def _new_log(server: ServerProcess, since: int) -> str:
    return server.log()[since:]


def _assert_healthy(server: ServerProcess) -> None:
    response = httpx.get(f"{server.base_url}/healthz", timeout=10)
    assert response.status_code == 200, response.text


class TestFormPosts:
    @_examples
    @given(
        route=st.sampled_from(FORM_ROUTES),
        fields=_fields,
        encoding=st.sampled_from(("urlencoded", "multipart", "raw")),
        raw_body=st.binary(max_size=200),
        raw_type=st.sampled_from(FORM_TYPES),
    )
    def test_no_post_gets_a_5xx_or_logs_a_traceback(
        self,
        server: ServerProcess,
        route: str,
        fields: dict[str, str],
        encoding: str,
        raw_body: bytes,
        raw_type: str,
    ) -> None:
        since = len(server.log())
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            if encoding == "urlencoded":
                response = client.post(route, data=fields)
            elif encoding == "multipart":
                response = client.post(route, data=fields, files={"upload": ("f.txt", b"x")})
            else:
                response = client.post(route, content=raw_body, headers={"content-type": raw_type})

        assert response.status_code < 500, response.text
        assert "Traceback" not in _new_log(server, since)

    def test_the_server_is_healthy_afterwards(self, server: ServerProcess) -> None:
        _assert_healthy(server)


# --- The stream ------------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_any_text, children, max_size=4),
    max_leaves=12,
)


def _messages(targets: list[str]) -> st.SearchStrategy[str | bytes]:
    target = st.one_of(st.sampled_from(targets), _any_text, _json)
    event = st.fixed_dictionaries(
        {"type": st.sampled_from(("layout-event", "layout-update", "x")) | _json},
        optional={"target": target, "data": st.lists(_json, max_size=3) | _json},
    )
    return st.one_of(
        event.map(lambda message: json.dumps(message)),
        _json.map(lambda message: json.dumps(message)),
        _any_text,
        st.binary(max_size=100),
    )


def _page_targets(server: ServerProcess) -> list[str]:
    async def collect() -> list[str]:
        async with StreamClient.open(server.base_url, "/") as client:
            await client.drain()
            return [
                handler["target"]
                for node in walk(client.model)
                for handler in node.get("eventHandlers", {}).values()
            ]

    return asyncio.run(collect())


class TestStreamMessages:
    def test_no_message_shape_breaks_the_server(self, server: ServerProcess) -> None:
        targets = _page_targets(server)
        assert targets, "the landing page has handlers to aim at"

        @_examples
        @given(batch=st.lists(_messages(targets), min_size=1, max_size=5))
        def any_batch(batch: list[str | bytes]) -> None:
            since = len(server.log())
            asyncio.run(_send_then_check(server, batch))
            # The connection's handler never failed (a websocket's 5xx). An event of the right shape
            # for a real handler, with data that handler cannot take, may make the handler raise:
            # ReactPy logs that as it logs any handler's bug, and the connection goes on.
            assert "sanic.error" not in _new_log(server, since)

        any_batch()
        _assert_healthy(server)


async def _send_then_check(server: ServerProcess, batch: list[Any]) -> None:
    """Send ``batch`` on one connection; then a new connection still gets the page."""
    async with StreamClient.open(server.base_url, "/") as client:
        for message in batch:
            try:
                await client.websocket.send(message)
            except ConnectionClosed:  # refusing a frame by closing is allowed; the server must go on
                break
        await asyncio.sleep(0.05)
    async with StreamClient.open(server.base_url, "/") as fresh:
        await fresh.drain(0.05)
        assert fresh.model, "a new connection still renders the page"
        orjson.dumps(fresh.model)
