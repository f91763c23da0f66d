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
- :func:`_render_model_attributes_with_replayable_targets` - event handler ids were random per
  connection (``uuid4().hex``), so a recorded session could not be replayed on a new connection;
  they now follow from the element's place in the page and the event name.
- :func:`_serve_layout_and_record` - apps that record (``realtime/recording.py``) get every
  stream message written down; apps that do not pay one attribute lookup per connection.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
from collections.abc import Container
from typing import Any
from weakref import WeakKeyDictionary

import reactpy
import reactpy.backend.sanic as reactpy_sanic
import reactpy.core._life_cycle_hook as life_cycle_hook_module
from reactpy.core._life_cycle_hook import LifeCycleHook
from reactpy.core.layout import Layout
from reactpy.core.serve import RecvCoroutine, SendCoroutine, serve_layout
from reactpy.core.types import LayoutEventMessage, LayoutType, LayoutUpdateMessage

from heavy_stack.realtime.recording import recorder_of

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


# --- Recording and replay (docs/load-testing.md) ---------------------------------------------

_ORIGINAL_RENDER_MODEL_ATTRIBUTES = Layout._render_model_attributes
_ORIGINAL_SERVE_LAYOUT = serve_layout  # the function reactpy.backend.sanic calls, by its module global


def replayable_target(patch_path: str, event: str, taken: Container[str]) -> str:
    """The handler id for ``event`` on the element at ``patch_path``: its place in the page, then the event.

    ``"/children/0/children/2"`` and ``onClick`` give ``"0/2:onClick"``. If another live handler
    already holds that id (a keyed element moved there and kept its id), ``~2``, ``~3``... is
    appended, which is deterministic as long as the page renders the same way.
    """
    base = f"{patch_path.replace('/children/', '/').lstrip('/')}:{event}"
    target, number = base, 1
    while target in taken:
        number += 1
        target = f"{base}~{number}"
    return target


def _render_model_attributes_with_replayable_targets(
    self: Layout, old_state: Any, new_state: Any, raw_model: dict[str, Any]
) -> None:
    """ReactPy's ``_render_model_attributes``, with replayable ids for newly mounted handlers.

    ReactPy uses ``handler.target`` when a handler sets one and keeps an element's existing ids
    across re-renders, so giving each new handler (a copy: the caller's object is left alone) a
    target is all it takes; no ReactPy code is copied.
    """
    handlers: dict[str, Any] | None = raw_model.get("eventHandlers")
    if handlers:
        kept: dict[str, str] = old_state.targets_by_event if old_state is not None else {}
        with_targets = {}
        for event, handler in handlers.items():
            if handler.target is None and event not in kept:
                handler = copy.copy(handler)
                handler.target = replayable_target(new_state.patch_path, event, self._event_handlers)
            with_targets[event] = handler
        raw_model = {**raw_model, "eventHandlers": with_targets}
    _ORIGINAL_RENDER_MODEL_ATTRIBUTES(self, old_state, new_state, raw_model)


async def _serve_layout_and_record(
    layout: LayoutType[LayoutUpdateMessage, LayoutEventMessage], send: SendCoroutine, recv: RecvCoroutine
) -> None:
    """ReactPy's ``serve_layout``; when the connection's app records, each message is written down too."""
    request = _request_of(layout)
    recorder = None if request is None else recorder_of(request.app)
    if recorder is None:
        await _ORIGINAL_SERVE_LAYOUT(layout, send, recv)
        return
    connection = recorder.open_connection(request.path, request.query_string)

    async def send_and_record(message: LayoutUpdateMessage) -> None:
        recorder.record_message(connection, "to_client", message)
        await send(message)

    async def recv_and_record() -> LayoutEventMessage:
        message = await recv()
        recorder.record_message(connection, "to_server", message)
        return message

    try:
        await _ORIGINAL_SERVE_LAYOUT(layout, send_and_record, recv_and_record)
    finally:
        recorder.close_connection(connection)


def _request_of(layout: Any) -> Any:
    """The Sanic request of a layout built by ``reactpy.backend.sanic`` (None for other layouts)."""
    connection = getattr(layout.root, "value", None)
    return getattr(getattr(connection, "carrier", None), "request", None)


def _apply_recording_patches() -> None:
    Layout._render_model_attributes = _render_model_attributes_with_replayable_targets  # type: ignore[method-assign]
    reactpy_sanic.serve_layout = _serve_layout_and_record  # type: ignore[attr-defined]


def _remove_recording_patches() -> None:
    Layout._render_model_attributes = _ORIGINAL_RENDER_MODEL_ATTRIBUTES  # type: ignore[method-assign]
    reactpy_sanic.serve_layout = _ORIGINAL_SERVE_LAYOUT  # type: ignore[attr-defined]


# --- Applying and removing every patch ------------------------------------------------------------


def apply_reactpy_patches() -> None:
    """Apply every patch. Idempotent: safe to call from each app factory call."""
    if not isinstance(life_cycle_hook_module._HOOK_STATE, TaskLocalHookStack):
        life_cycle_hook_module._HOOK_STATE = TaskLocalHookStack()  # type: ignore[assignment]
    _refuse_unwrapped_hooks()
    reactpy_sanic.logger.addFilter(_NO_SCOPE_FILTER)  # a filter is only added once
    _apply_recording_patches()


def remove_reactpy_patches() -> None:
    """Restore ReactPy's own behaviour (for tests that demonstrate the defects)."""
    life_cycle_hook_module._HOOK_STATE = _ORIGINAL_HOOK_STATE
    reactpy.use_effect = _ORIGINAL_USE_EFFECT
    reactpy.event = _ORIGINAL_EVENT
    reactpy_sanic.logger.removeFilter(_NO_SCOPE_FILTER)
    _remove_recording_patches()


def reactpy_patches_applied() -> bool:
    return isinstance(life_cycle_hook_module._HOOK_STATE, TaskLocalHookStack)
