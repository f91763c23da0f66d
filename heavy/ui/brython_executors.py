"""Run Brython functions in the page from server code, and take their results back with care.

```python
brython_executor = heavy_use_context(BrythonExecutorContext)
brython_executor.call(scroll_to_element, element_id="current-time")
brython_executor.call(get_timezone_name_and_offset, set_browser_zone)
```

How a call travels (docs/brython.md has the picture):

1. ``call()`` checks the function is marked ``@called_from_reactpy`` and lives in a served Brython
   module, binds the keyword arguments to its signature and encodes them as JSON. The call gets a
   random id and joins the pending calls.
2. The provider's own small component (a sibling of the app, so only it re-renders) renders each
   pending call as a keyed ``<script type="text/python">`` and a hidden ``<input>``; the ReactPy
   client appends the script to the page, where Brython runs it. The client appends a script a
   second time on its first re-render, so the bridge runs each call id once: re-renders never
   run a call again.
3. In the page, ``reactpy_bridge.run_call`` runs the function and writes ``{"result": ...}`` or
   ``{"error": ...}`` as JSON into the input, firing its ``input`` event, handled by heavy_event.
4. That value is untrusted (anyone can send any event over the websocket): it is refused above
   ``max_result_chars``, then parsed, then validated against the function's return annotation.
   Refusals and errors raised in the browser are logged; the callback only ever sees valid values.
5. The call leaves the pending list, and its script and input leave the page.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast, get_type_hints

import orjson
from pydantic import JsonValue, TypeAdapter, ValidationError
from reactpy import component, create_context, html, use_state
from reactpy.core.events import EventHandler
from reactpy_bridge import includes_result_callback, is_called_from_reactpy, result_field_id, run_call

from heavy.errors import BrythonCallError
from heavy.ui.brython_assets import brython_modules
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.types import Component
from heavy.web.api_requests import HeavyContext

logger = logging.getLogger(__name__)

DEFAULT_MAX_RESULT_CHARS = 16_384
"""Longest result (its JSON text) accepted from the browser; room for any reasonable UI value."""

DEFAULT_MAX_PENDING_CALLS = 64
"""Calls waiting for the browser beyond this are dropped, oldest first (Brython may have failed)."""

SyncResultCallback = Callable[[Any], object]
AsyncResultCallback = Callable[[HeavyContext, Any], Awaitable[object]]
ResultCallback = SyncResultCallback | AsyncResultCallback

_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_RUN_CALL = run_call.__name__


class RefusedBrythonResult(ValueError):
    """A value the browser sent for a call failed a check; the callback never sees it."""


@dataclass(frozen=True)
class PendingBrythonCall:
    """One call waiting for the browser: the script that runs it, and where its result goes."""

    call_id: str
    function_name: str
    script: str
    result_callback: ResultCallback | None
    result_type: TypeAdapter[Any]


class BrythonExecutor:
    """Runs Brython functions in one page. Get it with ``heavy_use_context(BrythonExecutorContext)``.

    Call it from event handlers and effects, not while rendering.
    """

    def __init__(
        self,
        *,
        max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
        max_pending_calls: int = DEFAULT_MAX_PENDING_CALLS,
        provided: bool = True,
    ) -> None:
        self.max_result_chars = max_result_chars
        self.max_pending_calls = max_pending_calls
        self._provided = provided
        self._pending: dict[str, PendingBrythonCall] = {}
        self._rerender: Callable[[], None] = lambda: None

    @property
    def pending_calls(self) -> tuple[PendingBrythonCall, ...]:
        return tuple(self._pending.values())

    def call(
        self,
        function: Callable[..., Any],
        /,
        result_callback: ResultCallback | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Run ``function(**kwargs)`` in the page; pass its validated result to ``result_callback``.

        ``result_callback(value)`` may be a plain function, or an ``async`` one that also gets a
        HeavyContext first (``async def save(context, value)``), like heavy_event handlers.
        Raises BrythonCallError, before anything reaches the page, for a function not marked
        ``@called_from_reactpy``, positional arguments, or arguments the function does not take.
        """
        name = _function_name(function)
        if not self._provided:
            raise BrythonCallError(
                f"brython_executor.call({name}): no BrythonExecutorProvider above this component "
                "(wrap the app in one, as frontend/root.py does)"
            )
        if args or (result_callback is not None and not callable(result_callback)):
            raise BrythonCallError(
                f"brython_executor.call({name}, ...) takes the function's arguments as keywords only, "
                f"for example call({name}, result_callback, url=...); got a positional value"
            )
        call_id = secrets.token_hex(16)
        script = _call_script(function, name, call_id, kwargs)
        call = PendingBrythonCall(call_id, name, script, result_callback, _result_type(function, name))
        self._pending[call_id] = call
        while len(self._pending) > self.max_pending_calls:
            dropped = self._pending.pop(next(iter(self._pending)))
            logger.warning(
                "dropped Brython call %s (%s): more than %d calls wait for the browser; "
                "is Brython running there? (see the browser console)",
                dropped.function_name,
                dropped.call_id,
                self.max_pending_calls,
            )
        self._rerender()

    def settle(self, call_id: str, event: object) -> tuple[PendingBrythonCall, Any] | None:
        """Take the browser's report for ``call_id`` out of ``event``: the call and its valid result,
        or None (logged) when the report is refused, reports an error, or the call is not pending."""
        call = self._pending.pop(call_id, None)
        if call is None:
            logger.info("ignored a second report for Brython call %s", call_id)
            return None
        self._rerender()
        try:
            return call, self._accept(call, event)
        except RefusedBrythonResult as refusal:
            logger.warning(
                "refused the result of Brython call %s (%s): %s", call.function_name, call_id, refusal
            )
            return None

    def _accept(self, call: PendingBrythonCall, event: object) -> Any:
        raw = _event_value(event)
        if len(raw) > self.max_result_chars:
            raise RefusedBrythonResult(f"{len(raw)} characters, over the limit of {self.max_result_chars}")
        try:
            report = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise RefusedBrythonResult("not JSON") from None
        if not isinstance(report, dict) or len(report) != 1 or not report.keys() <= {"result", "error"}:
            raise RefusedBrythonResult('not a report: expected {"result": ...} or {"error": ...}')
        if "error" in report:
            raise RefusedBrythonResult(f"the function raised in the browser: {str(report['error'])[:300]!r}")
        try:
            return call.result_type.validate_python(report["result"])
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "value"
            raise RefusedBrythonResult(f"not a valid result: {where}: {first['msg']}") from None

    def _attach(self, rerender: Callable[[], None]) -> None:
        self._rerender = rerender


BrythonExecutorContext = create_context(BrythonExecutor(provided=False))
"""The page's BrythonExecutor; outside a BrythonExecutorProvider, calls fail with a clear message."""


@component
def BrythonExecutorProvider(
    *children: Component,
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
    max_pending_calls: int = DEFAULT_MAX_PENDING_CALLS,
) -> Component:
    """Give ``children`` a BrythonExecutor, and render the calls it has waiting for the browser."""
    executor = use_state(
        lambda: BrythonExecutor(max_result_chars=max_result_chars, max_pending_calls=max_pending_calls)
    ).value
    return html._(
        BrythonExecutorContext(*children, value=executor),
        BrythonCalls(executor),
    )


@component
def BrythonCalls(executor: BrythonExecutor) -> Component:
    """The pending calls: a script and a hidden result field each. Re-renders alone on each change."""
    set_version = use_state(0).set_value
    executor._attach(lambda: set_version(lambda version: version + 1))
    return html.div(
        {"id": "brython-calls", "hidden": True},
        [
            html.div(
                {"key": call.call_id},
                html.script({"type": "text/python"}, call.script),
                html.input(
                    {
                        "type": "hidden",
                        "id": result_field_id(call.call_id),
                        "on_input": _result_handler(executor, call.call_id, call.result_callback),
                    }
                ),
            )
            for call in executor.pending_calls
        ],
    )


def _result_handler(executor: BrythonExecutor, call_id: str, callback: ResultCallback | None) -> EventHandler:
    if inspect.iscoroutinefunction(callback):
        async_callback = cast(AsyncResultCallback, callback)

        async def deliver_to_async_callback(context: HeavyContext, event: object) -> None:
            settled = executor.settle(call_id, event)
            if settled is not None:
                await async_callback(context, settled[1])

        return heavy_event(deliver_to_async_callback)

    def deliver(event: object) -> None:
        settled = executor.settle(call_id, event)
        if settled is not None and callback is not None:
            cast(SyncResultCallback, callback)(settled[1])

    return heavy_event(deliver)


def _event_value(event: object) -> str:
    target = event.get("target") if isinstance(event, dict) else None
    value = target.get("value") if isinstance(target, dict) else None
    if not isinstance(value, str):
        raise RefusedBrythonResult("the event carries no text value")
    return value


def _function_name(function: object) -> str:
    module = getattr(function, "__module__", "?")
    return f"{module}.{getattr(function, '__qualname__', repr(function))}"


def _call_script(function: Callable[..., Any], name: str, call_id: str, kwargs: dict[str, Any]) -> str:
    """The Brython source that runs one call; every value in it is a checked name or a string literal."""
    if not is_called_from_reactpy(function):
        raise BrythonCallError(
            f"{name} is not marked @called_from_reactpy: only functions of the Brython modules "
            "(brython/) can run in the page"
        )
    module, qualname = function.__module__, function.__qualname__
    if not _DOTTED_NAME.fullmatch(module) or module.partition(".")[0] not in brython_modules():
        raise BrythonCallError(f"{name} is not in a served Brython module ({', '.join(brython_modules())})")
    if not qualname.isidentifier():
        raise BrythonCallError(f"{name} is not a module-level function, so the page cannot import it")
    _check_arguments(function, name, kwargs)
    try:
        kwargs_json = orjson.dumps(kwargs).decode()
    except TypeError as error:
        raise BrythonCallError(f"the arguments to {name} must be JSON values: {error}") from None
    return (
        f"from reactpy_bridge import {_RUN_CALL}\n"
        f"from {module} import {qualname}\n"
        f"{_RUN_CALL}({call_id!r}, {qualname}, {kwargs_json!a})\n"
    )


def _check_arguments(function: Callable[..., Any], name: str, kwargs: dict[str, Any]) -> None:
    try:
        signature = inspect.signature(function, locals=_ANNOTATION_NAMES, eval_str=True)
    except NameError as error:
        raise BrythonCallError(f"cannot read the annotations of {name}: {error}") from None
    parameters = list(signature.parameters.values())
    leading = parameters[:1] if includes_result_callback(function) else []
    if not any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        unexpected = sorted(set(kwargs) - {parameter.name for parameter in parameters[len(leading) :]})
        if unexpected:
            raise BrythonCallError(f"{name}{signature} takes no argument {', '.join(map(repr, unexpected))}")
    try:
        signature.bind(*(None for _ in leading), **kwargs)
    except TypeError as error:
        raise BrythonCallError(f"{name}{signature}: {error}") from None


# Brython modules import typing names under TYPE_CHECKING only (typing costs the page ~1.6 s to
# load), so their annotations are resolved with these at hand.
_ANNOTATION_NAMES = {"Callable": Callable, "Any": Any}


@functools.cache
def _result_type(function: Callable[..., Any], name: str) -> TypeAdapter[Any]:
    """What the browser may report for ``function``: its return annotation (or the annotation of the
    value its ``report_result`` callback takes), any JSON value when it has none."""
    try:
        hints = get_type_hints(function, localns=_ANNOTATION_NAMES)
        if includes_result_callback(function):
            callback_parameter = next(iter(inspect.signature(function).parameters))
            callback_args = getattr(hints.get(callback_parameter), "__args__", None)
            result_annotation: Any = callback_args[0] if callback_args else JsonValue
        else:
            result_annotation = hints.get("return", JsonValue)
        return TypeAdapter(result_annotation)
    except (NameError, TypeError) as error:  # pydantic's schema errors are TypeErrors too
        raise BrythonCallError(
            f"cannot read the result type of {name} from its annotations: {error}"
        ) from None
