"""The browser's time zone, which the server cannot know from the request."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import window
except ImportError:  # on the server, which imports this module for names and signatures only
    window = None


@called_from_reactpy
def get_timezone_name_and_offset() -> tuple[str, int]:
    """The IANA name of the browser's zone ("Europe/Paris") and its UTC offset now, in minutes east."""
    name = window.Intl.DateTimeFormat().resolvedOptions().timeZone
    offset_minutes = -window.Date.new().getTimezoneOffset()
    return (str(name), int(offset_minutes))
