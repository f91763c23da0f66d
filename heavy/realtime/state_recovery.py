"""Recovering a tab's UI state after a reconnect, a restart, or a move to another worker.

While a tab is connected, the values of its components' ``use_state`` hooks are captured after
renders (coalesced: at most once per quiet period, so typing does not write on every keystroke)
and saved in the state store under the tab's key. When the tab connects again (the ReactPy client
reconnects by itself; a reload reconnects too) the snapshot is loaded *before* the first render,
and each component's first render gets its saved values instead of the initial ones.

What is matched: a component at the same position in the layout (its patch path) with the same
type; within it, the n-th ``use_state`` hook. What is not recovered: state marked server-only
(:func:`heavy.ui.state.use_server_only_state`), values that are not recoverable
(see ``state_codec.py``), refs and memos. A saved value that no longer fits (the component's
type changed, or the value's type differs from the new initial value's) is ignored: that state
starts from its initial value and the page works as usual. Each saved entry is used once: a
component mounted again later in the same connection (say, after navigating away and back)
starts fresh, as it would without recovery.

The ReactPy side of this (calling into this module at the right moments) is in
``reactpy_patches.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import weakref
from collections.abc import Coroutine
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from reactpy.core._life_cycle_hook import LifeCycleHook
from reactpy.core.hooks import _CurrentState
from reactpy.core.layout import Layout

from heavy.realtime.state_codec import (
    NOT_RECOVERABLE,
    UndecodableValue,
    decode_value,
    encode_value,
    type_name,
)
from heavy.realtime.state_store import RefusedSnapshot, SnapshotTooLarge, StateStore

logger = logging.getLogger(__name__)

SNAPSHOT_FORMAT = 1
QUIET_SECONDS = 0.25
MAX_DELAY_SECONDS = 1.0


class ServerOnlyState(_CurrentState[Any]):
    """A ``use_state`` slot that is never written to the state store."""

    __slots__ = ()


class TabRecovery:
    """The recovery of one connection: the snapshot it may restore, and the one it keeps saving."""

    def __init__(self, store: StateStore, key: str) -> None:
        self.store = store
        self.key = key
        self._layout: weakref.ref[Layout] | None = None
        self._save_lock = asyncio.Lock()
        self._pending: dict[str, tuple[str, dict[str, Any]]] = {}
        self._dirty_since: float | None = None
        self._save_task: asyncio.Task[None] | None = None
        self._last_saved: bytes | None = None  # a digest: idle connections keep no payload copy
        self._warned_size = False

    # --- restoring ---------------------------------------------------------------------------

    def attach(self, layout: Layout) -> None:
        """Start keeping ``layout``'s state: from now on a new connection of this tab sees it."""
        self._layout = weakref.ref(layout)
        _live_recoveries[self.key] = self

    def detach(self) -> None:
        if _live_recoveries.get(self.key) is self:
            del _live_recoveries[self.key]

    async def load(self) -> None:
        """Read this tab's snapshot (before the first render). Bad snapshots are dropped, logged once.

        If this tab still has a live connection in this process (a reload, or a dropped connection
        the server has not noticed yet), its latest state is saved first, so nothing is lost.
        """
        previous = _live_recoveries.get(self.key)
        if previous is not None:
            await previous.flush()
        try:
            payload = await self.store.load(self.key)
        except RefusedSnapshot as refused:
            logger.warning(
                "state recovery: refused a stored snapshot (%s); the tab starts fresh", refused.reason
            )
            await self._forget()
            return
        except Exception:
            logger.exception("state recovery: could not read the state store; the tab starts fresh")
            return
        if payload is None:
            return
        try:
            snapshot = orjson.loads(payload)
            if snapshot.get("format") != SNAPSHOT_FORMAT:
                return
            self._pending = {
                path: (str(entry["type"]), dict(entry["states"]))
                for path, entry in snapshot["components"].items()
            }
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            logger.warning("state recovery: a stored snapshot is malformed; the tab starts fresh")
            self._pending = {}
        self._last_saved = _digest(payload)

    def claim(self, hook: LifeCycleHook, patch_path: str, component_type: Any) -> None:
        """Before a component's first render: let ``hook`` take the values saved at its position."""
        entry = self._pending.pop(patch_path, None)
        if entry is None:
            return
        saved_type, states = entry
        if saved_type != type_name(component_type):
            logger.info("state recovery: the component at %s changed; it starts fresh", patch_path or "/")
            return
        _claims[hook] = states

    # --- saving ------------------------------------------------------------------------------

    def schedule_snapshot(self) -> None:
        """After a render: save soon (coalesced), at most MAX_DELAY_SECONDS after the first change."""
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        if self._save_task is not None and not self._save_task.done():
            self._save_task.cancel()
        delay = min(QUIET_SECONDS, max(0.0, self._dirty_since + MAX_DELAY_SECONDS - now))
        self._save_task = asyncio.create_task(self._save_after(delay))

    async def flush(self) -> None:
        """Save now if anything changed (the connection is closing, or the tab connected again)."""
        if self._save_task is not None and not self._save_task.done():
            self._save_task.cancel()
        if self._dirty_since is not None:
            await _run_to_completion(self._save())
        else:
            async with self._save_lock:
                pass  # a write already under way finishes first

    async def _save_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await _run_to_completion(self._save())  # once writing, a newer schedule does not cut it short

    async def _save(self) -> None:
        async with self._save_lock:  # one write at a time, in order, per connection
            self._dirty_since = None
            layout = self._layout() if self._layout is not None else None
            payload = capture_snapshot(layout) if layout is not None else None
            if payload is None or _digest(payload) == self._last_saved:
                return
            await self._write(payload)

    async def _write(self, payload: bytes) -> None:
        if self.store.closed:
            return  # the server is stopping and has saved every tab already
        try:
            await self.store.save(self.key, payload)
            self._last_saved = _digest(payload)
        except SnapshotTooLarge as too_large:
            if not self._warned_size:
                logger.warning("state recovery: not saving this tab's state: %s (STATE_MAX_BYTES)", too_large)
                self._warned_size = True
        except Exception:
            logger.exception("state recovery: could not save a snapshot; the app goes on without it")

    async def _forget(self) -> None:
        try:
            await self.store.delete(self.key)
        except Exception:
            logger.exception("state recovery: could not delete a refused snapshot")


# Writes in flight: a cancelled connection does not cut one short, and shutdown waits for them.
_writes_in_flight: set[asyncio.Task[None]] = set()


async def _run_to_completion(save: Coroutine[Any, Any, None]) -> None:
    task = asyncio.ensure_future(save)
    _writes_in_flight.add(task)
    task.add_done_callback(_writes_in_flight.discard)
    await asyncio.shield(task)


async def save_every_tab(store: StateStore) -> None:
    """The server is stopping: save every connected tab of ``store`` now, then take no more writes.

    Connections may outlive the server's listeners (a browser keeps its tab open); their later
    saves would open database connections after the pools closed.
    """
    for recovery in [recovery for recovery in _live_recoveries.values() if recovery.store is store]:
        await recovery.flush()
    store.closed = True
    await wait_for_saves()


async def wait_for_saves() -> None:
    """Let every snapshot write under way finish (before the server closes its database pools)."""
    while _writes_in_flight:
        await asyncio.gather(*list(_writes_in_flight), return_exceptions=True)


# The recovery of each connected tab in this process, by state key.
_live_recoveries: dict[str, TabRecovery] = {}

# Hooks whose first render may take saved values: hook -> {state index: encoded value}.
_claims: WeakKeyDictionary[LifeCycleHook, dict[str, Any]] = WeakKeyDictionary()


def restore_state(hook: LifeCycleHook, current_state: _CurrentState[Any]) -> None:
    """Called as a hook adds a ``use_state`` slot during its first render."""
    states = _claims.get(hook)
    if states is None or isinstance(current_state, ServerOnlyState):
        return
    index = str(sum(1 for slot in hook._state if _is_recoverable_slot(slot)) - 1)
    if index not in states:
        return
    try:
        value = decode_value(states.pop(index))
    except UndecodableValue as error:
        logger.info("state recovery: %s; that state starts fresh", error)
        return
    if _fits(current_state.value, value):
        current_state.value = value
    if not states:
        _claims.pop(hook, None)


def capture_snapshot(layout: Layout) -> bytes | None:
    """The recoverable state of every mounted component of ``layout`` (None if the layout is closed)."""
    model_states = getattr(layout, "_model_states_by_life_cycle_state_id", None)
    if model_states is None:
        return None
    components: dict[str, dict[str, Any]] = {}
    for model_state in list(model_states.values()):
        life_cycle_state = model_state.life_cycle_state
        states: dict[str, Any] = {}
        index = -1
        for slot in life_cycle_state.hook._state:
            if not _is_recoverable_slot(slot):
                continue
            index += 1
            if isinstance(slot, ServerOnlyState):
                continue
            encoded = encode_value(slot.value)
            if encoded is not NOT_RECOVERABLE:
                states[str(index)] = encoded
        if states:
            components[model_state.patch_path] = {
                "type": type_name(life_cycle_state.component.type),
                "states": states,
            }
    return orjson.dumps({"format": SNAPSHOT_FORMAT, "components": components})


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).digest()


def _is_recoverable_slot(slot: object) -> bool:
    return isinstance(slot, _CurrentState)


def _fits(initial: Any, restored: Any) -> bool:
    """Whether a restored value can stand in for a fresh initial value of the same slot."""
    if initial is None or restored is None:
        return True
    if isinstance(initial, bool) or isinstance(restored, bool):
        return type(initial) is type(restored)
    if isinstance(initial, int | float) and isinstance(restored, int | float):
        return True
    return type(initial) is type(restored)
