"""A page that shows who is in one room (``use_presence``), and a server of it to run in a
subprocess that tests can kill: ``python -m tests.support.presence_server ROOM_KEY --port N``.

Settings come from the environment, as for ``heavy run``; the page's room is the argument.
"""

from __future__ import annotations

import argparse
import functools

from pydantic import BaseModel
from reactpy import component, html
from sanic import Sanic

from heavy.app_factory import create_app
from heavy.config import load_settings
from heavy.live import Presence, Topic, signed_in, use_presence
from heavy.ui.types import Component


class Nothing(BaseModel):
    pass


ROOM = Topic("test_presence_room", Nothing, keyed=True)
MEMBERS_ROOM = Topic("test_presence_members", Nothing, keyed=True, can_follow=signed_in)


def presence_text(presence: Presence) -> str:
    """``2 people, 3 tabs: guestx1, guestx2`` (names sorted: guests' order is arbitrary)."""
    names = ", ".join(sorted(f"{entry.name}x{entry.tabs}" for entry in presence.entries))
    return f"{presence.people} people, {presence.tabs} tabs: {names}"


@component
def PresencePage(room_key: str) -> Component:
    room = use_presence(ROOM, room_key)
    members = use_presence(MEMBERS_ROOM, room_key)  # guests may not follow it: always empty for them
    return html.div(
        html.p({"id": "room"}, presence_text(room)),
        html.p({"id": "members"}, presence_text(members)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("room_key")
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    app = create_app(
        load_settings(), name="presence_server", root=functools.partial(PresencePage, arguments.room_key)
    )
    app.prepare(host="127.0.0.1", port=arguments.port, single_process=True, motd=False, access_log=False)
    Sanic.serve_single(app)


if __name__ == "__main__":
    main()
