"""State helpers for components: what survives a reconnect, and what never leaves the server.

Every ``use_state`` value that is JSON-friendly (or a date/time, UUID, Decimal, or a registered
Pydantic model) is recovered after a reconnect, a restart or a move to another worker (see
docs/state-recovery.md). Use :func:`use_server_only_state` for values that must never be written
to the state store (tokens, anything secret), and :func:`register_recoverable_type` for your own
models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from reactpy.core._life_cycle_hook import current_hook
from reactpy.types import State

from heavy.realtime.state_codec import register_recoverable_type
from heavy.realtime.state_recovery import ServerOnlyState

__all__ = ["register_recoverable_type", "use_server_only_state"]

T = TypeVar("T")


def use_server_only_state(initial_value: T | Callable[[], T]) -> State[T]:
    """``use_state`` whose value is never stored outside this process (and so never recovered)."""
    slot: ServerOnlyState = current_hook().use_state(lambda: ServerOnlyState(cast(Any, initial_value)))
    return State(slot.value, slot.dispatch)
