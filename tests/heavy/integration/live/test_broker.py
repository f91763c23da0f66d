"""The live broker on each real backend: two brokers stand for two processes (each with its own
listening connection), messages cross between them, bad input is refused at the publisher, a slow
subscriber re-syncs alone, and a killed listening connection comes back by itself."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import asyncpg
import pytest
from pydantic import BaseModel, Field
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from heavy.accounts.users import ANONYMOUS_USER
from heavy.data.database_setup import DatabaseUrls
from heavy.live import MessageRefusedError, Topic, TopicRefusedError, signed_in
from heavy.live.backends import LiveBackend, MemoryBackend, PostgresBackend, RedisBackend
from heavy.live.broker import LiveBroker, LiveMessage, Subscription
from tests.support.external_services import require_external_redis

pytestmark = pytest.mark.slow


class Change(BaseModel):
    entry_id: int
    note: str = Field(default="", max_length=2000)


CHANGES = Topic("test_changes", Change)
MEMBERS_ONLY = Topic("test_members_only", Change, can_follow=signed_in, can_publish=signed_in)
BACKENDS = ["postgres", "redis", "memory"]
Brokers = tuple[LiveBroker, LiveBroker]  # a publishing process and a listening one


class Inbox:
    """A subscriber that records what it is woken for."""

    def __init__(self) -> None:
        self.wakes = 0
        self.arrived = asyncio.Event()

    def wake(self) -> None:
        self.wakes += 1
        self.arrived.set()

    async def next(
        self, subscription: Subscription, timeout: float = 10.0
    ) -> tuple[LiveMessage[Change], ...]:
        await asyncio.wait_for(self.arrived.wait(), timeout)
        self.arrived.clear()
        messages, _resync = subscription.take()
        return messages


@pytest.fixture(params=BACKENDS)
def make_backend(request: pytest.FixtureRequest, database_urls: DatabaseUrls) -> Callable[[], LiveBackend]:
    """A factory of backends on one shared channel, unique to the test (tests never hear each other)."""
    channel = f"test_live_{uuid4().hex[:12]}"
    if request.param == "postgres":
        return lambda: PostgresBackend(database_urls.sql, channel)
    if request.param == "redis":
        redis_url = require_external_redis()
        return lambda: RedisBackend(redis_url, channel)
    memory = MemoryBackend()
    return lambda: memory  # one process: both "brokers" share it


@pytest.fixture
async def brokers(make_backend: Callable[[], LiveBackend]) -> AsyncIterator[Brokers]:
    first_backend, second_backend = make_backend(), make_backend()
    first = LiveBroker(first_backend, max_message_bytes=4096, queue_limit=5)
    second = first if second_backend is first_backend else LiveBroker(second_backend, max_message_bytes=4096)
    await first.start()
    if second is not first:
        await second.start()
    try:
        yield first, second
    finally:
        await first.stop()
        if second is not first:
            await second.stop()


class TestDelivery:
    async def test_a_message_reaches_a_subscriber_of_another_process(self, brokers: Brokers) -> None:
        publisher, listener = brokers
        inbox = Inbox()
        subscription = listener.subscribe(CHANGES, inbox.wake)

        sent = await publisher.publish(CHANGES, Change(entry_id=7, note="hello"))
        [received] = await inbox.next(subscription)

        assert received.data == Change(entry_id=7, note="hello")
        assert (received.origin, received.sequence) == (sent.origin, sent.sequence)
        assert received.channel == "test_changes"

    async def test_a_dict_is_validated_into_the_topics_model(self, brokers: Brokers) -> None:
        publisher, listener = brokers
        inbox = Inbox()
        subscription = listener.subscribe(CHANGES, inbox.wake)

        await publisher.publish(CHANGES, {"entry_id": "8"})
        [received] = await inbox.next(subscription)

        assert received.data == Change(entry_id=8)

    async def test_an_unsubscribed_component_hears_nothing(self, brokers: Brokers) -> None:
        publisher, listener = brokers
        gone, staying = Inbox(), Inbox()
        listener.subscribe(CHANGES, gone.wake).close()
        staying_subscription = listener.subscribe(CHANGES, staying.wake)

        await publisher.publish(CHANGES, Change(entry_id=1))
        await staying.next(staying_subscription)

        assert gone.wakes == 0
        assert listener.subscriber_count == 1


class TestRefusals:
    async def test_a_message_that_does_not_fit_the_model_is_refused_at_the_publisher(
        self, brokers: Brokers
    ) -> None:
        publisher, _ = brokers
        with pytest.raises(MessageRefusedError, match="not a Change for 'test_changes': entry_id"):
            await publisher.publish(CHANGES, {"entry_id": "seven"})
        assert publisher.published == 0

    async def test_an_oversized_message_is_refused_with_the_limit(self, brokers: Brokers) -> None:
        publisher, _ = brokers
        publisher.max_message_bytes = 1024
        with pytest.raises(MessageRefusedError, match="over the limit of 1024: send what changed"):
            await publisher.publish(CHANGES, Change(entry_id=1, note="x" * 1500))

    async def test_a_guest_may_not_follow_or_publish_on_a_members_topic(self, brokers: Brokers) -> None:
        publisher, listener = brokers
        with pytest.raises(TopicRefusedError, match="a guest may not follow 'test_members_only'"):
            listener.subscribe(MEMBERS_ONLY, lambda: None, user=ANONYMOUS_USER)
        with pytest.raises(TopicRefusedError, match="a guest may not publish on 'test_members_only'"):
            await publisher.publish(MEMBERS_ONLY, Change(entry_id=1), user=ANONYMOUS_USER)

    async def test_a_malformed_payload_on_the_channel_is_ignored_and_logged_once(
        self, brokers: Brokers, caplog: pytest.LogCaptureFixture
    ) -> None:
        publisher, listener = brokers
        inbox = Inbox()
        subscription = listener.subscribe(CHANGES, inbox.wake)
        caplog.set_level(logging.WARNING, logger="heavy.live.broker")

        for garbage in (
            "not json",
            '{"c": "test_changes"}',
            '{"c": "test_changes", "o": 1, "n": 1, "d": {}}',
        ):
            await publisher.backend.publish(garbage)
        await publisher.publish(CHANGES, Change(entry_id=2))
        [received] = await inbox.next(subscription)

        assert received.data.entry_id == 2
        assert listener.malformed == 3
        processes = len({publisher, listener})  # each logs its first one
        assert len([record for record in caplog.records if "malformed" in record.getMessage()]) == processes


class TestSlowSubscribers:
    async def test_a_tab_that_falls_behind_resyncs_without_slowing_the_others(
        self, make_backend: Callable[[], LiveBackend]
    ) -> None:
        broker = LiveBroker(make_backend(), max_message_bytes=4096, queue_limit=3)
        await broker.start()
        try:
            stuck, lively = Inbox(), Inbox()
            stuck_subscription = broker.subscribe(CHANGES, stuck.wake)  # never takes its messages
            lively_subscription = broker.subscribe(CHANGES, lively.wake)
            received: list[int] = []
            for entry_id in range(10):
                await broker.publish(CHANGES, Change(entry_id=entry_id))
                received.extend(message.data.entry_id for message in await lively.next(lively_subscription))

            messages, resync = stuck_subscription.take()
        finally:
            await broker.stop()

        assert received == list(range(10))
        assert messages == ()
        assert resync is True
        assert broker.overflows == 1


class TestListeningConnectionLost:
    async def test_the_backend_reconnects_tells_tabs_to_resync_and_logs_once(
        self, make_backend: Callable[[], LiveBackend], caplog: pytest.LogCaptureFixture
    ) -> None:
        backend = make_backend()
        if isinstance(backend, MemoryBackend):
            pytest.skip("the memory backend has no connection to lose")
        caplog.set_level(logging.INFO, logger="heavy.live.backends")
        broker = LiveBroker(backend, max_message_bytes=4096)
        await broker.start()
        try:
            inbox = Inbox()
            subscription = broker.subscribe(CHANGES, inbox.wake)
            await kill_listening_connections(backend)

            await asyncio.wait_for(inbox.arrived.wait(), 20)  # the re-sync after reconnecting
            messages, resync = subscription.take()
            inbox.arrived.clear()
            await broker.publish(CHANGES, Change(entry_id=3))
            [after] = await inbox.next(subscription)
        finally:
            await broker.stop()

        assert (messages, resync) == ((), True)
        assert after.data.entry_id == 3
        lines = [record.getMessage() for record in caplog.records if record.name == "heavy.live.backends"]
        assert len([line for line in lines if "lost the listening connection" in line]) == 1
        assert len([line for line in lines if "listening again" in line]) == 1
        assert not [record for record in caplog.records if record.exc_info]


async def kill_listening_connections(backend: LiveBackend) -> None:
    """What a server restart does to the listener: its connection is closed from the server side."""
    if isinstance(backend, PostgresBackend):
        url = make_url(backend._dsn)
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            killed = await connection.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
                f"{backend.channel} listener",
            )
        finally:
            await connection.close()
        assert killed >= 1
    elif isinstance(backend, RedisBackend):
        redis = Redis.from_url(backend._url)
        try:
            clients = await redis.client_list()
            [listener] = [client for client in clients if client.get("name") == f"{backend.channel}-listener"]
            killed = await redis.client_kill_filter(_id=listener["id"])
        finally:
            await redis.aclose()
        assert killed == 1
