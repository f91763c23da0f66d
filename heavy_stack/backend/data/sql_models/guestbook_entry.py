"""The ``guestbook_entries`` table: short messages anyone may leave, signed-in or not.

An entry keeps its author's name as it was when they signed (a later rename does not rewrite the
book) and, for a signed-in author, their user id; deleting the account keeps the entry, unsigned.
"""

from __future__ import annotations

from datetime import datetime
from typing import NewType
from uuid import UUID, uuid4

from sqlalchemy import DateTime, ForeignKey, Uuid
from sqlmodel import Field

from heavy.data import HeavyModel, utc_now

GuestbookEntryId = NewType("GuestbookEntryId", UUID)

MAX_MESSAGE_LENGTH = 280
MAX_AUTHOR_NAME_LENGTH = 100  # as long as a user's display name may be
GUEST_AUTHOR_NAME = "guest"


class SQLGuestbookEntry(HeavyModel, table=True):
    __tablename__ = "guestbook_entries"

    id: GuestbookEntryId = Field(
        default_factory=lambda: GuestbookEntryId(uuid4()), primary_key=True, sa_type=Uuid
    )
    # Indexed: the page reads the newest entries first.
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTime(timezone=True), nullable=False, index=True
    )
    author_name: str = Field(max_length=MAX_AUTHOR_NAME_LENGTH)
    user_id: UUID | None = Field(
        default=None,
        sa_type=Uuid,
        sa_column_args=[ForeignKey("users.id", ondelete="SET NULL")],
        index=True,
    )
    message: str = Field(max_length=MAX_MESSAGE_LENGTH)
