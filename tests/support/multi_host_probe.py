"""A probe app for the multi-host test: the demo app's registration with a small page as its root.

``HEAVY_APP=tests.support.multi_host_probe:heavy_app heavy run`` serves it. The page shows which
process serves it (``#host``), a counter kept in ``use_state`` (recovered after a move to another
host), and notes: rows of :data:`NOTES_TABLE` (the test creates it), re-read from PostgreSQL on each
message of :data:`NOTES_TOPIC`, so a note posted on one host shows in tabs on the others.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from pydantic import BaseModel
from reactpy import component, html, use_state
from sqlalchemy import text

from heavy.live import Topic, publish, use_topic
from heavy.ui import Component, HeavyContext, heavy_event, heavy_use_effect, use_server_only_state
from heavy_stack.app import heavy_app as demo_app

NOTES_TABLE = "multi_host_probe_notes"
CREATE_NOTES_TABLE = f"CREATE TABLE IF NOT EXISTS {NOTES_TABLE} (id serial PRIMARY KEY, body text NOT NULL)"


class NoteAdded(BaseModel):
    note_id: int


NOTES_TOPIC = Topic("test_multi_host_notes", NoteAdded)


@component
def ProbePage() -> Component:
    count, set_count = use_state(0)
    notes, set_notes = use_server_only_state("")  # never from a snapshot: only from the database
    live = use_topic(NOTES_TOPIC)

    async def load_notes(context: HeavyContext) -> None:
        rows = await context.db_session.execute(text(f"SELECT body FROM {NOTES_TABLE} ORDER BY id"))
        set_notes(",".join(str(body) for (body,) in rows))

    heavy_use_effect(load_notes, [live.version])

    async def post_note(context: HeavyContext, _event: Any) -> None:
        body = f"note {count} from {os.getpid()}"
        note_id = await context.db_session.scalar(
            text(f"INSERT INTO {NOTES_TABLE} (body) VALUES (:body) RETURNING id"), {"body": body}
        )
        await context.db_session.commit()
        # Through the process's broker, not live.publish: the LiveTopic this handler closes over
        # may come from the first render, before the follow effect subscribed (it refuses then).
        await publish(NOTES_TOPIC, NoteAdded(note_id=int(note_id or 0)))

    return html.main(
        html.p({"id": "host"}, str(os.getpid())),
        html.button({"id": "add", "on_click": heavy_event(lambda _event: set_count(count + 1))}, "+1"),
        html.p({"id": "count"}, str(count)),
        html.button({"id": "post", "on_click": heavy_event(post_note)}, "post"),
        html.p({"id": "notes"}, notes),
        html.p({"id": "live"}, live.refused or "following"),
    )


heavy_app = dataclasses.replace(demo_app, root=f"{__name__}:ProbePage")
