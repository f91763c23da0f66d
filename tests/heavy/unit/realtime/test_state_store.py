"""The store contract (sealing, expiry, size cap) on the in-process store; the shared backends
run the same contract in tests/heavy/integration/realtime/test_state_stores.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from heavy.realtime.state_store import (
    MemoryStateStore,
    RefusedSnapshot,
    SnapshotLimits,
    SnapshotTooLarge,
)

KEY = b"k" * 32


class TestMemoryStateStore:
    async def test_saves_and_loads(self) -> None:
        store = MemoryStateStore(KEY, SnapshotLimits())

        await store.save("tab", b"payload")

        assert await store.load("tab") == b"payload"
        assert await store.load("other") is None

    async def test_an_expired_entry_is_refused(self) -> None:
        store = MemoryStateStore(KEY, SnapshotLimits(ttl=timedelta(seconds=-1)))
        await store.save("tab", b"payload")

        with pytest.raises(RefusedSnapshot, match="expired"):
            await store.load("tab")

    async def test_an_oversized_payload_is_not_stored(self) -> None:
        store = MemoryStateStore(KEY, SnapshotLimits(max_bytes=10))

        with pytest.raises(SnapshotTooLarge):
            await store.save("tab", b"x" * 11)
        assert await store.load("tab") is None

    async def test_another_signing_key_cannot_read_it(self) -> None:
        store = MemoryStateStore(KEY, SnapshotLimits())
        await store.save("tab", b"payload")
        impostor = MemoryStateStore(b"x" * 32, SnapshotLimits())
        impostor._entries = store._entries

        with pytest.raises(RefusedSnapshot, match="authentication failed"):
            await impostor.load("tab")

    async def test_the_oldest_entry_goes_when_full(self) -> None:
        store = MemoryStateStore(KEY, SnapshotLimits(), max_entries=2)
        for key in ("a", "b", "c"):
            await store.save(key, b"x")

        assert await store.load("a") is None
        assert await store.load("c") == b"x"
