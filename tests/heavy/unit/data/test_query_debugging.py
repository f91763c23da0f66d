from __future__ import annotations

import uuid

from sqlmodel import select

from heavy.accounts.user_model import SQLUser
from heavy.data.query_debugging import get_filled_in_query


def test_parameters_are_filled_in() -> None:
    user_id = uuid.UUID("12345678-1234-5678-1234-567812345678")

    sql = get_filled_in_query(select(SQLUser).where(SQLUser.id == user_id, SQLUser.display_name == "Ada"))

    assert "users.id = '12345678-1234-5678-1234-567812345678'" in sql
    assert "users.display_name = 'Ada'" in sql
