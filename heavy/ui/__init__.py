"""The runtime's ReactPy side, for app code: handlers and effects with a database session, the
Brython executor, the signed-in user, time zones and recoverable state.

Importing it applies the ReactPy patches first (heavy/realtime/reactpy_patches.py), so that app
code that imports ``reactpy.use_effect`` / ``reactpy.event`` gets the versions that point to the
heavy wrappers.
"""

from heavy.realtime.reactpy_patches import apply_reactpy_patches

apply_reactpy_patches()

from heavy.ui.brython_executors import BrythonExecutor, BrythonExecutorContext, BrythonExecutorProvider  # noqa: E402
from heavy.ui.current_user import LoginRequired, use_current_user  # noqa: E402
from heavy.ui.reactpy_util import heavy_event, heavy_use_context, heavy_use_effect  # noqa: E402
from heavy.ui.settings import use_settings  # noqa: E402
from heavy.ui.state import register_recoverable_type, use_server_only_state  # noqa: E402
from heavy.ui.timezones import TimezoneProvider, UserTimezone, to_user_timezone, use_user_timezone  # noqa: E402
from heavy.ui.types import Component  # noqa: E402
from heavy.web.api_requests import HeavyContext  # noqa: E402

__all__ = [
    "BrythonExecutor",
    "BrythonExecutorContext",
    "BrythonExecutorProvider",
    "Component",
    "HeavyContext",
    "LoginRequired",
    "TimezoneProvider",
    "UserTimezone",
    "heavy_event",
    "heavy_use_context",
    "heavy_use_effect",
    "register_recoverable_type",
    "to_user_timezone",
    "use_current_user",
    "use_server_only_state",
    "use_settings",
    "use_user_timezone",
]
