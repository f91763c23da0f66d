"""Every table of the app. Importing this package registers all of them, which is how pave-db,
the DEV start-up and Alembic see a table: add each new model module's import here
(``heavy add-table`` does it for you)."""

from sqlalchemy import MetaData

from heavy_stack.backend.data.sql_models.document import SQLDocument
from heavy_stack.backend.data.sql_models.heavy_model import HeavyModel, VectorHeavyModel
from heavy_stack.backend.data.sql_models.login_session import SQLLoginAttempts, SQLLoginSession
from heavy_stack.backend.data.sql_models.ui_state_snapshot import SQLUIStateSnapshot
from heavy_stack.backend.data.sql_models.user import SQLUser

__all__ = [
    "HeavyModel",
    "SQLDocument",
    "SQLLoginAttempts",
    "SQLLoginSession",
    "SQLUIStateSnapshot",
    "SQLUser",
    "VectorHeavyModel",
    "sql_metadata",
    "vector_metadata",
]


def sql_metadata() -> MetaData:
    """The tables of the SQL database (``SQL_DB_URL``)."""
    return HeavyModel.metadata


def vector_metadata() -> MetaData:
    """The tables of the vector database (``VECTOR_DB_URL``)."""
    return VectorHeavyModel.metadata
