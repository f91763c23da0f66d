"""Every table the process knows: the runtime's own (accounts, saved UI state) and the app's.

pave-db, the DEV start-up and Alembic ask for the metadata here; it imports the runtime's table
modules and the app's models module (``HeavyApp.models``) first, so that each table is registered
whichever module happened to be imported before.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from heavy.app import current_app
from heavy.data.heavy_model import HeavyModel, VectorHeavyModel

RUNTIME_TABLE_MODULES = (
    "heavy.accounts.user_model",
    "heavy.accounts.login_session_model",
    "heavy.realtime.ui_state_snapshot_model",
    "heavy.live.presence_model",
)


def register_all_tables() -> None:
    """Import every module that defines a table (cheap after the first call: modules are cached)."""
    for module in RUNTIME_TABLE_MODULES:
        importlib.import_module(module)
    current_app().load_models()


def sql_metadata() -> MetaData:
    """The tables of the SQL database (``SQL_DB_URL``)."""
    register_all_tables()
    return HeavyModel.metadata


def vector_metadata() -> MetaData:
    """The tables of the vector database (``VECTOR_DB_URL``)."""
    register_all_tables()
    return VectorHeavyModel.metadata
