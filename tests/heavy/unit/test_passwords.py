from __future__ import annotations

import pytest

from heavy.accounts.passwords import hash_password, password_problem, verify_password


class TestPasswords:
    async def test_a_hash_verifies_its_password_only(self) -> None:
        password_hash = await hash_password("correct horse battery")

        assert password_hash.startswith("$argon2id$")
        assert await verify_password(password_hash, "correct horse battery")
        assert not await verify_password(password_hash, "correct horse battery!")

    async def test_no_hash_never_verifies(self) -> None:
        assert not await verify_password(None, "anything at all")

    async def test_a_garbage_hash_never_verifies(self) -> None:
        assert not await verify_password("not-a-hash", "anything at all")

    @pytest.mark.parametrize(("password", "expected"), [("short", "at least 10"), ("x" * 300, "at most 256")])
    def test_unusable_passwords_are_explained(self, password: str, expected: str) -> None:
        problem = password_problem(password)

        assert problem is not None
        assert expected in problem

    def test_a_long_enough_password_is_fine(self) -> None:
        assert password_problem("ten chars!") is None
