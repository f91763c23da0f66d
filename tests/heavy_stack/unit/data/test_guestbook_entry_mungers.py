from __future__ import annotations

from uuid import uuid4

from heavy_stack.backend.data.model_mungers.guestbook_entry_mungers import (
    GuestbookEntryModelMunger,
    GuestbookEntrySQLModelMunger,
)
from heavy_stack.backend.data.sql_models.guestbook_entry import SQLGuestbookEntry
from heavy_stack.shared_models.guestbook_entry import GuestbookEntry


class TestGuestbookEntryMungers:
    def test_the_model_munger_gives_the_shared_model_without_the_user_id(self) -> None:
        sql_guestbook_entry = SQLGuestbookEntry(author_name="Ada", user_id=uuid4(), message="Shown")

        shown = GuestbookEntryModelMunger().to_model(sql_guestbook_entry)

        assert shown == GuestbookEntry(
            id=sql_guestbook_entry.id,
            created_at=sql_guestbook_entry.created_at,
            author_name="Ada",
            message="Shown",
        )

    def test_none_stays_none(self) -> None:
        assert GuestbookEntryModelMunger().to_model(None) is None

    def test_the_sql_model_munger_is_the_identity(self) -> None:
        sql_guestbook_entry = SQLGuestbookEntry(author_name="guest", message="Raw")

        assert GuestbookEntrySQLModelMunger().to_model(sql_guestbook_entry) is sql_guestbook_entry
