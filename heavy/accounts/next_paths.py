"""Where the login and sign-up forms may send the browser afterwards: only paths on this site."""

from __future__ import annotations


def safe_next_path(value: str | None) -> str:
    """Only paths on this site: an open redirect would make our login page a phishing tool.

    Anything else becomes ``/``: values not starting with exactly one slash (``//host``,
    ``https://host``), and values with a backslash or a control character, because browsers read a
    backslash as a slash and drop tabs and newlines (a tab between two slashes would make ``//``).
    """
    if (
        not value
        or len(value) > 500
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(character) < 0x20 or ord(character) == 0x7F for character in value)
    ):
        return "/"
    return value
