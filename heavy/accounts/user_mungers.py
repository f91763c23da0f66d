"""SQLUser -> User (for pages) or SQLUser (for backend code)."""

from __future__ import annotations

from heavy.accounts.user_model import SQLUser
from heavy.accounts.users import User
from heavy.data.munger_base import ModelMunger, SQLModelMunger


class UserModelMunger(ModelMunger[User, SQLUser]):
    def to_model(self, sql_model: SQLUser | None) -> User | None:
        if sql_model is None:
            return None
        return User(id=sql_model.id, display_name=sql_model.display_name, created_at=sql_model.created_at)


class UserSQLModelMunger(SQLModelMunger[SQLUser]):
    pass
