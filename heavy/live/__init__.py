"""Live updates between users, for app code: publish on a topic, follow it from a component.

```python
GUESTBOOK = Topic("guestbook", GuestbookChange)      # declare once, next to the data it announces

live = use_topic(GUESTBOOK)                          # in a component: re-rendered on each message
heavy_use_effect(load_entries, [live.version])       # the data lives in PostgreSQL: re-read it
await live.publish(GuestbookChange(entry_id=...))    # from the tab: checked and rate-limited
await publish(GUESTBOOK, GuestbookChange(...))       # from an HTTP route or a background task
presence = use_presence(GUESTBOOK)                   # who else is looking: presence.entries, .people
```

Messages travel over PostgreSQL LISTEN/NOTIFY by default, or Redis pub/sub (docs/live-updates.md).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from heavy.accounts.users import AnonymousUser, User
from heavy.live.broker import LiveMessage
from heavy.live.hooks import LiveTopic, use_topic
from heavy.live.presence import Presence, PresenceEntry, use_presence
from heavy.live.service import current_broker
from heavy.live.topics import (
    LiveError,
    MessageRefusedError,
    PublishRateError,
    TabClosedError,
    Topic,
    TopicRefusedError,
    UnknownTopicError,
    anyone,
    owner_only,
    signed_in,
)

M = TypeVar("M", bound=BaseModel)


async def publish(
    topic: Topic[M],
    message: M | dict[str, Any],
    *,
    key: str | None = None,
    user: User | AnonymousUser | None = None,
) -> LiveMessage[M]:
    """Publish from server code (an HTTP route, a background task) through this process's broker.

    Pass ``user`` to check the topic's ``can_publish`` for them; without it the caller vouches.
    """
    return await current_broker().publish(topic, message, key=key, user=user)


__all__ = [
    "LiveError",
    "LiveMessage",
    "LiveTopic",
    "MessageRefusedError",
    "Presence",
    "PresenceEntry",
    "PublishRateError",
    "TabClosedError",
    "Topic",
    "TopicRefusedError",
    "UnknownTopicError",
    "anyone",
    "current_broker",
    "owner_only",
    "publish",
    "signed_in",
    "use_presence",
    "use_topic",
]
