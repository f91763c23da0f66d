"""SQLUser -> User (for pages) or SQLUser (for backend code)."""

from __future__ import annotations

from heavy_stack.backend.data.model_mungers.base import ModelMunger, SQLModelMunger
from heavy_stack.backend.data.sql_models.user import SQLUser
from heavy_stack.shared_models.user import User


class UserModelMunger(ModelMunger[User, SQLUser]):
    def to_model(self, sql_model: SQLUser | None) -> User | None:
        if sql_model is None:
            return None
        return User(id=sql_model.id, display_name=sql_model.display_name, created_at=sql_model.created_at)


class UserSQLModelMunger(SQLModelMunger[SQLUser]):
    pass
