"""What pages know about a guestbook entry."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class GuestbookEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID
    created_at: datetime
    author_name: str
    message: str
