from __future__ import annotations

from uuid import uuid4

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy.accounts.user_mungers import UserModelMunger
from heavy.accounts.users import ANONYMOUS_USER
from heavy.data import SQLModelMunger
from heavy_stack.backend.data.model_managers.guestbook_entry_manager import (
    GuestbookEntryManager,
    GuestbookMessageError,
)
from heavy_stack.backend.data.model_mungers.guestbook_entry_mungers import (
    GuestbookEntryModelMunger,
    GuestbookEntrySQLModelMunger,
)
from heavy_stack.backend.data.sql_models.guestbook_entry import GuestbookEntryId, SQLGuestbookEntry
from heavy_stack.shared_models.guestbook_entry import GuestbookEntry
from tests.factories import create_user


class TestGuestbookEntryManager:
    class TestSignGuestbook:
        async def test_a_guest_signs_as_guest(self, db_session: AsyncSession) -> None:
            raw = await GuestbookEntryManager(GuestbookEntrySQLModelMunger()).sign_guestbook(
                message="  Hello there  ", author=ANONYMOUS_USER
            )

            assert isinstance(raw, SQLGuestbookEntry)
            assert (raw.author_name, raw.user_id, raw.message) == ("guest", None, "Hello there")

        async def test_a_signed_in_user_signs_with_their_name_and_id(self, db_session: AsyncSession) -> None:
            sql_user = await create_user(display_name="Ada Lovelace")
            user = UserModelMunger().to_model(sql_user)
            assert user is not None

            raw = await GuestbookEntryManager(GuestbookEntrySQLModelMunger()).sign_guestbook(
                message="Hi", author=user
            )

            assert (raw.author_name, raw.user_id) == ("Ada Lovelace", sql_user.id)

        async def test_returns_what_the_munger_makes(self, db_session: AsyncSession) -> None:
            shown = await GuestbookEntryManager(GuestbookEntryModelMunger()).sign_guestbook(
                message="Shown", author=ANONYMOUS_USER
            )

            assert isinstance(shown, GuestbookEntry)
            assert shown.message == "Shown"

        @pytest.mark.parametrize(
            ("message", "error"),
            [
                ("", "Write a message first."),
                ("   \n ", "Write a message first."),
                ("x" * 281, "A message has at most 280 characters; this one has 281."),
            ],
            ids=["empty", "blank", "too long"],
        )
        async def test_an_empty_or_overlong_message_is_refused_with_what_to_fix(
            self, db_session: AsyncSession, message: str, error: str
        ) -> None:
            manager = GuestbookEntryManager(GuestbookEntryModelMunger())
            before = await manager.count_entries()

            with pytest.raises(GuestbookMessageError) as refused:
                await manager.sign_guestbook(message=message, author=ANONYMOUS_USER)

            assert str(refused.value) == error
            assert await manager.count_entries() == before

        async def test_a_message_of_exactly_the_limit_is_taken(self, db_session: AsyncSession) -> None:
            shown = await GuestbookEntryManager(GuestbookEntryModelMunger()).sign_guestbook(
                message="x" * 280, author=ANONYMOUS_USER
            )

            assert len(shown.message) == 280

    class TestReading:
        async def test_get_and_newest_entries(self, db_session: AsyncSession) -> None:
            manager = GuestbookEntryManager(GuestbookEntryModelMunger())
            first = await manager.sign_guestbook(message="first", author=ANONYMOUS_USER)
            second = await manager.sign_guestbook(message="second", author=ANONYMOUS_USER)

            newest = await manager.newest_entries(limit=2)

            assert await manager.get_guestbook_entry(GuestbookEntryId(first.id)) == first
            assert await manager.get_guestbook_entry(GuestbookEntryId(uuid4())) is None
            assert newest == [second, first]

    def test_a_munger_of_another_kind_is_refused(self) -> None:
        with pytest.raises(
            TypeError,
            match="GuestbookEntryManager takes a GuestbookEntryModelMunger or GuestbookEntrySQLModelMunger",
        ):
            GuestbookEntryManager(SQLModelMunger[SQLGuestbookEntry]())
