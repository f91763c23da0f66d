"""The guestbook page over real websockets: an entry signed in one connection appears in another
connection's page, also when the two are served by different servers (each with its own listening
connection to PostgreSQL, as two hosts would be); a page opened later reads it from the table; a
bad message is refused next to the input; a publish over the tab's limit, or with live updates
off, keeps the entry and says in the page that other tabs were not told."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.sessions import SESSION_COOKIE
from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.realtime.stream_client import StreamClient, StreamClientContext, text_content, walk
from heavy_stack.frontend.pages.guestbook_page import SIGNED, SIGNED_TOO_FAST
from tests.support.accounts import signed_in_session
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

RUN = uuid.uuid4().hex[:10]
"""In every message this module writes, so it can remove them from the shared test database."""


def unique(words: str) -> str:
    return f"{words} {RUN} {uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
async def hosts(settings: HeavySettings) -> AsyncIterator[tuple[str, str]]:
    """Two servers of the app on the one database, each with its own live broker."""
    async with (
        serve_in_process(create_app(settings, name="guestbook_host_a")) as host_a,
        serve_in_process(create_app(settings, name="guestbook_host_b")) as host_b,
    ):
        yield host_a, host_b


@pytest.fixture(autouse=True, scope="module")
async def _remove_entries(sql_engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with sql_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM guestbook_entries WHERE message LIKE :run"), {"run": f"%{RUN}%"}
        )


def open_guestbook(base_url: str, *, session_id: str | None = None) -> StreamClientContext:
    headers = {"cookie": f"{SESSION_COOKIE}={session_id}"} if session_id else None
    return StreamClient.open(base_url, "/guestbook", headers=headers)


async def opened(client: StreamClient) -> StreamClient:
    """Wait until the page has read the entries once."""
    await client.wait_for(lambda page: text_or_none(page, "guestbook-count") not in (None, "Loading…"))
    return client


async def sign(client: StreamClient, message: str) -> None:
    """Type ``message`` and submit the form, as the browser does (the value travels with the submit)."""
    await client.type_text("guestbook-message", message)
    elements = [{"tagName": "INPUT", "value": message}, {"tagName": "BUTTON", "value": ""}]
    await client.trigger("guestbook-form", "onSubmit", {"target": {"elements": elements}})


def shown(client: StreamClient) -> list[tuple[str, str]]:
    """(message, author) of each entry on the page, top to bottom."""
    entries = client.find("guestbook-entries")
    if entries is None:
        return []
    found = []
    for item in entries.get("children", ()):
        parts = {
            node["attributes"]["class_name"]: text_content(node)
            for node in walk(item)
            if node.get("attributes", {}).get("class_name") in ("guestbook-message", "guestbook-author")
        }
        found.append((parts["guestbook-message"], parts["guestbook-author"]))
    return found


def shows(message: str) -> Any:
    return lambda page: message in [shown_message for shown_message, _ in shown(page)]


def text_or_none(client: StreamClient, element_id: str) -> str | None:
    element = client.find(element_id)
    return None if element is None else text_content(element)


def value_of(client: StreamClient, element_id: str) -> object:
    element = client.find(element_id)
    return None if element is None else element.get("attributes", {}).get("value")


async def count_entries(sql_engine: AsyncEngine) -> int:
    async with sql_engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM guestbook_entries"))).scalar_one())


class TestLiveEntries:
    async def test_an_entry_signed_in_one_connection_appears_in_another(self, hosts: tuple[str, str]) -> None:
        host_a, _ = hosts
        message = unique("hello from the first tab")
        async with open_guestbook(host_a) as writer, open_guestbook(host_a) as reader:
            await opened(writer)
            await opened(reader)

            await sign(writer, message)
            await reader.wait_for(shows(message))
            await writer.wait_for_text("guestbook-status", SIGNED)
            await writer.wait_for(shows(message))

            assert shown(reader)[0] == (message, "guest")
            assert shown(writer)[0] == (message, "guest")
            assert value_of(writer, "guestbook-message") == ""

    async def test_an_entry_reaches_a_page_served_by_another_server(self, hosts: tuple[str, str]) -> None:
        host_a, host_b = hosts
        message = unique("across hosts")
        async with open_guestbook(host_a) as writer, open_guestbook(host_b) as reader:
            await opened(writer)
            await opened(reader)

            await sign(writer, message)

            await reader.wait_for(shows(message))

    async def test_a_page_opened_later_reads_the_entries_from_the_table_newest_first(
        self, hosts: tuple[str, str]
    ) -> None:
        host_a, host_b = hosts
        first, second = unique("first"), unique("second")
        async with open_guestbook(host_a) as writer:
            await opened(writer)
            for message in (first, second):
                await sign(writer, message)
                await writer.wait_for(shows(message))

        async with open_guestbook(host_b) as later:
            await opened(later)

            assert [message for message, _ in shown(later)[:2]] == [second, first]

    async def test_a_signed_in_author_signs_with_their_name(self, hosts: tuple[str, str]) -> None:
        host_a, host_b = hosts
        session_id = await signed_in_session(host_a, "Ada Lovelace")
        message = unique("signed by name")
        async with open_guestbook(host_a, session_id=session_id) as writer, open_guestbook(host_b) as reader:
            await opened(writer)
            await opened(reader)

            await sign(writer, message)
            await reader.wait_for(shows(message))

            assert shown(reader)[0] == (message, "Ada Lovelace")


class TestRefusedMessages:
    @pytest.mark.parametrize(
        ("message", "error"),
        [
            ("   ", "Write a message first."),
            ("x" * 300, "A message has at most 280 characters; this one has 300."),
        ],
        ids=["blank", "too long"],
    )
    async def test_a_bad_message_is_refused_next_to_the_input_and_not_saved(
        self, hosts: tuple[str, str], sql_engine: AsyncEngine, message: str, error: str
    ) -> None:
        host_a, _ = hosts
        before = await count_entries(sql_engine)
        async with open_guestbook(host_a) as client:
            await opened(client)

            await sign(client, message)
            await client.wait_for_text("guestbook-message-error", error)

            input_attributes = client.find("guestbook-message")
            assert input_attributes is not None
            assert input_attributes["attributes"]["aria_invalid"] == "true"
            assert value_of(client, "guestbook-message") == message  # kept, to be fixed
        assert await count_entries(sql_engine) == before


class TestAnnouncingFails:
    async def test_over_the_tabs_publish_limit_the_entry_is_kept_and_the_page_says_so(
        self, settings: HeavySettings
    ) -> None:
        limited = settings.model_copy(update={"live_publish_burst": 1, "live_publish_per_second": 0.001})
        first, second = unique("within the limit"), unique("over the limit")
        async with serve_in_process(create_app(limited, name="guestbook_limited")) as base_url:
            async with open_guestbook(base_url) as client:
                await opened(client)
                await sign(client, first)
                await client.wait_for_text("guestbook-status", SIGNED)

                await sign(client, second)
                await client.wait_for_text("guestbook-status", SIGNED_TOO_FAST)
                await client.wait_for(shows(second))  # this tab re-reads its own entry anyway

            async with open_guestbook(base_url) as later:
                await opened(later)
                assert [message for message, _ in shown(later)[:2]] == [second, first]

    async def test_with_live_updates_off_the_entry_is_kept_and_the_page_says_so(
        self, settings: HeavySettings
    ) -> None:
        message = unique("nobody is listening")
        async with (
            serve_in_process(
                create_app(settings.model_copy(update={"live_updates": "off"}), name="guestbook_off")
            ) as base_url,
            open_guestbook(base_url) as client,
        ):
            await opened(client)
            await sign(client, message)

            await client.wait_for(shows(message))
            await client.wait_for(
                lambda page: (
                    "other tabs were not told (live updates are off" in page.text_of("guestbook-status")
                )
            )
