"""The browser's session and local storage (per tab, and per site across visits)."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import window
except ImportError:  # on the server, which imports this module for names and signatures only
    window = None


@called_from_reactpy
def set_session_storage(key: str, value: str) -> None:
    """Keep ``value`` for this tab until it closes."""
    window.sessionStorage.setItem(key, value)


@called_from_reactpy
def get_session_storage(key: str) -> str | None:
    value = window.sessionStorage.getItem(key)
    return None if value is None else str(value)


@called_from_reactpy
def set_local_storage(key: str, value: str) -> None:
    """Keep ``value`` for this site across visits (until the user clears it)."""
    window.localStorage.setItem(key, value)


@called_from_reactpy
def get_local_storage(key: str) -> str | None:
    value = window.localStorage.getItem(key)
    return None if value is None else str(value)
