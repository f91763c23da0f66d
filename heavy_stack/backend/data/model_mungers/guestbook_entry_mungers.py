"""SQLGuestbookEntry -> GuestbookEntry (for pages) or SQLGuestbookEntry (for backend code)."""

from __future__ import annotations

from heavy.data import ModelMunger, SQLModelMunger
from heavy_stack.backend.data.sql_models.guestbook_entry import SQLGuestbookEntry
from heavy_stack.shared_models.guestbook_entry import GuestbookEntry


class GuestbookEntryModelMunger(ModelMunger[GuestbookEntry, SQLGuestbookEntry]):
    def to_model(self, sql_model: SQLGuestbookEntry | None) -> GuestbookEntry | None:
        if sql_model is None:
            return None
        return GuestbookEntry(
            id=sql_model.id,
            created_at=sql_model.created_at,
            author_name=sql_model.author_name,
            message=sql_model.message,
        )


class GuestbookEntrySQLModelMunger(SQLModelMunger[SQLGuestbookEntry]):
    pass
