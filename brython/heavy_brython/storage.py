"""The browser's session and local storage (per tab, and per site across visits)."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import window
    from javascript import NULL  # what getItem returns for a missing key (not None, in Brython)
except ImportError:  # on the server, which imports this module for names and signatures only
    window = NULL = None


@called_from_reactpy
def set_session_storage(key: str, value: str) -> None:
    """Keep ``value`` for this tab until it closes."""
    window.sessionStorage.setItem(key, value)


@called_from_reactpy
def get_session_storage(key: str) -> str | None:
    return _text_or_none(window.sessionStorage.getItem(key))


@called_from_reactpy
def set_local_storage(key: str, value: str) -> None:
    """Keep ``value`` for this site across visits (until the user clears it)."""
    window.localStorage.setItem(key, value)


@called_from_reactpy
def get_local_storage(key: str) -> str | None:
    return _text_or_none(window.localStorage.getItem(key))


def _text_or_none(value: object) -> str | None:
    return None if value is NULL or value is None else str(value)
