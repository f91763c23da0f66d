"""Topics: what a live message is about, who may follow it and who may publish on it.

A :class:`Topic` is declared once, at import time, by the module that owns the data it announces::

    GUESTBOOK = Topic("guestbook", GuestbookChange)                  # anyone may follow and publish
    NOTES = Topic("notes", NoteChange, keyed=True, can_follow=owner_only, can_publish=owner_only)

A keyed topic is a family (``notes:<user id>``): each key is its own stream of messages, and its
checks get the key. Messages are instances of the topic's pydantic model; they travel as JSON.
Publishing to, or following, a name no module declared is refused: a typo must not be a silent,
empty channel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from heavy.accounts.users import AnonymousUser, User
from heavy.errors import HeavyError

M = TypeVar("M", bound=BaseModel)

TOPIC_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
TOPIC_KEY = re.compile(r"[A-Za-z0-9_.@-]{1,128}")

Check = Callable[[User | AnonymousUser, str | None], bool]
"""``check(user, key)``: whether ``user`` may follow (or publish on) the topic, or that key of it."""


def anyone(_user: User | AnonymousUser, _key: str | None) -> bool:
    return True


def signed_in(user: User | AnonymousUser, _key: str | None) -> bool:
    return user.is_authenticated


def owner_only(user: User | AnonymousUser, key: str | None) -> bool:
    """For topics keyed by a user id: only that user."""
    return isinstance(user, User) and key == str(user.id)


class LiveError(HeavyError):
    """A publish or a subscription that cannot go ahead; the message says why, in one line."""


class UnknownTopicError(LiveError):
    pass


class TopicRefusedError(LiveError):
    """The user may not follow, or publish on, this topic."""


class MessageRefusedError(LiveError):
    """The message does not fit the topic's model, or is over the size limit."""


class PublishRateError(LiveError):
    """One tab published faster than its limit allows."""


class TabClosedError(LiveError):
    """The tab behind this subscription is gone: nothing was published."""


_TOPICS: dict[str, Topic[Any]] = {}


@dataclass(frozen=True, eq=False)
class Topic(Generic[M]):
    """A declared stream of messages of one pydantic model."""

    name: str
    model: type[M]
    keyed: bool = False
    can_follow: Check = anyone
    can_publish: Check = anyone
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not TOPIC_NAME.fullmatch(self.name):
            raise ValueError(
                f"invalid topic name {self.name!r}: lower case letters, digits, '_', '.', '-', "
                "starting with a letter, at most 64 characters"
            )
        declared = _TOPICS.get(self.name)
        if declared is not None and declared.model is not self.model:
            raise ValueError(f"topic {self.name!r} is declared twice, with {declared.model} and {self.model}")
        _TOPICS[self.name] = self

    def channel(self, key: str | None = None) -> str:
        """The name one stream of this topic travels under: ``guestbook`` or ``notes:<key>``."""
        if self.keyed:
            if key is None or not TOPIC_KEY.fullmatch(key):
                raise LiveError(
                    f"topic {self.name!r} needs a key of 1-128 letters, digits or _.@- (got {key!r})"
                )
            return f"{self.name}:{key}"
        if key is not None:
            raise LiveError(f"topic {self.name!r} takes no key (got {key!r})")
        return self.name

    def check_follow(self, user: User | AnonymousUser, key: str | None) -> None:
        if not self.can_follow(user, key):
            raise TopicRefusedError(f"{_who(user)} may not follow {self.channel(key)!r}")

    def check_publish(self, user: User | AnonymousUser, key: str | None) -> None:
        if not self.can_publish(user, key):
            raise TopicRefusedError(f"{_who(user)} may not publish on {self.channel(key)!r}")

    def parse(self, data: Any) -> M:
        """A message of this topic from JSON data (a dict), or MessageRefusedError."""
        try:
            return self.model.model_validate(data)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "message"
            raise MessageRefusedError(
                f"not a {self.model.__name__} for {self.name!r}: {where}: {first['msg']}"
            ) from None


def topic_named(name: str) -> Topic[Any]:
    """The declared topic of a channel name (``notes:42`` -> the ``notes`` topic)."""
    topic = _TOPICS.get(name.partition(":")[0])
    if topic is None:
        known = ", ".join(sorted(_TOPICS)) or "none yet"
        raise UnknownTopicError(f"no topic {name!r} is declared (declared: {known})")
    return topic


def _who(user: User | AnonymousUser) -> str:
    return f"user {user.id}" if isinstance(user, User) else "a guest"
