"""Password hashing with argon2id (argon2-cffi's recommended parameters), a bounded number at a time.

Hashing costs ~0.1 s of CPU (and 64 MiB) on purpose; it runs in worker threads of its own, at a
lower CPU priority on Linux, so the event loop (and every other request) keeps going while users
log in. Only a few hashes run at once (half the CPUs), and an attempt waits for a turn only
briefly: a flood of logins would otherwise queue for as long as the flood lasts, and take every
other request's CPU with it. When no turn comes, :class:`PasswordHashingBusy` says when to try
again (the routes answer 429).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified when an account does not exist, so that answering "no such account" takes as long as
# answering "wrong password" (no timing oracle for account existence).
_DUMMY_HASH = _hasher.hash("not a real password: equalises timing for unknown accounts")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # argon2 hashes anything, but unbounded input is a denial-of-service lever

# Hashing threads give way to the event loop's thread when both want the CPU (weight 110 against
# 1024): a flood of logins slows logins, not every other request.
HASHING_NICENESS = 10

R = TypeVar("R")


class PasswordHashingBusy(Exception):
    """Every hashing turn is taken and more attempts are waiting than can be served soon."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"password hashing is busy; retry after {retry_after_seconds}s")
        self.retry_after_seconds = retry_after_seconds


def _lower_this_threads_priority() -> None:
    """Linux schedules threads on their own, so ``setpriority`` on a thread id touches only it
    (elsewhere it would touch the whole process: left alone)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class HashingTurns:
    """At most ``slots`` hashes at once in this process; at most ``max_waiting`` waiting, each for
    at most ``max_wait_seconds``. Beyond either bound an attempt is refused at once.

    Bounding the queue (not only the wait) is what makes a flood cheap to answer: the excess is
    refused in microseconds instead of each holding a request open for the whole wait.
    """

    def __init__(
        self,
        slots: int | None = None,
        *,
        max_waiting: int | None = None,
        max_wait_seconds: float = 2.0,
    ) -> None:
        # Half the CPUs: argon2 spreads each hash over up to 4 threads (its parallelism), so one hash
        # keeps more than one core busy; the rest stays for the event loop and the database.
        self.slots = slots or max(1, _usable_cpus() // 2)
        self.max_waiting = self.slots * 8 if max_waiting is None else max_waiting
        self.max_wait_seconds = max_wait_seconds
        # One semaphore per event loop: an asyncio.Semaphore belongs to the loop that first waits on it.
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._waiting = 0
        # As many threads as turns: even a request cancelled mid-hash (its client went away) cannot
        # start more hashes than that, since its thread is still busy.
        self._threads = ThreadPoolExecutor(
            self.slots, thread_name_prefix="password-hashing", initializer=_lower_this_threads_priority
        )

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.max_wait_seconds))

    def refuse_if_full(self) -> None:
        """Raise PasswordHashingBusy now if :meth:`run` would: lets a login be turned away before any
        work is done for it (counting it, reading the account). :meth:`run` still enforces the bound."""
        semaphore = self._semaphore()
        if semaphore.locked() and self._waiting >= self.max_waiting:
            raise PasswordHashingBusy(self.retry_after_seconds)

    async def run(self, function: Callable[..., R], *args: object) -> R:
        """``function(*args)`` in a worker thread once a turn is free; raises PasswordHashingBusy."""
        self.refuse_if_full()
        semaphore = self._semaphore()
        self._waiting += 1
        try:
            async with asyncio.timeout(self.max_wait_seconds):
                await semaphore.acquire()
        except TimeoutError:
            raise PasswordHashingBusy(self.retry_after_seconds) from None
        finally:
            self._waiting -= 1
        # The turn is given back when the thread is done (or the work never started), not when the
        # awaiting request is cancelled: a cancelled hash still occupies a CPU until it finishes.
        loop = asyncio.get_running_loop()
        work = self._threads.submit(function, *args)
        work.add_done_callback(lambda _: _release_on(loop, semaphore))
        return await asyncio.wrap_future(work)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.slots)
        return semaphore


def _release_on(loop: asyncio.AbstractEventLoop, semaphore: asyncio.Semaphore) -> None:
    """Give a turn back from whichever thread finished the work (unless its loop has closed)."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(semaphore.release)


hashing_turns = HashingTurns()


def refuse_if_hashing_is_full() -> None:
    """Raise PasswordHashingBusy at once when a hash could not even wait for a turn now."""
    hashing_turns.refuse_if_full()


async def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; raises PasswordHashingBusy when no turn comes soon."""
    return await hashing_turns.run(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; also spends the same time when there is no hash to check.

    Raises PasswordHashingBusy when no turn comes soon (nothing was checked then).
    """
    return await hashing_turns.run(_verify, password_hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at next login)."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be used, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use a password of at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use a password of at most {MAX_PASSWORD_LENGTH} characters."
    return None
