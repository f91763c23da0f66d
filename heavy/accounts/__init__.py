"""Accounts, for app code: who is signed in, and where a login may send them back to.

The runtime owns accounts as Django's ``contrib.auth`` does: the ``users`` table, sign-up, login,
sessions, throttling and the ``/auth/*`` routes live in this package (docs/accounts-and-security.md).
An app keeps its own data about a user in its own tables, keyed by ``users.id``.
"""

from heavy.accounts.next_paths import safe_next_path
from heavy.accounts.users import ANONYMOUS_USER, AnonymousUser, User

__all__ = ["ANONYMOUS_USER", "AnonymousUser", "User", "safe_next_path"]
