"""Presence as a component sees it: entries merged over processes, and the broker telling a
presence announcement from a message on the one live channel."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from heavy.live import Presence, PresenceEntry, Topic
from heavy.live.backends import MemoryBackend
from heavy.live.broker import LiveBroker
from heavy.live.presence_store import PresenceRow
from heavy.live.presence_tracker import merge_presence


class Ping(BaseModel):
    n: int


PINGS = Topic("test_presence_pings", Ping)


class TestMergePresence:
    def test_one_user_in_two_processes_is_one_entry_with_their_tabs_added(self) -> None:
        presence = merge_presence(
            "room",
            [
                PresenceRow("host-a:1:aa", "u:7", "Cy", 2, "7"),
                PresenceRow("host-b:2:bb", "u:7", "Cy", 1, "7"),
            ],
        )

        assert presence == Presence("room", (PresenceEntry("Cy", 3, "7"),))
        assert (presence.people, presence.tabs) == (1, 3)

    def test_signed_in_users_come_first_by_name_then_guests(self) -> None:
        presence = merge_presence(
            "room",
            [
                PresenceRow("a", "b:x", "guest", 1, None),
                PresenceRow("a", "u:2", "bob", 1, "2"),
                PresenceRow("b", "u:1", "Ada", 1, "1"),
            ],
        )

        assert [entry.name for entry in presence.entries] == ["Ada", "bob", "guest"]

    def test_nobody_is_an_empty_presence(self) -> None:
        presence = merge_presence("room", [])

        assert (presence.entries, presence.people, presence.tabs) == ((), 0, 0)


class TestAnnouncementsOnTheLiveChannel:
    async def test_a_presence_announcement_reaches_the_tracker_and_no_subscriber(self) -> None:
        broker = LiveBroker(MemoryBackend(), max_message_bytes=4096)
        heard: list[tuple[str, str]] = []
        woken: list[int] = []
        broker.on_presence = lambda channel, origin: heard.append((channel, origin))
        await broker.start()
        try:
            subscription = broker.subscribe(PINGS, lambda: woken.append(1))
            await broker.announce_presence("test_presence_pings")
            await broker.publish(PINGS, Ping(n=1))  # a plain message still travels as before
            await asyncio.sleep(0.05)
        finally:
            await broker.stop()

        assert heard == [("test_presence_pings", broker.origin)]
        messages, _resync = subscription.take()
        assert [message.data.n for message in messages] == [1]
        assert broker.malformed == 0

    async def test_an_envelope_of_an_unknown_kind_is_ignored_as_malformed(self) -> None:
        broker = LiveBroker(MemoryBackend(), max_message_bytes=4096)
        await broker.start()
        try:
            await broker.backend.publish('{"k": "cursor", "c": "test_presence_pings", "o": "x"}')
            await asyncio.sleep(0.05)
        finally:
            await broker.stop()

        assert broker.malformed == 1
