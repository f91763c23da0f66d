"""Heavy: the runtime of a Heavy Stack app (ReactPy on Sanic, Brython, SQLModel on PostgreSQL).

This package is upgraded, not edited: an app (``heavy_stack/`` in the template) registers itself
with a :class:`heavy.app.HeavyApp` and imports the runtime only through the public modules below.
Everything else in here is the runtime's own business and may change in any release.
"""

PUBLIC_MODULES = (
    "heavy.app",  # HeavyApp: the app's registration
    "heavy.config",  # HeavySettings: the base of the app's settings
    "heavy.errors",  # HeavyError and the errors a user can cause
    "heavy.data",  # HeavyModel, repository / munger / manager bases
    "heavy.ui",  # heavy_event, heavy_use_effect, heavy_use_context, Brython executor, time zones, state
    "heavy.accounts",  # User, AnonymousUser, safe_next_path
    "heavy.live",  # Topic, use_topic, use_presence, publish: live updates between tabs, workers and hosts
    "heavy.cli",  # main(): the heavy command, for an app's __main__
)
"""The modules app code may import from (a test holds the app to it: tests/heavy/unit/test_public_surface.py).
The runtime's functions that run in the browser are public too: the ``heavy_brython`` package."""
