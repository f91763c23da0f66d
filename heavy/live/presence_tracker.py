"""The process's presence tracker: which of its tabs are on which channel, kept in the shared store
for the other processes, and merged with theirs for the components that show it.

Its own tabs live in memory. A join or a leave rewrites this process's entries of that channel in
the store (bursts coalesce into one write) and announces it through the live backend; the other
processes re-read that channel (at most once per ``reread_seconds``) and wake the components
showing it. Every heartbeat pushes this process's entries' expiry forward and re-reads every
channel it shows, so the entries of a process that died drop out within the time to live even
though nobody announces it. One store connection at a time per process, whatever the tabs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from heavy.live.broker import LiveBroker
from heavy.live.presence import Presence, PresenceEntry
from heavy.live.presence_store import PresenceRow, PresenceStore

logger = logging.getLogger(__name__)

DEFAULT_REREAD_SECONDS = 0.2
FLUSH_DELAY_SECONDS = 0.02  # joins arriving together (a page of tabs reconnecting) make one write
STOP_TIMEOUT_SECONDS = 2.0


@dataclass(eq=False, slots=True)
class _Member:
    """One mounted ``use_presence``."""

    channel: str
    key: str
    name: str
    user_id: str | None
    tab: str
    wake: Callable[[], None]


class PresenceHandle:
    """What :meth:`PresenceTracker.join` returns: ``leave()`` once the component unmounts."""

    __slots__ = ("_member", "_tracker")

    def __init__(self, tracker: PresenceTracker, member: _Member) -> None:
        self._tracker = tracker
        self._member: _Member | None = member

    def leave(self) -> None:
        if self._member is not None:
            self._tracker._leave(self._member)
            self._member = None


class PresenceTracker:
    """One per process, started and stopped with the broker (``app.ctx.presence``)."""

    def __init__(
        self,
        broker: LiveBroker,
        store: PresenceStore,
        *,
        heartbeat_seconds: float,
        reread_seconds: float = DEFAULT_REREAD_SECONDS,
    ) -> None:
        self.broker = broker
        self.store = store
        self.origin = broker.origin
        self.heartbeat_seconds = heartbeat_seconds
        self.reread_seconds = reread_seconds
        self._members: dict[str, set[_Member]] = {}
        self._remote: dict[str, tuple[PresenceRow, ...]] = {}
        self._views: dict[str, Presence] = {}
        self._written: set[str] = set()
        self._dirty: set[str] = set()
        self._stale: set[str] = set()
        self._flush_needed = asyncio.Event()
        self._read_needed = asyncio.Event()
        self._write_lock = asyncio.Lock()  # one write at a time: concurrent rewrites of a row collide
        self._tasks: list[asyncio.Task[None]] = []
        self._failing = False
        self.reads = 0
        self.writes = 0

    async def start(self) -> None:
        await self.store.start()
        self.broker.on_presence = self._heard
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name="live-presence-writer"),
            asyncio.create_task(self._read_loop(), name="live-presence-reader"),
            asyncio.create_task(self._heartbeat_loop(), name="live-presence-heartbeat"),
        ]

    async def stop(self) -> None:
        """Stop heartbeating and take this process's entries out of the store (best effort: if the
        store is unreachable they expire by themselves)."""
        if self.broker.on_presence == self._heard:
            self.broker.on_presence = None
        await self.halt()
        channels = set(self._written)
        try:
            async with asyncio.timeout(STOP_TIMEOUT_SECONDS):
                await self.store.forget(self.origin, channels)
                for channel in channels:
                    await self.broker.announce_presence(channel)
        except Exception as error:
            logger.warning(
                "presence: could not remove this process's entries at stop (%s); they expire", error
            )
        self._written.clear()

    async def halt(self) -> None:
        """Stop the tasks and leave the store as it is: what a process that dies does."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:  # bounded: a store call that ignores cancellation must not hold up a stop
            await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT_SECONDS)
        self._tasks = []

    def join(
        self,
        channel: str,
        *,
        key: str,
        name: str,
        user_id: str | None,
        tab: str,
        wake: Callable[[], None],
    ) -> PresenceHandle:
        """Count ``tab`` (as ``key``: a user, or a guest) on ``channel`` until the handle leaves;
        ``wake`` is called whenever the channel's presence changes."""
        member = _Member(channel, key, name, user_id, tab, wake)
        members = self._members.setdefault(channel, set())
        if not members:
            self._mark_stale([channel])  # learn who else is there
        members.add(member)
        self._mark_dirty(channel)
        self._update_view(channel)
        return PresenceHandle(self, member)

    def presence(self, channel: str) -> Presence:
        """Who is on ``channel``, as this process last saw it (only channels its tabs joined)."""
        return self._views.get(channel) or Presence(channel, ())

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self._members)

    def _leave(self, member: _Member) -> None:
        members = self._members.get(member.channel)
        if members is None or member not in members:
            return
        members.discard(member)
        self._mark_dirty(member.channel)
        if members:
            self._update_view(member.channel)
        else:
            del self._members[member.channel]
            self._remote.pop(member.channel, None)
            self._views.pop(member.channel, None)

    def _local_rows(self, channel: str) -> list[PresenceRow]:
        tabs: dict[str, set[str]] = {}
        first: dict[str, _Member] = {}
        for member in self._members.get(channel, ()):
            tabs.setdefault(member.key, set()).add(member.tab)
            first.setdefault(member.key, member)
        return [
            PresenceRow(self.origin, key, first[key].name, len(tab_ids), first[key].user_id)
            for key, tab_ids in tabs.items()
        ]

    def _update_view(self, channel: str) -> None:
        view = merge_presence(channel, [*self._local_rows(channel), *self._remote.get(channel, ())])
        if view == self._views.get(channel):
            return
        self._views[channel] = view
        for member in tuple(self._members.get(channel, ())):
            try:
                member.wake()
            except Exception:
                logger.exception("presence: waking a component failed")

    def _heard(self, channel: str, origin: str) -> None:
        if origin != self.origin and channel in self._members:
            self._mark_stale([channel])

    def _mark_dirty(self, channel: str) -> None:
        self._dirty.add(channel)
        self._flush_needed.set()

    def _mark_stale(self, channels: Iterable[str]) -> None:
        self._stale.update(channels)
        self._read_needed.set()

    async def _flush_loop(self) -> None:
        while True:
            await self._flush_needed.wait()
            await asyncio.sleep(FLUSH_DELAY_SECONDS)
            self._flush_needed.clear()
            await self._flush()

    async def _flush(self) -> None:
        channels, self._dirty = self._dirty, set()
        for channel in channels:
            rows = self._local_rows(channel)
            try:
                async with self._write_lock:
                    await self.store.write(self.origin, channel, rows)
                self.writes += 1
            except Exception as error:
                self._dirty.add(channel)  # the next heartbeat tries again
                self._store_failed(error)
                continue
            if rows:
                self._written.add(channel)
            else:
                self._written.discard(channel)
            try:
                await self.broker.announce_presence(channel)
            except Exception as error:  # the others still see it at their next heartbeat's re-read
                self._store_failed(error)
                continue
            self._store_answered()

    async def _read_loop(self) -> None:
        while True:
            await self._read_needed.wait()
            self._read_needed.clear()
            channels = [channel for channel in self._stale if channel in self._members]
            self._stale.clear()
            if not channels:
                continue
            try:
                found = await self.store.read(channels)
                self.reads += 1
            except Exception as error:
                self._store_failed(error)  # the next heartbeat re-reads everything anyway
            else:
                self._store_answered()
                for channel in channels:
                    if channel in self._members:
                        rows = found.get(channel, ())
                        self._remote[channel] = tuple(row for row in rows if row.origin != self.origin)
                        self._update_view(channel)
            await asyncio.sleep(self.reread_seconds)  # at most one read per interval, however many announce

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            if not self._members and not self._written:
                continue  # no tabs here, nothing of ours in the store: an idle server costs nothing
            local = {channel: self._local_rows(channel) for channel in self._members}
            try:
                async with self._write_lock:
                    await self.store.refresh(self.origin, local)
                self._written = set(local)
                self._store_answered()
            except Exception as error:
                self._store_failed(error)
            if self._dirty:
                self._flush_needed.set()
            if self._members:
                self._mark_stale(self._members)  # entries of a process that died expire: see them go

    def _store_failed(self, error: Exception) -> None:
        if not self._failing:
            self._failing = True
            logger.warning(
                "presence: the store or the live backend failed (%s: %s); retrying every heartbeat",
                type(error).__name__,
                error,
            )

    def _store_answered(self) -> None:
        if self._failing:
            self._failing = False
            logger.warning("presence: the store answers again")


def merge_presence(channel: str, rows: Iterable[PresenceRow]) -> Presence:
    """One entry per user (or guest), tabs added up over processes; signed-in users first, by name."""
    merged: dict[str, PresenceEntry] = {}
    for row in rows:
        known = merged.get(row.key)
        tabs = row.tabs + (known.tabs if known is not None else 0)
        name = known.name if known is not None else row.name
        merged[row.key] = PresenceEntry(name=name, tabs=tabs, user_id=row.user_id)
    order = sorted(merged, key=lambda key: (merged[key].user_id is None, merged[key].name.casefold(), key))
    return Presence(channel=channel, entries=tuple(merged[key] for key in order))
