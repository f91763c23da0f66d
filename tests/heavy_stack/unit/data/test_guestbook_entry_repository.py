from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from sqlmodel.ext.asyncio.session import AsyncSession

from heavy_stack.backend.data.repositories.guestbook_entry_repository import GuestbookEntryRepository
from heavy_stack.backend.data.sql_models.guestbook_entry import GuestbookEntryId, SQLGuestbookEntry
from tests.factories import create_user

FAR_FUTURE = datetime(2999, 1, 1, tzinfo=UTC)
"""Entries dated after anything else in the shared test database, so the newest are these."""


def entry(message: str, *, minutes_after: int = 0) -> SQLGuestbookEntry:
    return SQLGuestbookEntry(
        author_name="guest", message=message, created_at=FAR_FUTURE + timedelta(minutes=minutes_after)
    )


class TestGuestbookEntryRepository:
    class TestCreateGuestbookEntry:
        async def test_inserts_a_row_with_a_timestamp(self, db_session: AsyncSession) -> None:
            created = await GuestbookEntryRepository().create_guestbook_entry(
                SQLGuestbookEntry(author_name="guest", message="First")
            )

            stored = await db_session.get(SQLGuestbookEntry, created.id)
            assert stored is not None
            assert (stored.author_name, stored.user_id, stored.message) == ("guest", None, "First")
            assert stored.created_at.tzinfo is not None

        async def test_keeps_a_signed_in_authors_user_id(self, db_session: AsyncSession) -> None:
            user = await create_user(display_name="Ada")

            created = await GuestbookEntryRepository().create_guestbook_entry(
                SQLGuestbookEntry(author_name="Ada", user_id=user.id, message="Hello")
            )

            stored = await db_session.get(SQLGuestbookEntry, created.id)
            assert stored is not None
            assert stored.user_id == user.id

        async def test_deleting_the_author_keeps_the_entry_unsigned(self, db_session: AsyncSession) -> None:
            user = await create_user(display_name="Leaving")
            created = await GuestbookEntryRepository().create_guestbook_entry(
                SQLGuestbookEntry(author_name="Leaving", user_id=user.id, message="Bye")
            )

            await db_session.delete(user)
            await db_session.flush()
            await db_session.refresh(created)

            assert (created.author_name, created.user_id) == ("Leaving", None)

    class TestGetGuestbookEntry:
        async def test_finds_an_entry_by_id(self, db_session: AsyncSession) -> None:
            created = await GuestbookEntryRepository().create_guestbook_entry(entry("Found"))

            found = await GuestbookEntryRepository().get_guestbook_entry(created.id)

            assert found is not None
            assert found.message == "Found"

        async def test_returns_none_for_an_unknown_id(self, db_session: AsyncSession) -> None:
            assert await GuestbookEntryRepository().get_guestbook_entry(GuestbookEntryId(uuid4())) is None

    class TestNewestGuestbookEntries:
        async def test_lists_the_newest_first_up_to_the_limit(self, db_session: AsyncSession) -> None:
            repository = GuestbookEntryRepository()
            for minutes, message in ((1, "oldest"), (3, "newest"), (2, "middle")):
                await repository.create_guestbook_entry(entry(message, minutes_after=minutes))

            newest = await repository.newest_guestbook_entries(limit=2)

            assert [row.message for row in newest] == ["newest", "middle"]

    class TestCountGuestbookEntries:
        async def test_counts_every_entry(self, db_session: AsyncSession) -> None:
            repository = GuestbookEntryRepository()
            before = await repository.count_guestbook_entries()

            await repository.create_guestbook_entry(entry("one"))
            await repository.create_guestbook_entry(entry("two"))

            assert await repository.count_guestbook_entries() == before + 2
