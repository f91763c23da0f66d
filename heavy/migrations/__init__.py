"""Migrations: Alembic wired to the settings, for both databases.

The SQL database and the vector database each have their own Alembic history
(``alembic/versions/sql``, ``alembic/versions/vector``) and version table, run through one
``alembic/env.py``. ``heavy migrate up | create | test`` (``cli/migrate.py``) drive them.

Nothing here is imported when the app starts: only the ``heavy migrate`` commands import Alembic.
"""
