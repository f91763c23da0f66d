"""Cookies set from the page (for values the page itself needs; the server sets its own cookies)."""

from __future__ import annotations

from reactpy_bridge import called_from_reactpy

try:
    from browser import document, window
except ImportError:  # on the server, which imports this module for names and signatures only
    document = window = None


@called_from_reactpy
def set_session_cookie(name: str, value: str) -> None:
    """Set a cookie that lasts until the browser closes: whole site, same-site only, HTTPS-only
    when the page is served over HTTPS. Name and value are URI-encoded."""
    secure = "; Secure" if window.location.protocol == "https:" else ""
    encode = window.encodeURIComponent
    document.cookie = f"{encode(name)}={encode(value)}; Path=/; SameSite=Strict{secure}"


@called_from_reactpy
def get_cookie(name: str) -> str | None:
    """The value of the cookie ``name`` visible to the page (not HttpOnly ones), or None."""
    decode = window.decodeURIComponent
    for pair in str(document.cookie).split("; "):
        key, _, value = pair.partition("=")
        if key and decode(key) == name:
            return str(decode(value))
    return None
