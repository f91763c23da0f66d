"""Presence: who is looking at a topic (or at one key of a keyed topic) right now, in every tab, on
every worker and host.

```python
presence = use_presence(DOCUMENT, key=str(document_id))   # this tab counts while mounted
html.p(f"{presence.people} here ({presence.tabs} tabs): ", ", ".join(e.name for e in presence.entries))
```

One entry per signed-in user (their display name, and how many tabs they have on it) and one per
guest browser (named "guest"; per tab when the browser has no id cookie). The topic's
``can_follow`` applies: a user it refuses sees nobody and is not counted. How it travels:
``heavy/live/presence_tracker.py``; docs/live-updates.md#presence.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reactpy.core.hooks import use_connection, use_ref
from reactpy.utils import Ref
from sanic import Request

from heavy.accounts.users import AnonymousUser, User
from heavy.live.topics import Topic
from heavy.realtime.tab_identity import browser_id_of, tab_id_of
from heavy.ui.reactpy_util import heavy_use_effect
from heavy.ui.state import use_server_only_state
from heavy.web.api_requests import request_user

if TYPE_CHECKING:
    from heavy.live.presence_tracker import PresenceTracker

GUEST_NAME = "guest"


@dataclass(frozen=True)
class PresenceEntry:
    """One person on a channel: a signed-in user, or a guest browser."""

    name: str
    tabs: int
    user_id: str | None
    """The signed-in user's id; None for a guest."""


@dataclass(frozen=True)
class Presence:
    """Who is on one channel: signed-in users first (by name), then guests."""

    channel: str
    entries: tuple[PresenceEntry, ...]

    @property
    def people(self) -> int:
        return len(self.entries)

    @property
    def tabs(self) -> int:
        return sum(entry.tabs for entry in self.entries)


def use_presence(topic: Topic[Any], key: str | None = None) -> Presence:
    """Count this tab on ``topic`` (or its ``key``) while the component is mounted, and re-render
    whenever anyone joins or leaves it. Empty when the topic refuses this user, or presence is off."""
    request: Request = use_connection().carrier.request
    tracker: PresenceTracker | None = getattr(request.app.ctx, "presence", None)
    user = request_user(request.ctx)
    channel = topic.channel(key)
    _version, set_version = use_server_only_state(0)
    fallback_tab: Ref[str] = use_ref(secrets.token_urlsafe(16))
    allowed = bool(topic.can_follow(user, key))
    entry_key, name, user_id = _who(request, user, fallback_tab.current)
    tab = _tab_of(request)

    def join() -> Any:
        if tracker is None or not allowed:
            return None
        handle = tracker.join(
            channel,
            key=entry_key,
            name=name,
            user_id=user_id,
            tab=tab,
            wake=lambda: set_version(lambda value: value + 1),
        )
        return handle.leave

    heavy_use_effect(join, [channel, allowed, tracker is not None, entry_key, name])
    if tracker is None or not allowed:
        return Presence(channel, ())
    return tracker.presence(channel)


def _who(request: Request, user: User | AnonymousUser, fallback_tab: str) -> tuple[str, str, str | None]:
    """``(entry key, name, user id)``: guests are told apart by browser, never by a raw cookie
    (the key is a hash: it goes into a shared table)."""
    if isinstance(user, User):
        return f"u:{user.id}", user.display_name or "user", str(user.id)
    browser = browser_id_of(request)
    if browser is not None:
        return f"b:{_digest(browser)}", GUEST_NAME, None
    return f"t:{_digest(tab_id_of(request) or fallback_tab)}", GUEST_NAME, None


def _tab_of(request: Request) -> str:
    """One token per stream connection: two components of one tab count as one tab."""
    token: str | None = getattr(request.ctx, "presence_tab", None)
    if token is None:
        token = secrets.token_hex(8)
        request.ctx.presence_tab = token
    return token


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]
