"""The guestbook's pieces without a server: the list of entries and the presence sentence."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from heavy.realtime.stream_client import text_content, walk
from heavy_stack.frontend.components.guestbook_presence import presence_line
from heavy_stack.frontend.pages.guestbook_page import GuestbookEntries
from heavy_stack.shared_models.guestbook_entry import GuestbookEntry
from tests.support.layout import vdom

PARIS = ZoneInfo("Europe/Paris")


def entry(message: str, author: str = "guest", hour: int = 12) -> GuestbookEntry:
    return GuestbookEntry(
        id=uuid.uuid4(),
        created_at=datetime(2026, 12, 4, hour, 30, tzinfo=UTC),
        author_name=author,
        message=message,
    )


def by_id(model: dict[str, Any], element_id: str) -> dict[str, Any]:
    return next(node for node in walk(model) if node.get("attributes", {}).get("id") == element_id)


class TestGuestbookEntries:
    def test_lists_each_entry_with_its_author_and_time_in_the_readers_zone(self) -> None:
        entries = (entry("newer", "Ada Lovelace", hour=13), entry("older"))

        shown = vdom(GuestbookEntries(entries, total=2, loaded=True, zone=PARIS))

        items = by_id(shown, "guestbook-entries")["children"]
        assert [text_content(item) for item in items] == [
            "newerAda Lovelace · 04 Dec 2026, 14:30",
            "olderguest · 04 Dec 2026, 13:30",
        ]
        assert items[0]["key"] == str(entries[0].id)
        times = [node for node in walk(shown) if node.get("tagName") == "time"]
        assert times[0]["attributes"]["datetime"] == "2026-12-04T14:30:00+01:00"
        assert text_content(by_id(shown, "guestbook-count")) == "2 entries."

    def test_says_how_many_are_left_out_past_the_limit(self) -> None:
        shown = vdom(GuestbookEntries((entry("only"),), total=73, loaded=True, zone=PARIS))

        assert text_content(by_id(shown, "guestbook-count")) == "The 1 newest of 73 entries."

    def test_an_empty_book_invites_the_first_entry(self) -> None:
        shown = vdom(GuestbookEntries((), total=0, loaded=True, zone=PARIS))

        assert text_content(shown) == "Nobody has signed yet: be the first."

    def test_says_loading_until_the_first_read(self) -> None:
        assert text_content(vdom(GuestbookEntries((), total=0, loaded=False, zone=PARIS))) == "Loading…"


class TestPresenceLine:
    def test_alone_it_says_just_you(self) -> None:
        assert presence_line(1, ["Ada"]) == "Just you here"
        assert presence_line(0, []) == "Just you here"

    def test_with_others_it_counts_and_names_everyone(self) -> None:
        assert presence_line(2, ["Ada", "guest"]) == "2 people here: Ada and guest"
        assert (
            presence_line(3, ["Ada", "Grace (2 tabs)", "guest"])
            == "3 people here: Ada, Grace (2 tabs) and guest"
        )
