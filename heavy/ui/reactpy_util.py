"""``heavy_event``, ``heavy_use_effect`` and ``heavy_use_context``: ReactPy's hooks, with a database.

An ``async`` function passed to any of them is called with a :class:`HeavyContext` first (the
user, and fresh sessions that are rolled back and closed afterwards); a plain function is called
as it is. Either way an exception is logged with the function's name and does not reach ReactPy,
so one failing handler never closes the connection.

ReactPy's own ``reactpy.use_effect`` and ``reactpy.event`` are replaced by functions that fail with
a message pointing here (see ``realtime/reactpy_patches.py``), because a handler that skips this
wrapper would run without a session and fail later, far from the cause.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from types import EllipsisType, FunctionType
from typing import Any, TypeVar, cast

from reactpy.core._life_cycle_hook import current_hook
from reactpy.core.events import EventHandler
from reactpy.core.events import event as reactpy_event
from reactpy.core.hooks import ConnectionContext
from reactpy.core.hooks import use_context as reactpy_use_context
from reactpy.core.hooks import use_effect as reactpy_use_effect
from reactpy.core.types import Context

from heavy.web.api_requests import open_heavy_context

logger = logging.getLogger(__name__)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
Dependencies = Sequence[Any] | EllipsisType | None


def heavy_event(
    function: Callable[..., Any],
    *,
    stop_propagation: bool = False,
    prevent_default: bool = False,
) -> EventHandler:
    """An event handler for ``html.button({"on_click": heavy_event(handler)})``.

    ``async def handler(context: HeavyContext, event: dict) -> None`` gets a fresh session;
    ``def handler(event: dict) -> None`` runs as it is.
    """
    wrapped = _with_heavy_context(function, "event handler")
    return reactpy_event(wrapped, stop_propagation=stop_propagation, prevent_default=prevent_default)


def heavy_use_effect(function: Callable[..., Any], dependencies: Dependencies = ...) -> None:
    """``use_effect`` whose async effects get a HeavyContext.

    Dependencies are inferred as in the original stack: an async effect with none given runs once
    (it usually loads data); a sync effect depends on the values it closes over, except functions,
    which change identity every render and would re-run the effect forever.
    """
    if dependencies is ...:
        if inspect.iscoroutinefunction(function):
            dependencies = []
        elif isinstance(function, FunctionType):
            closure_values = [cell.cell_contents for cell in function.__closure__ or ()]
            dependencies = [value for value in closure_values if not inspect.isfunction(value)]
        else:
            dependencies = None  # nothing to infer from: run after every render, as ReactPy would
    reactpy_use_effect(_with_heavy_context(function, "effect"), dependencies)


def heavy_use_context(context: Context[T]) -> T:
    """``use_context``; a provided async callable is wrapped so that each call gets a HeavyContext."""
    value = reactpy_use_context(context)
    if inspect.iscoroutinefunction(value):
        return cast(T, _with_heavy_context(value, "context callback"))
    return value


def _with_heavy_context(function: Callable[..., Any], kind: str) -> Callable[..., Any]:
    name = getattr(function, "__qualname__", repr(function))
    if not inspect.iscoroutinefunction(function):

        def run_plain(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception:
                logger.exception("error in %s %s", kind, name)
                return None

        return _named_after(function, run_plain)

    request_ctx = _current_request_ctx(kind)

    async def run_with_context(*args: Any, **kwargs: Any) -> Any:
        try:
            async with open_heavy_context(request_ctx) as context:
                return await function(context, *args, **kwargs)
        except Exception:
            logger.exception("error in %s %s", kind, name)
            return None

    return _named_after(function, run_with_context)


def _named_after(function: Callable[..., Any], wrapper: F) -> F:
    """Give ``wrapper`` the name of ``function`` (logs and traces show it), without functools.wraps:
    its ``__wrapped__`` and ``__dict__`` would cost about 150 bytes per handler in every open page,
    since handlers are wrapped again on each render."""
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        if hasattr(function, attribute):
            setattr(wrapper, attribute, getattr(function, attribute))
    return wrapper


def _current_request_ctx(kind: str) -> Any:
    """``request.ctx`` of the connection being rendered, read without using a hook slot.

    Reading the provider directly (instead of ``use_connection()``) means heavy_event can be called
    conditionally or in loops, like ReactPy's ``event``.
    """
    try:
        hook = current_hook()
    except RuntimeError:
        raise RuntimeError(
            f"an async {kind} must be wrapped while a component renders (inside a @component function)"
        ) from None
    provider = hook.get_context_provider(ConnectionContext)
    if provider is None or provider.value is None:
        raise RuntimeError(
            f"an async {kind} needs a connection: render it in a layout served by create_app()"
        )
    return provider.value.carrier.request.ctx
