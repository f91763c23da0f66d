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
- :func:`serve_layout` (in place of ReactPy's) and :func:`make_send_recv_callbacks` - the
  connection loop. Client messages are checked by a :class:`StreamGuard` (ReactPy let a malformed
  frame close the connection, and logged every event for a handler the page does not have; such
  events are now refused at receipt, with rate-limited log lines); a connection closed for a frame
  over the size cap is logged; a client that goes away mid-update is one debug line, not a
  traceback per task (:class:`ClientGone`); updates are sent with orjson; and the tab's UI state
  is recovered (``state_recovery.py``): the snapshot is loaded before the first render and saved
  after renders and when the connection closes, while the layout still exists. Events are delivered through
  :func:`_incoming_loop` so that ``observability/`` can name the connection's log lines and, when
  tracing is on (and only then), wrap each event in a span.
- ``Layout._render_component`` and ``LifeCycleHook.use_state`` - before a component's first render
  it may claim the state saved at its position, and its ``use_state`` slots take those values.
- :func:`_render_model_attributes_with_replayable_targets` - event handler ids were random per
  connection (``uuid4().hex``), so a recorded session could not be replayed on a new connection;
  they now follow from the element's place in the page and the event name.
- recording - apps that record (``realtime/recording.py``) get every stream message written down
  by :func:`serve_layout`; apps that do not pay one attribute lookup per connection.
- :class:`FastEventHandlerType` - ReactPy checked every ``EventHandler`` in an element's
  attributes against a runtime Protocol (about 7 us each, every render); the concrete class now
  answers at once.
- :func:`_render_lock` - every component's hook took an anyio ``Semaphore(1)`` before each render,
  and anyio's ``acquire`` always yields to the event loop (a cancellation checkpoint), even when
  nothing else holds it: 12 % of a worker's CPU in the live fan-out benchmark. An ``asyncio.Lock``
  keeps one render at a time and, free, is taken without a trip through the loop.
- :func:`_pin_render_options` - ReactPy reads a few ``reactpy.config`` options on every render; an
  option nobody set answers through a caught ``AttributeError`` (5 % of a worker's CPU in the
  live fan-out benchmark). Their values are pinned as they are; setting one later still works.
- :class:`FastComponentType` - likewise ``Layout`` checked every child that is not a dict (each text
  child, each component) against the ``ComponentType`` Protocol on every render (about 8 us each:
  9 % of a worker's CPU in the live fan-out benchmark); a ``str`` and ReactPy's ``Component`` now
  answer at once.
- :func:`_history_keyed_per_connection` - reactpy-router renders nothing until its JavaScript
  ``History`` component reports the page's location, which it does only when it mounts. After a
  reconnect the browser keeps the mounted ``History``, so the page stayed blank for good. Keying it
  per connection makes the browser mount a new one, which reports the location again.
- :func:`rerender_live_layouts` - :func:`serve_layout` keeps a registry of the layouts it is
  serving, so that hot reload (``heavy dev``) can re-render every open session after it swapped
  code in place.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
import uuid
from collections.abc import Container
from typing import Any
from weakref import WeakKeyDictionary

import orjson
import reactpy
import reactpy.backend.sanic as reactpy_sanic
import reactpy.core._life_cycle_hook as life_cycle_hook_module
import reactpy.core.layout as reactpy_layout
import reactpy.core.vdom as reactpy_vdom
import reactpy_router.routers as reactpy_router_routers
from anyio import create_task_group
from anyio.abc import TaskGroup
from reactpy._option import Option
from reactpy.config import (
    REACTPY_ASYNC_RENDERING,
    REACTPY_CHECK_JSON_ATTRS,
    REACTPY_CHECK_VDOM_SPEC,
    REACTPY_DEBUG_MODE,
)
from reactpy.core._life_cycle_hook import LifeCycleHook
from reactpy.core.component import Component
from reactpy.core.events import EventHandler
from reactpy.core.hooks import ConnectionContext, _CurrentState
from reactpy.core.layout import Layout
from reactpy.core.serve import (
    RecvCoroutine,
    SendCoroutine,
    Stop,
    _single_outgoing_loop,
)
from reactpy.core.types import LayoutEventMessage, LayoutUpdateMessage
from sanic.exceptions import WebsocketClosed
from sanic.server.websockets.connection import WebSocketConnection
from websockets.exceptions import ConnectionClosed

from heavy.observability.stream_connections import observe_connection
from heavy.observability.tracing import DeliverEvent
from heavy.realtime.recording import SessionRecorder, recorder_of
from heavy.realtime.recovery_service import open_tab_recovery
from heavy.realtime.state_recovery import TabRecovery, restore_state
from heavy.realtime.stream_guard import StreamGuard, StreamLimits, log_if_closed_for_size
from heavy.realtime.tab_identity import connection_request

logger = logging.getLogger(__name__)

_ORIGINAL_HOOK_STATE = life_cycle_hook_module._HOOK_STATE
_ORIGINAL_USE_EFFECT = reactpy.use_effect
_ORIGINAL_EVENT = reactpy.event
_ORIGINAL_SERVE_LAYOUT = reactpy_sanic.serve_layout  # type: ignore[attr-defined]
_ORIGINAL_SEND_RECV_CALLBACKS = reactpy_sanic._make_send_recv_callbacks
_ORIGINAL_RENDER_COMPONENT = Layout._render_component
_ORIGINAL_USE_STATE = LifeCycleHook.use_state
_ORIGINAL_ROUTER_HISTORY = reactpy_router_routers.History  # type: ignore[attr-defined]
_ORIGINAL_RENDER_MODEL_ATTRIBUTES = Layout._render_model_attributes
_ORIGINAL_EVENT_HANDLER_TYPE = reactpy_vdom.EventHandlerType  # type: ignore[attr-defined]
_ORIGINAL_HOOK_SEMAPHORE = life_cycle_hook_module.Semaphore  # type: ignore[attr-defined]
_ORIGINAL_COMPONENT_TYPE = reactpy_layout.ComponentType  # type: ignore[attr-defined]


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
            "use heavy_use_effect (heavy.ui.reactpy_util) instead of reactpy.use_effect: "
            "it gives async effects a database session"
        )

    def event(*args: Any, **kwargs: Any) -> Any:
        raise UnwrappedHookError(
            "use heavy_event (heavy.ui.reactpy_util) instead of reactpy.event: "
            "it gives async handlers a database session"
        )

    reactpy.use_effect = use_effect
    reactpy.event = event


# --- The connection loop: checked input, recovered state ------------------------------------------

_recoveries: WeakKeyDictionary[Layout, TabRecovery] = WeakKeyDictionary()


# What sending to or receiving from a websocket whose client has gone raises (Sanic's own
# exception, or the websockets library's, depending on where the close was noticed).
_CLIENT_GONE = (WebsocketClosed, ConnectionClosed, ConnectionError)


class ClientGone(Stop):
    """The client went away (a tab closed, a network dropped): the connection ends quietly.

    A :class:`Stop`, which ReactPy's loops let through without logging: ReactPy logged "Failed to
    send update" and Sanic a traceback per task for what is a normal event.
    """


def make_send_recv_callbacks(socket: WebSocketConnection) -> tuple[SendCoroutine, RecvCoroutine]:
    """Like ReactPy's, but ``recv`` hands over the raw frame for :func:`serve_layout` to check,
    and a client that went away ends the connection with :class:`ClientGone`."""

    async def send(value: Any) -> None:
        try:
            await socket.send(orjson.dumps(value).decode())
        except _CLIENT_GONE as error:
            raise ClientGone(f"while sending an update ({type(error).__name__})") from error

    async def recv() -> Any:
        try:
            data = await socket.recv()
        except _CLIENT_GONE as error:
            raise ClientGone(f"while waiting for events ({type(error).__name__})") from error
        except BaseException:  # a frame over the size cap surfaces here as a cancellation
            log_if_closed_for_size(socket)
            raise
        if data is None:
            raise ClientGone("with a close frame")
        return data

    return send, recv


async def serve_layout(
    layout: Layout,
    send: SendCoroutine,
    recv: RecvCoroutine,
) -> None:
    """ReactPy's dispatch loop, with the stream guard, state recovery and recording around it."""
    request = connection_request(layout.root)
    observed = observe_connection(request, layout.deliver, lambda target: _event_handler_name(layout, target))
    settings = getattr(request.app.ctx, "settings", None) if request is not None else None
    guard = StreamGuard(
        StreamLimits(settings.stream_max_events_per_second, settings.stream_event_burst)
        if settings
        else StreamLimits()
    )
    recovery = await open_tab_recovery(request)
    if recovery is not None:
        _recoveries[layout] = recovery
        recovery.attach(layout)
    recorder = recorder_of(request.app) if request is not None else None
    recording = recorder.open_connection(request.path, request.query_string) if recorder and request else None
    stream = _ConnectionStream(layout, send, recv, guard, recovery, recorder, recording)

    async with layout:
        _live_layouts[layout] = asyncio.get_running_loop()  # hot reload re-renders it
        gone: str | None = None
        try:
            try:
                async with create_task_group() as task_group:
                    task_group.start_soon(_single_outgoing_loop, layout, stream.send_and_snapshot)
                    task_group.start_soon(_incoming_loop, task_group, observed.deliver, stream.checked_recv)
            except* Stop as stopped:
                gone = _how_it_went(stopped)
        except asyncio.CancelledError:
            gone = "(the connection was lost)"  # Sanic cancels the handler of a dropped connection
            raise
        finally:
            if gone is not None:  # normal, so one quiet line rather than a traceback per task
                logger.debug("stream: the client went away %s", gone)
            if recorder is not None and recording is not None:
                recorder.close_connection(recording)
            observed.closed()
            _live_layouts.pop(layout, None)
            if recovery is not None:
                await recovery.flush()  # still attached: a reconnect arriving now waits for this
                recovery.detach()


def _how_it_went(stopped: BaseExceptionGroup[Stop]) -> str:
    """The first reason given for the connection's end (both loops may notice it)."""
    reasons = [str(error) for error in stopped.exceptions if str(error)]
    return reasons[0] if reasons else ""


class _ConnectionStream:
    """One connection's ``recv`` and ``send`` with the guard, recording and snapshots around them.

    An object with slots rather than two closures: it lives as long as the connection, and seven
    closure cells plus two function objects cost about 0.5 KiB more per open page
    (``python -m bench.idle_memory``).
    """

    __slots__ = ("guard", "layout", "recorder", "recording", "recovery", "recv", "send")

    def __init__(
        self,
        layout: Layout,
        send: SendCoroutine,
        recv: RecvCoroutine,
        guard: StreamGuard,
        recovery: TabRecovery | None,
        recorder: SessionRecorder | None,
        recording: int | None,
    ) -> None:
        self.layout = layout
        self.send = send
        self.recv = recv
        self.guard = guard
        self.recovery = recovery
        self.recorder = recorder
        self.recording = recording

    async def checked_recv(self) -> LayoutEventMessage:
        while True:
            # Handlers are checked at receipt: ReactPy would log each unknown one, unrate-limited.
            event = self.guard.accept(await self.recv(), self.layout._event_handlers)
            if event is not None:
                if self.recorder is not None and self.recording is not None:
                    self.recorder.record_message(self.recording, "to_server", event)
                return event  # type: ignore[return-value]

    async def send_and_snapshot(self, update: LayoutUpdateMessage) -> None:
        if self.recorder is not None and self.recording is not None:
            self.recorder.record_message(self.recording, "to_client", update)
        await self.send(update)
        if self.recovery is not None:
            self.recovery.schedule_snapshot()


# --- Observability: how events reach the layout (heavy/observability/) ------------------------


async def _incoming_loop(task_group: TaskGroup, deliver: DeliverEvent, recv: RecvCoroutine) -> None:
    """ReactPy's incoming loop, with delivery passed in: ``layout.deliver``, or a traced version of it."""
    while True:
        # fire and forget, as ReactPy does: a slow handler must not hold up the next event
        task_group.start_soon(deliver, await recv())


def _event_handler_name(layout: Layout, target: str) -> str:
    """The qualified name of the function handling ``target`` (spans are named after it)."""
    handler = getattr(layout, "_event_handlers", {}).get(target)
    function = getattr(handler, "function", None)
    # ReactPy wraps every handler in a ``wrapper`` closing over the original ``function``.
    code = getattr(function, "__code__", None)
    if code is not None and "function" in code.co_freevars and function.__closure__:  # type: ignore[union-attr]
        function = function.__closure__[code.co_freevars.index("function")].cell_contents  # type: ignore[union-attr]
    return str(getattr(function, "__qualname__", "unknown handler"))


async def _render_component(
    self: Layout, exit_stack: Any, old_state: Any, new_state: Any, component: Any
) -> None:
    recovery = _recoveries.get(self)
    if recovery is not None:
        hook = new_state.life_cycle_state.hook
        if not hook._rendered_atleast_once:
            recovery.claim(hook, new_state.patch_path, component.type)
    await _ORIGINAL_RENDER_COMPONENT(self, exit_stack, old_state, new_state, component)


def _use_state(self: LifeCycleHook, function: Any) -> Any:
    if self._rendered_atleast_once:
        return _ORIGINAL_USE_STATE(self, function)
    slot = _ORIGINAL_USE_STATE(self, function)
    if isinstance(slot, _CurrentState):
        restore_state(self, slot)
    return slot


# --- Replayable handler ids (docs/load-testing.md) ------------------------------------------------


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


# --- A fast path for ReactPy's own EventHandler in element attributes ------------------------------


class _EventHandlerCheck(type):
    """``isinstance(value, EventHandlerType)`` where EventHandlerType is a runtime-checkable Protocol
    costs about 7 us on Python 3.11: ReactPy pays it for every ``EventHandler`` object in an
    element's attributes on every render (what ``heavy_event`` returns). The concrete class is
    answered at once; anything else gets the Protocol's own check."""

    def __instancecheck__(cls, value: object) -> bool:
        return type(value) is EventHandler or isinstance(value, _ORIGINAL_EVENT_HANDLER_TYPE)


class FastEventHandlerType(metaclass=_EventHandlerCheck):
    """Stands in for ``reactpy.core.types.EventHandlerType`` where ``reactpy.core.vdom`` checks it."""


_RENDER_OPTIONS: tuple[Option[Any], ...] = (
    REACTPY_DEBUG_MODE,
    REACTPY_ASYNC_RENDERING,
    REACTPY_CHECK_VDOM_SPEC,
    REACTPY_CHECK_JSON_ATTRS,
)
_pinned_options: list[Option[Any]] = []


def _pin_render_options() -> None:
    """Give every option read on each render a value of its own: the one it has now (its default
    unless set). ``Option.set_current`` skips an unchanged value, hence the attribute itself."""
    for option in _RENDER_OPTIONS:
        if not option.is_set():
            option._current = option.current
            _pinned_options.append(option)


def _unpin_render_options() -> None:
    while _pinned_options:
        option = _pinned_options.pop()
        if option.is_set() and option.current == option.default:
            del option._current


def _render_lock(initial_value: int) -> asyncio.Lock:
    """Stands in for ``anyio.Semaphore`` where ``LifeCycleHook`` makes its one-render-at-a-time guard."""
    if initial_value != 1:  # pragma: no cover - ReactPy 1.1.0 only ever asks for 1
        raise ValueError(f"a hook's render guard admits one render, not {initial_value}")
    return asyncio.Lock()


class _ComponentCheck(type):
    """``isinstance(child, ComponentType)``, answered at once for the two kinds of child a layout
    meets on every render: text (never a component) and ReactPy's own ``Component``; anything else
    gets the Protocol's own check. ``Layout`` also checks its root with it, which is no hot path."""

    def __instancecheck__(cls, value: object) -> bool:
        kind = type(value)
        if kind is str:
            return False
        return kind is Component or isinstance(value, _ORIGINAL_COMPONENT_TYPE)


class FastComponentType(metaclass=_ComponentCheck):
    """Stands in for ``reactpy.core.types.ComponentType`` where ``reactpy.core.layout`` checks it."""


# --- reactpy-router's History mounts again on every connection ------------------------------------


def _history_keyed_per_connection(*args: Any, **kwargs: Any) -> Any:
    element = _ORIGINAL_ROUTER_HISTORY(*args, **kwargs)
    request = _current_request()
    if request is not None and isinstance(element, dict):
        if not hasattr(request.ctx, "history_key"):
            request.ctx.history_key = f"history-{uuid.uuid4().hex}"
        element["key"] = request.ctx.history_key
    return element


def _current_request() -> Any:
    """The Sanic request of the connection being rendered, if there is one."""
    try:
        provider = life_cycle_hook_module.current_hook().get_context_provider(ConnectionContext)
    except RuntimeError:
        return None
    if provider is None or provider.value is None:
        return None
    return getattr(provider.value.carrier, "request", None)


def apply_hook_stack_fix() -> None:
    """Only the hook-stack patch: what any ReactPy 1.1.0 app needs to serve concurrent connections
    (the benchmarks' bare ReactPy server uses just this)."""
    if not isinstance(life_cycle_hook_module._HOOK_STATE, TaskLocalHookStack):
        life_cycle_hook_module._HOOK_STATE = TaskLocalHookStack()  # type: ignore[assignment]


def apply_reactpy_patches() -> None:
    """Apply every patch. Idempotent: safe to call from each app factory call."""
    apply_hook_stack_fix()
    _refuse_unwrapped_hooks()
    reactpy_sanic.serve_layout = serve_layout  # type: ignore[attr-defined,assignment]
    reactpy_sanic._make_send_recv_callbacks = make_send_recv_callbacks
    Layout._render_component = _render_component  # type: ignore[method-assign]
    LifeCycleHook.use_state = _use_state  # type: ignore[method-assign]
    reactpy_router_routers.History = _history_keyed_per_connection  # type: ignore[attr-defined]
    Layout._render_model_attributes = _render_model_attributes_with_replayable_targets  # type: ignore[method-assign]
    reactpy_vdom.EventHandlerType = FastEventHandlerType  # type: ignore[attr-defined,assignment]
    reactpy_layout.ComponentType = FastComponentType  # type: ignore[attr-defined,assignment]
    life_cycle_hook_module.Semaphore = _render_lock  # type: ignore[attr-defined,assignment]
    _pin_render_options()
    reactpy_sanic.logger.addFilter(_NO_SCOPE_FILTER)  # a filter is only added once


def remove_reactpy_patches() -> None:
    """Restore ReactPy's own behaviour (for tests that demonstrate the defects)."""
    life_cycle_hook_module._HOOK_STATE = _ORIGINAL_HOOK_STATE
    reactpy.use_effect = _ORIGINAL_USE_EFFECT
    reactpy.event = _ORIGINAL_EVENT
    reactpy_sanic.serve_layout = _ORIGINAL_SERVE_LAYOUT  # type: ignore[attr-defined]
    reactpy_sanic._make_send_recv_callbacks = _ORIGINAL_SEND_RECV_CALLBACKS
    Layout._render_component = _ORIGINAL_RENDER_COMPONENT  # type: ignore[method-assign]
    LifeCycleHook.use_state = _ORIGINAL_USE_STATE  # type: ignore[method-assign]
    reactpy_router_routers.History = _ORIGINAL_ROUTER_HISTORY  # type: ignore[attr-defined]
    Layout._render_model_attributes = _ORIGINAL_RENDER_MODEL_ATTRIBUTES  # type: ignore[method-assign]
    reactpy_vdom.EventHandlerType = _ORIGINAL_EVENT_HANDLER_TYPE  # type: ignore[attr-defined]
    reactpy_layout.ComponentType = _ORIGINAL_COMPONENT_TYPE  # type: ignore[attr-defined]
    life_cycle_hook_module.Semaphore = _ORIGINAL_HOOK_SEMAPHORE  # type: ignore[attr-defined]
    _unpin_render_options()
    reactpy_sanic.logger.removeFilter(_NO_SCOPE_FILTER)


def reactpy_patches_applied() -> bool:
    return isinstance(life_cycle_hook_module._HOOK_STATE, TaskLocalHookStack)


# --- Live layouts: re-render every open session (hot reload) -------------------------------------

_live_layouts: WeakKeyDictionary[Layout, asyncio.AbstractEventLoop] = WeakKeyDictionary()


def rerender_live_layouts() -> int:
    """Re-render the root of every layout being served, from any thread; returns how many.

    Component state survives because hot reload swaps a function's code in place: ReactPy keeps a
    component's hooks while its function object stays the same (``Layout._render_children``
    compares ``component.type``), and parents always re-render their children.
    """
    scheduled = 0
    for layout, loop in list(_live_layouts.items()):
        try:
            loop.call_soon_threadsafe(_schedule_root_render, layout)
        except RuntimeError:  # that loop has closed: its layouts are gone
            continue
        scheduled += 1
    return scheduled


def _schedule_root_render(layout: Layout) -> None:
    try:
        root_state = layout._model_states_by_life_cycle_state_id[layout._root_life_cycle_state_id]
    except (AttributeError, KeyError):  # the session ended after the render was scheduled
        return
    root_state.life_cycle_state.hook.schedule_render()
