"""Who is on which live channel, per process, for the PostgreSQL presence store
(``heavy/live/presence_store.py``).

Each process owns its rows (``origin``) and pushes ``expires_at`` forward on every heartbeat; the
rows of a process that died simply expire: readers skip them and the sweeper deletes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from heavy.data.heavy_model import HeavyModel


class SQLLivePresence(HeavyModel, table=True):
    __tablename__ = "live_presence"

    channel: str = Field(primary_key=True, max_length=200, description="topic name, or name:key")
    origin: str = Field(
        primary_key=True, max_length=200, index=True, description="the process (host:pid:random)"
    )
    entry_key: str = Field(primary_key=True, max_length=80, description="u:<user id>, or a guest's hashed id")
    name: str = Field(max_length=200, description="what other tabs show: a display name, or 'guest'")
    user_id: str | None = Field(default=None, max_length=64)
    tabs: int = Field(description="this process's tabs of that user (or guest) on the channel")
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
