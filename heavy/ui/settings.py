"""The settings of the app serving this connection, in components, typed as the app's own class."""

from __future__ import annotations

from typing import TypeVar

from reactpy.core.hooks import use_connection

from heavy.config import HeavySettings

S = TypeVar("S", bound=HeavySettings)


def use_settings(settings_type: type[S]) -> S:
    """The settings the server was built with (``create_app(settings)``), as ``settings_type``:
    ``use_settings(Settings)`` in app code gives the app's own fields, typed."""
    settings = use_connection().carrier.request.app.ctx.settings
    if not isinstance(settings, settings_type):
        raise TypeError(
            f"this server's settings are a {type(settings).__name__}, not a {settings_type.__name__}: "
            "build the app with the settings class its HeavyApp names"
        )
    return settings
