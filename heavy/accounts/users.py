"""What pages know about a user: identity and display data, never key material or secrets."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class User(BaseModel):
    """A signed-in user, as the frontend sees them."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    display_name: str
    created_at: datetime
    is_authenticated: Literal[True] = True

    @property
    def greeting_name(self) -> str:
        return self.display_name or "there"


class AnonymousUser(BaseModel):
    """A visitor who has not signed in."""

    model_config = ConfigDict(frozen=True)

    display_name: str = "Guest"
    is_authenticated: Literal[False] = False

    @property
    def greeting_name(self) -> str:
        return "guest"


ANONYMOUS_USER = AnonymousUser()
