"""All SQL about guestbook entries."""

from __future__ import annotations

from sqlmodel import col, func, select

from heavy.data import SQLRepositoryBase
from heavy_stack.backend.data.sql_models.guestbook_entry import GuestbookEntryId, SQLGuestbookEntry


class GuestbookEntryRepository(SQLRepositoryBase):
    async def create_guestbook_entry(self, guestbook_entry: SQLGuestbookEntry) -> SQLGuestbookEntry:
        """Insert ``guestbook_entry``: flushed, so defaults and constraints apply now; not committed."""
        self.session.add(guestbook_entry)
        await self.session.flush()
        return guestbook_entry

    async def get_guestbook_entry(self, guestbook_entry_id: GuestbookEntryId) -> SQLGuestbookEntry | None:
        result = await self.session.exec(
            select(SQLGuestbookEntry).where(SQLGuestbookEntry.id == guestbook_entry_id)
        )
        return result.first()

    async def newest_guestbook_entries(self, *, limit: int) -> list[SQLGuestbookEntry]:
        """The ``limit`` most recent entries, newest first (the id breaks ties, so the order is stable)."""
        result = await self.session.exec(
            select(SQLGuestbookEntry)
            .order_by(col(SQLGuestbookEntry.created_at).desc(), col(SQLGuestbookEntry.id).desc())
            .limit(limit)
        )
        return list(result.all())

    async def count_guestbook_entries(self) -> int:
        result = await self.session.exec(select(func.count()).select_from(SQLGuestbookEntry))
        return int(result.one())
