"""``use_topic``: a component that follows a topic, re-rendered on each of its messages.

```python
live = use_topic(GUESTBOOK)                       # follows while mounted; stops on unmount or close
heavy_use_effect(load_entries, [live.version])    # re-read on every message and every re-sync
...
await live.publish(GuestbookChange(entry_id=...))  # in a handler: checked, rate-limited per tab
```

The subscription lives in this process's broker (one listening connection per process, never one
per tab) and ends when the component unmounts, which includes the tab closing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from reactpy.core.hooks import use_connection, use_ref
from reactpy.utils import Ref

from heavy.accounts.users import AnonymousUser, User
from heavy.live.broker import LiveBroker, LiveMessage, Subscription
from heavy.live.topics import LiveError, PublishRateError, TabClosedError, Topic, TopicRefusedError
from heavy.realtime.token_bucket import TokenBucket
from heavy.ui.reactpy_util import heavy_use_effect
from heavy.ui.state import use_server_only_state
from heavy.web.api_requests import request_user

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LiveTopic(Generic[M]):
    """What ``use_topic`` gives a component on each render."""

    channel: str
    version: int
    """Changes with every message and every re-sync: a dependency for the effect that re-reads."""
    messages: tuple[LiveMessage[M], ...]
    """The messages since the previous render, oldest first (empty after a re-sync)."""
    resync: bool
    """Messages may have been missed (a slow tab, a lost connection): re-read, don't patch."""
    refused: str | None
    """Why this user may not follow the topic (then nothing is followed)."""
    _topic: Topic[M] = field(repr=False)
    _key: str | None = field(repr=False)
    _user: User | AnonymousUser = field(repr=False)
    _broker: LiveBroker | None = field(repr=False)
    _subscription: Ref[Subscription | None] = field(repr=False)
    """Read when publishing, not when rendering: a handler made in the first render (before the
    effect subscribed) still sees the subscription, and one still running after unmount sees it closed."""
    _limiter: TokenBucket | None = field(repr=False)

    async def publish(self, message: M | dict[str, Any]) -> LiveMessage[M]:
        """Publish as this tab's user: checked against ``can_publish`` and the per-tab rate limit."""
        if self._broker is None:
            raise LiveError("live updates are off in this server (no broker started)")
        if self.refused is not None:
            raise TopicRefusedError(self.refused)
        subscription = self._subscription.current
        if subscription is not None and subscription.closed:
            raise TabClosedError(f"this tab no longer follows {self.channel!r}: nothing was published")
        if self._limiter is not None and not self._limiter.take():
            raise PublishRateError(
                f"too many messages from this tab on {self.channel!r}: "
                f"at most {self._limiter.rate:g} a second (bursts of {self._limiter.burst})"
            )
        return await self._broker.publish(self._topic, message, key=self._key, user=self._user)


def use_topic(topic: Topic[M], key: str | None = None) -> LiveTopic[M]:
    """Follow ``topic`` (or one ``key`` of a keyed topic) while this component is mounted."""
    request = use_connection().carrier.request
    broker: LiveBroker | None = getattr(request.app.ctx, "live", None)
    user = request_user(request.ctx)
    channel = topic.channel(key)
    version, set_version = use_server_only_state(0)
    subscription_ref: Ref[Subscription | None] = use_ref(None)

    refused: str | None = None
    try:
        topic.check_follow(user, key)
    except LiveError as error:
        refused = str(error)

    def follow() -> Any:
        if broker is None or refused is not None:
            return None
        subscription = broker.subscribe(
            topic, lambda: set_version(lambda value: value + 1), key=key, user=user
        )
        subscription_ref.current = subscription
        return subscription.close

    heavy_use_effect(follow, [channel, refused is None, broker is not None])

    subscription: Subscription | None = subscription_ref.current
    messages: tuple[LiveMessage[Any], ...] = ()
    resync = False
    if subscription is not None and not subscription.closed:
        messages, resync = subscription.take()
    return LiveTopic(
        channel=channel,
        version=version,
        messages=messages,
        resync=resync,
        refused=refused,
        _topic=topic,
        _key=key,
        _user=user,
        _broker=broker,
        _subscription=subscription_ref,
        _limiter=_tab_limiter(request, broker),
    )


def _tab_limiter(request: Any, broker: LiveBroker | None) -> TokenBucket | None:
    """One publish limit per tab (per stream connection), shared by all its topics."""
    if broker is None:
        return None
    limiter: TokenBucket | None = getattr(request.ctx, "live_publish_limit", None)
    if limiter is None:
        settings = request.app.ctx.settings
        limiter = TokenBucket(settings.live_publish_per_second, settings.live_publish_burst)
        request.ctx.live_publish_limit = limiter
    return limiter
