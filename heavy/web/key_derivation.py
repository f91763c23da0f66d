"""Keys derived from the app's SECRET_KEY, one per purpose, so no two features share a key.

HKDF (RFC 5869) turns the one configured secret into independent keys: rotating SECRET_KEY
rotates them all, and a key leaked from one purpose says nothing about another.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from heavy.config import get_settings


def derive_key(purpose: str, context: bytes = b"", *, secret: bytes | None = None, length: int = 32) -> bytes:
    """A ``length``-byte key for ``purpose`` (and an optional per-object ``context``)."""
    if secret is None:
        secret = get_settings().secret_key.get_secret_value().encode()
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode() + b"\x00" + context
    )
    return hkdf.derive(secret)


def derive_passphrase(purpose: str, context: bytes = b"", *, secret: bytes | None = None) -> bytes:
    """Like :func:`derive_key`, as printable bytes (for APIs that want a passphrase)."""
    return base64.urlsafe_b64encode(derive_key(purpose, context, secret=secret))
