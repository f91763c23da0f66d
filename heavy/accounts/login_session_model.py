"""Login sessions and failed-login counters, for the PostgreSQL session store and login throttle.

The session id in the cookie is never stored: rows are keyed by its SHA-256, so a leaked table
(or backup) holds no usable cookies.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, Uuid
from sqlmodel import Field

from heavy.data.heavy_model import HeavyModel, timestamp_field


class SQLLoginSession(HeavyModel, table=True):
    __tablename__ = "login_sessions"

    id_hash: str = Field(
        primary_key=True, max_length=64, description="hex SHA-256 of the cookie's session id"
    )
    user_id: UUID = Field(
        sa_type=Uuid,
        sa_column_args=[ForeignKey("users.id", ondelete="CASCADE")],
        index=True,
    )
    created_at: datetime = timestamp_field()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


class SQLLoginAttempts(HeavyModel, table=True):
    """Failed logins per key (an account or a client address) within the current window."""

    __tablename__ = "login_attempts"

    key: str = Field(primary_key=True, max_length=400)
    window_started_at: datetime = Field(sa_type=DateTime(timezone=True))
    failures: int = Field(default=0)
