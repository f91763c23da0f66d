"""Who else has the guestbook open: "3 people here: Ada, Grace and guest", or "Just you here"."""

from __future__ import annotations

from collections.abc import Sequence

from reactpy import component, html

from heavy.live import use_presence
from heavy.ui import Component
from heavy_stack.backend.live_topics import GUESTBOOK


@component
def GuestbookPresence() -> Component:
    presence = use_presence(GUESTBOOK)
    names = [
        entry.name if entry.tabs == 1 else f"{entry.name} ({entry.tabs} tabs)" for entry in presence.entries
    ]
    return html.p(
        {"id": "guestbook-presence", "class_name": "presence", "role": "status"},
        presence_line(presence.people, names),
    )


def presence_line(people: int, names: Sequence[str]) -> str:
    """The sentence for ``people`` following the page (this tab's own person included)."""
    if people <= 1:
        return "Just you here"
    return f"{people} people here: {_joined(names)}"


def _joined(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
