"""The app's live topics: what each announces, and who may follow and publish on it.

Messages say what changed, never the data itself: the data lives in PostgreSQL, and a tab that
hears a message (or missed some) re-reads it there (docs/live-updates.md).
"""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict

from heavy.live import Topic


class GuestbookChange(BaseModel):
    """Someone signed the guestbook: the new entry's id."""

    model_config = ConfigDict(frozen=True)

    entry_id: UUID


GUESTBOOK = Topic("guestbook", GuestbookChange, description="a new guestbook entry")
"""Anyone may follow it and publish on it, as anyone may sign the guestbook."""
