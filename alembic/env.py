"""Alembic's entry point. The work is done in ``heavy/migrations/environment.py`` (typed and
tested there); the ini section (``-n sql`` or ``-n vector``) picks the database."""

from heavy.migrations.environment import run_migrations

run_migrations()
