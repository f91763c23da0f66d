from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable

import pytest

from heavy.accounts.passwords import (
    HASHING_NICENESS,
    HashingTurns,
    PasswordHashingBusy,
    hash_password,
    password_problem,
    verify_password,
)


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


def blocking_until(release: threading.Event) -> Callable[[], str]:
    def work() -> str:
        release.wait(10)
        return "done"

    return work


class TestHashingTurns:
    async def test_no_more_run_at_once_than_there_are_slots(self) -> None:
        turns = HashingTurns(2, max_waiting=10, max_wait_seconds=5)
        running = 0
        most = 0
        lock = threading.Lock()

        def work() -> None:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.02)
            with lock:
                running -= 1

        await asyncio.gather(*(turns.run(work) for _ in range(8)))

        assert most == 2

    async def test_beyond_the_waiting_room_an_attempt_is_refused_at_once(self) -> None:
        turns = HashingTurns(1, max_waiting=1, max_wait_seconds=30)
        release = threading.Event()
        running = asyncio.create_task(turns.run(blocking_until(release)))
        waiting = asyncio.create_task(turns.run(blocking_until(release)))
        await asyncio.sleep(0.05)

        started = time.monotonic()
        with pytest.raises(PasswordHashingBusy) as busy:
            await turns.run(blocking_until(release))

        assert time.monotonic() - started < 1
        assert busy.value.retry_after_seconds >= 1
        release.set()
        assert list(await asyncio.gather(running, waiting)) == ["done", "done"]

    async def test_a_wait_longer_than_the_bound_is_refused(self) -> None:
        turns = HashingTurns(1, max_waiting=5, max_wait_seconds=0.1)
        release = threading.Event()
        running = asyncio.create_task(turns.run(blocking_until(release)))
        await asyncio.sleep(0.05)

        with pytest.raises(PasswordHashingBusy):
            await turns.run(blocking_until(release))

        release.set()
        await running
        assert await turns.run(lambda: "free again") == "free again"

    async def test_a_cancelled_hash_keeps_its_turn_until_its_thread_is_done(self) -> None:
        turns = HashingTurns(1, max_waiting=5, max_wait_seconds=0.1)
        release = threading.Event()
        abandoned = asyncio.create_task(turns.run(blocking_until(release)))
        await asyncio.sleep(0.05)

        abandoned.cancel()  # as when the client goes away: the thread hashes on regardless
        with pytest.raises(PasswordHashingBusy):
            await turns.run(lambda: "too early")

        release.set()
        await asyncio.sleep(0.05)
        assert await turns.run(lambda: "free again") == "free again"

    @pytest.mark.skipif(sys.platform != "linux", reason="thread priorities are set on Linux only")
    async def test_hashes_run_at_a_lower_cpu_priority_than_the_event_loop(self) -> None:
        def own_priority() -> int:
            return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

        assert await HashingTurns(1).run(own_priority) >= HASHING_NICENESS > own_priority()
