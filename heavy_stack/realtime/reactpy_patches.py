"""Every change Heavy Stack makes to ReactPy 1.1.0 lives here, each with a test that fails without it.

ReactPy 1.1.0 is the last release with a Sanic backend; rather than fork it (as the original stack
did), the few defects that matter are patched at start-up by :func:`apply_reactpy_patches`.
Each patch can be removed again (tests use that to show the defect it fixes).

Patches:

- :class:`TaskLocalHookStack` - the hook stack was a thread-local shared by every asyncio task,
  so two connections rendering at the same moment corrupted it ("Hook stack is in an invalid
  state") and lost their sockets. Upstream fixed it only in the 2.0 betas (a context variable);
  here each task gets its own stack.
- :func:`_refuse_unwrapped_hooks` - ``reactpy.use_effect`` and ``reactpy.event`` fail with a
  message naming ``heavy_use_effect`` / ``heavy_event``: handlers that skip the heavy wrappers run
  without a database session and fail later, far from the cause.
- :class:`NoScopeWarningFilter` - under Sanic's own server ReactPy warns "No scope" on every
  connection; the warning is about ASGI servers and means nothing here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any
from weakref import WeakKeyDictionary

import reactpy
import reactpy.backend.sanic as reactpy_sanic
import reactpy.core._life_cycle_hook as life_cycle_hook_module
from reactpy.core._life_cycle_hook import LifeCycleHook

_ORIGINAL_HOOK_STATE = life_cycle_hook_module._HOOK_STATE
_ORIGINAL_USE_EFFECT = reactpy.use_effect
_ORIGINAL_EVENT = reactpy.event


class TaskLocalHookStack:
    """A hook stack per asyncio task, in place of ReactPy's per-thread stack.

    ``LifeCycleHook.set_current`` / ``unset_current`` / ``current_hook`` only call ``.get()`` on
    ``_HOOK_STATE``, so replacing that one object fixes all three. Renders of one component never
    span tasks (a render runs inside one ``_create_layout_update`` task), so a per-task stack is
    exactly the scope the stack needs. Outside a task (synchronous tests) it falls back to one
    stack per thread, as before.
    """

    def __init__(self) -> None:
        self._stacks_by_task: WeakKeyDictionary[asyncio.Task[Any], list[LifeCycleHook]] = WeakKeyDictionary()
        self._stacks_by_thread = threading.local()

    def get(self) -> list[LifeCycleHook]:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no running event loop in this thread
            task = None
        if task is None:
            stack: list[LifeCycleHook] | None = getattr(self._stacks_by_thread, "stack", None)
            if stack is None:
                stack = self._stacks_by_thread.stack = []
            return stack
        stack = self._stacks_by_task.get(task)
        if stack is None:
            stack = self._stacks_by_task[task] = []
        return stack


class NoScopeWarningFilter(logging.Filter):
    """Drops ReactPy's per-connection "No scope" warning, which is ASGI-only noise under Sanic."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No scope.")


_NO_SCOPE_FILTER = NoScopeWarningFilter()


class UnwrappedHookError(RuntimeError):
    """ReactPy's own ``use_effect`` / ``event`` was called where the heavy version belongs."""


def _refuse_unwrapped_hooks() -> None:
    def use_effect(*args: Any, **kwargs: Any) -> Any:
        raise UnwrappedHookError(
            "use heavy_use_effect (heavy_stack.frontend.reactpy_util) instead of reactpy.use_effect: "
            "it gives async effects a database session"
        )

    def event(*args: Any, **kwargs: Any) -> Any:
        raise UnwrappedHookError(
            "use heavy_event (heavy_stack.frontend.reactpy_util) instead of reactpy.event: "
            "it gives async handlers a database session"
        )

    reactpy.use_effect = use_effect
    reactpy.event = event


def apply_reactpy_patches() -> None:
    """Apply every patch. Idempotent: safe to call from each app factory call."""
    if not isinstance(life_cycle_hook_module._HOOK_STATE, TaskLocalHookStack):
        life_cycle_hook_module._HOOK_STATE = TaskLocalHookStack()  # type: ignore[assignment]
    _refuse_unwrapped_hooks()
    reactpy_sanic.logger.addFilter(_NO_SCOPE_FILTER)  # a filter is only added once


def remove_reactpy_patches() -> None:
    """Restore ReactPy's own behaviour (for tests that demonstrate the defects)."""
    life_cycle_hook_module._HOOK_STATE = _ORIGINAL_HOOK_STATE
    reactpy.use_effect = _ORIGINAL_USE_EFFECT
    reactpy.event = _ORIGINAL_EVENT
    reactpy_sanic.logger.removeFilter(_NO_SCOPE_FILTER)


def reactpy_patches_applied() -> bool:
    return isinstance(life_cycle_hook_module._HOOK_STATE, TaskLocalHookStack)
