"""The process's live-update broker: publishes through the backend, fans what it hears out to this
process's subscriptions, in memory.

Fan-out never waits on a tab: each subscription keeps at most ``queue_limit`` undelivered
messages; past that its queue is dropped and it is marked for a re-sync (the component re-reads
what it shows), so a slow or stuck tab costs only itself. A message is parsed once per process,
whatever the number of tabs following it.

Besides messages, the channel carries presence announcements (``{"k": "presence", "c": channel,
"o": origin}``): "this process's tabs on that channel changed, re-read it". A payload without
``"k"`` is a message, as it always was.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel

from heavy.accounts.users import AnonymousUser, User
from heavy.live.backends import LiveBackend
from heavy.live.topics import LiveError, MessageRefusedError, TabClosedError, Topic, topic_named

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

DEFAULT_QUEUE_LIMIT = 64
PRESENCE_KIND = "presence"

PresenceListener = Callable[[str, str], None]
"""Called with ``(channel, origin)`` for each presence announcement heard, this process's included."""


@dataclass(frozen=True, slots=True)
class LiveMessage(Generic[M]):
    """One message as a subscriber gets it: ``data`` is the topic's model."""

    channel: str
    data: M
    origin: str
    """The process that published it (``host:pid:random``)."""
    sequence: int
    """Its number among that process's messages: ``(origin, sequence)`` identifies a message."""


class Subscription:
    """One component's interest in one channel: a bounded buffer, and a way to wake it up."""

    __slots__ = ("_broker", "_wake", "channel", "closed", "pending", "resync_needed", "topic")

    def __init__(self, broker: LiveBroker, topic: Topic[Any], channel: str, wake: Callable[[], None]) -> None:
        self._broker = broker
        self._wake = wake
        self.topic = topic
        self.channel = channel
        self.pending: deque[LiveMessage[Any]] = deque()
        self.resync_needed = False
        self.closed = False

    def push(self, message: LiveMessage[Any], limit: int) -> None:
        if self.resync_needed:
            pass  # the re-read it is due covers this message too
        elif len(self.pending) >= limit:
            self.pending.clear()  # this tab fell behind: it re-reads rather than catch up one by one
            self.resync_needed = True
            self._broker.overflows += 1
        else:
            self.pending.append(message)
        self._wake()

    def resync(self) -> None:
        self.pending.clear()
        self.resync_needed = True
        self._wake()

    def take(self) -> tuple[tuple[LiveMessage[Any], ...], bool]:
        """The messages since the last call, and whether the subscriber must re-read instead."""
        messages, resync = tuple(self.pending), self.resync_needed
        self.pending.clear()
        self.resync_needed = False
        return messages, resync

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._broker._unsubscribe(self)

    def check_open(self) -> None:
        if self.closed:
            raise TabClosedError(
                f"this tab has closed its subscription to {self.channel!r}: nothing was published"
            )


class LiveBroker:
    """One per process; ``app.ctx.live`` (and :func:`heavy.live.current_broker`) hold it."""

    def __init__(
        self,
        backend: LiveBackend,
        *,
        max_message_bytes: int,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
    ) -> None:
        self.backend = backend
        self.max_message_bytes = max_message_bytes
        self.queue_limit = queue_limit
        self.origin = f"{os.uname().nodename}:{os.getpid()}:{secrets.token_hex(3)}"
        self._sequence = itertools.count(1)
        self._subscriptions: dict[str, set[Subscription]] = {}
        self.on_presence: PresenceListener | None = None
        self.published = 0
        self.received = 0
        self.overflows = 0
        self.malformed = 0

    async def start(self) -> None:
        await self.backend.start(self._receive, self._resync_all)
        logger.info("live updates over %s", self.backend.name)

    async def stop(self) -> None:
        await self.backend.stop()

    @property
    def subscriber_count(self) -> int:
        return sum(len(subscriptions) for subscriptions in self._subscriptions.values())

    def subscribe(
        self,
        topic: Topic[Any],
        wake: Callable[[], None],
        *,
        key: str | None = None,
        user: User | AnonymousUser | None = None,
    ) -> Subscription:
        """Follow one channel of ``topic``; ``user`` is checked against the topic's ``can_follow``."""
        channel = topic.channel(key)
        if user is not None:
            topic.check_follow(user, key)
        subscription = Subscription(self, topic, channel, wake)
        self._subscriptions.setdefault(channel, set()).add(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        subscriptions = self._subscriptions.get(subscription.channel)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self._subscriptions[subscription.channel]

    async def publish(
        self,
        topic: Topic[M],
        message: M | dict[str, Any],
        *,
        key: str | None = None,
        user: User | AnonymousUser | None = None,
    ) -> LiveMessage[M]:
        """Send ``message`` to every process's followers of ``topic`` (or of its ``key``).

        ``user`` (a tab's) is checked against ``can_publish``; server code that publishes on its own
        authority (an HTTP route after its own checks, a background task) passes none. Raises
        LiveError (one line) for a refused message; ConnectionError when the backend is down.
        """
        channel = topic.channel(key)
        if user is not None:
            topic.check_publish(user, key)
        data = message if isinstance(message, topic.model) else topic.parse(message)
        sequence = next(self._sequence)
        payload = orjson.dumps(
            {"c": channel, "o": self.origin, "n": sequence, "d": data.model_dump(mode="json")}
        ).decode()
        size = len(payload.encode())
        if size > self.max_message_bytes:
            raise MessageRefusedError(
                f"a message on {channel!r} is {size} bytes, over the limit of {self.max_message_bytes}: "
                "send what changed (an id), not the data itself"
            )
        await self.backend.publish(payload)
        self.published += 1
        return LiveMessage(channel=channel, data=data, origin=self.origin, sequence=sequence)

    async def announce_presence(self, channel: str) -> None:
        """Tell every process that this one's tabs on ``channel`` changed (the entries are in the
        presence store; the announcement only says where to look)."""
        payload = orjson.dumps({"k": PRESENCE_KIND, "c": channel, "o": self.origin}).decode()
        await self.backend.publish(payload)

    def _receive(self, payload: str) -> None:
        """A payload from the backend: parse it once, hand it to this process's followers."""
        self.received += 1
        try:
            envelope = orjson.loads(payload)
            kind = envelope.get("k")
            if kind == PRESENCE_KIND:
                if self.on_presence is not None:
                    self.on_presence(str(envelope["c"]), str(envelope["o"]))
                return
            if kind is not None:
                raise ValueError(f"unknown kind {kind!r}")
            channel, origin, sequence, data = envelope["c"], envelope["o"], envelope["n"], envelope["d"]
            subscriptions = self._subscriptions.get(channel)
            if not subscriptions:
                return
            message = LiveMessage(channel, topic_named(channel).parse(data), str(origin), int(sequence))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError, LiveError) as error:
            self.malformed += 1
            if self.malformed == 1 or self.malformed % 1000 == 0:
                logger.warning("live updates: ignored %d malformed payload(s): %s", self.malformed, error)
            return
        for subscription in tuple(subscriptions):
            subscription.push(message, self.queue_limit)

    def _resync_all(self) -> None:
        """After the listening connection came back: messages may have been missed, so re-read."""
        for subscriptions in tuple(self._subscriptions.values()):
            for subscription in tuple(subscriptions):
                subscription.resync()
