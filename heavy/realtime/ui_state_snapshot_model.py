"""Snapshots of tabs' UI state, for the PostgreSQL state store (see ``realtime/state_store.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary
from sqlmodel import Field

from heavy.data.heavy_model import HeavyModel


class SQLUIStateSnapshot(HeavyModel, table=True):
    __tablename__ = "ui_state_snapshots"

    key: str = Field(primary_key=True, max_length=64, description="HMAC of browser, user and tab ids")
    snapshot: bytes = Field(sa_type=LargeBinary, description="HMAC-sealed payload")
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
