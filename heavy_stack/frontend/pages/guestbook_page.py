"""The guestbook: anyone signs it, and every tab that has it open shows the new entry at once.

The live-updates pattern to copy (docs/live-updates.md): the entries live in PostgreSQL; the
handler that adds one commits it, then publishes only its id on ``GUESTBOOK``; every tab following
the topic re-reads the newest entries whenever ``live.version`` changes. A re-read covers messages
a tab missed as well (a re-sync bumps the version too), and a reload reads the same table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from reactpy import component, html, use_state
from reactpy.core.types import VdomDict

from heavy.live import LiveError, LiveTopic, PublishRateError, TabClosedError, use_topic
from heavy.ui import (
    Component,
    HeavyContext,
    heavy_use_effect,
    use_server_only_state,
    use_user_timezone,
)
from heavy_stack.backend.data.model_managers.guestbook_entry_manager import (
    NEWEST_ENTRIES_SHOWN,
    GuestbookEntryManager,
    GuestbookMessageError,
)
from heavy_stack.backend.data.model_mungers.guestbook_entry_mungers import GuestbookEntryModelMunger
from heavy_stack.backend.data.sql_models.guestbook_entry import MAX_MESSAGE_LENGTH
from heavy_stack.backend.live_topics import GUESTBOOK, GuestbookChange
from heavy_stack.frontend.components.forms import Form, get_input_by_id
from heavy_stack.frontend.components.guestbook_presence import GuestbookPresence
from heavy_stack.frontend.components.inputs import Button, LineInput
from heavy_stack.frontend.components.layout import Section
from heavy_stack.frontend.components.text import PageTitle, paragraph
from heavy_stack.shared_models.guestbook_entry import GuestbookEntry

logger = logging.getLogger(__name__)

SIGNED = "Signed: everyone with this page open sees it now."
SIGNED_TOO_FAST = (
    "Signed, but you are posting faster than live updates allow: "
    "other tabs show it with the next entry, or when they reload."
)


def guestbook_manager() -> GuestbookEntryManager[GuestbookEntry]:
    return GuestbookEntryManager(GuestbookEntryModelMunger())


@component
def GuestbookPage() -> Component:
    live = use_topic(GUESTBOOK)
    zone = use_user_timezone().zone
    # Entries are PostgreSQL's data, re-read on every mount: never worth a place in a state snapshot.
    no_entries: tuple[GuestbookEntry, ...] = ()
    entries, set_entries = use_server_only_state(no_entries)
    total, set_total = use_server_only_state(0)
    loaded, set_loaded = use_server_only_state(False)
    signed, set_signed = use_server_only_state(0)

    async def load_entries(context: HeavyContext) -> None:
        manager = guestbook_manager()
        newest = tuple(await manager.newest_entries(limit=NEWEST_ENTRIES_SHOWN))
        count = await manager.count_entries()
        set_entries(newest)  # all three at once: no render shows a list with another list's count
        set_total(count)
        set_loaded(True)

    # Every message (and every re-sync after missed ones) bumps live.version: re-read, don't patch.
    # ``signed`` re-reads after this tab's own entry even when announcing it failed.
    heavy_use_effect(load_entries, [live.version, signed])

    return html.div(
        {"class_name": "page"},
        PageTitle(
            "Guestbook",
            "Leave a message. Everyone who has this page open sees it at once, on any worker or host.",
        ),
        html.div(
            {"class_name": "page-grid"},
            SignGuestbookSection(live=live, on_signed=lambda: set_signed(lambda count: count + 1)),
            Section(
                GuestbookEntries(entries, total=total, loaded=loaded, zone=zone),
                title="Latest messages",
                id="guestbook-entries-section",
                class_name="span-all",
            ),
        ),
    )


@component
def SignGuestbookSection(live: LiveTopic[GuestbookChange], on_signed: Callable[[], None]) -> Component:
    """The form: write the entry, commit it, then announce it on the topic."""
    draft, set_draft = use_state("")
    error, set_error = use_state("")
    status, set_status = use_state("")

    async def sign(context: HeavyContext, event: dict[str, Any]) -> None:
        # The submitted value, not ``draft``: the last keystrokes may still be on their way.
        message = str(get_input_by_id(event, "guestbook-message").get("value") or "")
        try:
            entry = await guestbook_manager().sign_guestbook(message=message, author=context.user)
        except GuestbookMessageError as refused:
            set_error(str(refused))
            set_status("")
            return
        await context.db_session.commit()  # before publishing: a tab that hears it must find the row
        set_draft("")
        set_error("")
        on_signed()
        set_status(await announce(live, entry))

    return Section(
        paragraph("Signed in, your entry carries your name; otherwise it is signed “guest”."),
        GuestbookPresence(),
        Form(
            LineInput(
                id="guestbook-message",
                label="Your message",
                value=draft,
                on_change=lambda event: set_draft(event["target"]["value"]),
                hint=f"Up to {MAX_MESSAGE_LENGTH} characters.",
                error=error or None,
            ),
            Button("Sign the guestbook", submit=True, id="guestbook-submit"),
            on_submit=sign,
            id="guestbook-form",
            label="Sign the guestbook",
        ),
        html.p({"id": "guestbook-status", "class_name": "muted", "role": "status"}, status),
        title="Sign the guestbook",
        id="guestbook-sign",
        class_name="span-all",
    )


async def announce(live: LiveTopic[GuestbookChange], entry: GuestbookEntry) -> str:
    """Publish the new entry's id to every open guestbook; returns what to tell the author.

    The entry is committed whatever happens here: a failed announcement only means other tabs
    show it later (with the next entry, after a re-sync, or on reload).
    """
    try:
        await live.publish(GuestbookChange(entry_id=entry.id))
    except PublishRateError:
        return SIGNED_TOO_FAST
    except TabClosedError:
        return SIGNED  # the tab is gone: nobody reads this
    except LiveError as error:  # live updates off, or a refusal: the runtime's one line says which
        return f"Signed, but other tabs were not told ({error}): they show it when they reload."
    except ConnectionError as error:
        logger.warning("guestbook entry %s saved but not announced: %s", entry.id, error)
        return "Signed, but live updates are down for a moment: others see it when they reload."
    return SIGNED


def GuestbookEntries(
    entries: tuple[GuestbookEntry, ...], *, total: int, loaded: bool, zone: tzinfo
) -> VdomDict:
    """The newest entries first, each with its author and when it was written (in the reader's zone)."""
    if not loaded:
        return html.p({"id": "guestbook-count", "class_name": "muted"}, "Loading…")
    if not entries:
        return html.p(
            {"id": "guestbook-count", "class_name": "muted"}, "Nobody has signed yet: be the first."
        )
    shown = f"The {len(entries)} newest of {total} entries." if total > len(entries) else _entry_count(total)
    return html.div(
        html.p({"id": "guestbook-count", "class_name": "muted"}, shown),
        html.ol(
            {"id": "guestbook-entries", "class_name": "guestbook-entries", "aria_label": "Guestbook entries"},
            [_entry(entry, zone) for entry in entries],
        ),
    )


def _entry(entry: GuestbookEntry, zone: tzinfo) -> VdomDict:
    written = entry.created_at.astimezone(zone)
    return html.li(
        {"key": str(entry.id), "class_name": "guestbook-entry"},
        html.p({"class_name": "guestbook-message"}, entry.message),
        html.p(
            {"class_name": "guestbook-meta"},
            html.span({"class_name": "guestbook-author"}, entry.author_name),
            " · ",
            html.time({"datetime": written.isoformat(timespec="seconds")}, f"{written:%d %b %Y, %H:%M}"),
        ),
    )


def _entry_count(total: int) -> str:
    return "1 entry." if total == 1 else f"{total} entries."
