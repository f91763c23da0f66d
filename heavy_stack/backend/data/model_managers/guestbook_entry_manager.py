"""The guestbook: sign it (as a signed-in user or a guest), read the newest entries."""

from __future__ import annotations

from typing import TypeVar

from heavy.accounts import AnonymousUser, User
from heavy.data import BaseManager, ModelMunger
from heavy_stack.backend.data.model_mungers.guestbook_entry_mungers import (
    GuestbookEntryModelMunger,
    GuestbookEntrySQLModelMunger,
)
from heavy_stack.backend.data.repositories.guestbook_entry_repository import GuestbookEntryRepository
from heavy_stack.backend.data.sql_models.guestbook_entry import (
    GUEST_AUTHOR_NAME,
    MAX_AUTHOR_NAME_LENGTH,
    MAX_MESSAGE_LENGTH,
    GuestbookEntryId,
    SQLGuestbookEntry,
)

T = TypeVar("T")

NEWEST_ENTRIES_SHOWN = 50


class GuestbookMessageError(ValueError):
    """A message the guestbook does not take; the text is for the person who wrote it."""


class GuestbookEntryManager(BaseManager[T, SQLGuestbookEntry]):
    possible_mungers = (GuestbookEntryModelMunger, GuestbookEntrySQLModelMunger)

    def __init__(
        self, munger: ModelMunger[T, SQLGuestbookEntry], repository: GuestbookEntryRepository | None = None
    ) -> None:
        super().__init__(munger)
        self.repository = repository or GuestbookEntryRepository()

    async def sign_guestbook(self, *, message: str, author: User | AnonymousUser) -> T:
        """Add ``author``'s entry (flushed, not committed: the caller commits, then announces it).

        Raises GuestbookMessageError for an empty or overlong message.
        """
        entry = SQLGuestbookEntry(
            author_name=author_name(author),
            user_id=author.id if isinstance(author, User) else None,
            message=clean_message(message),
        )
        created = self.munger.to_model(await self.repository.create_guestbook_entry(entry))
        assert created is not None
        return created

    async def get_guestbook_entry(self, guestbook_entry_id: GuestbookEntryId) -> T | None:
        return self.munger.to_model(await self.repository.get_guestbook_entry(guestbook_entry_id))

    async def newest_entries(self, *, limit: int = NEWEST_ENTRIES_SHOWN) -> list[T]:
        """The newest entries first, at most ``limit`` of them."""
        return self.munger.to_models(await self.repository.newest_guestbook_entries(limit=limit))

    async def count_entries(self) -> int:
        return await self.repository.count_guestbook_entries()


def clean_message(message: str) -> str:
    """``message`` with its outer whitespace stripped, or GuestbookMessageError saying what to fix."""
    cleaned = message.strip()
    if not cleaned:
        raise GuestbookMessageError("Write a message first.")
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise GuestbookMessageError(
            f"A message has at most {MAX_MESSAGE_LENGTH} characters; this one has {len(cleaned)}."
        )
    return cleaned


def author_name(author: User | AnonymousUser) -> str:
    """The name an entry is signed with: a signed-in user's display name, else "guest"."""
    if isinstance(author, User):
        name = " ".join(author.display_name.split())[:MAX_AUTHOR_NAME_LENGTH]
        return name or GUEST_AUTHOR_NAME
    return GUEST_AUTHOR_NAME
