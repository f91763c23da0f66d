"""The bridge between ReactPy on the server and Brython in the page.

This file is imported by both interpreters. On the server, the executor
(``heavy/ui/brython_executors.py``) reads the marks :func:`called_from_reactpy` puts
on a function, and the id of each call's result field. In the browser, the script the executor
renders for a call runs :func:`run_call`: it calls the function and writes the outcome (the JSON
result, or the error raised) into the call's hidden input, whose ``input`` event carries it back
over ReactPy's websocket.

So: plain Python, with Brython's own modules (``browser``, ``javascript``) imported only where the
page runs them, and no ``typing`` or ``json`` import at run time: Brython compiles each on every
page load (about 300 ms apiece measured in Chromium); the browser's JSON does the work instead.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, overload

    F = TypeVar("F", bound=Callable[..., Any])
else:  # typing.overload, without importing typing in the browser

    def overload(function):
        return function


RESULT_FIELD_ID_PREFIX = "heavy-brython-result-"
"""The hidden input receiving one call's outcome has this id, followed by the call id."""

_MARK = "called_from_reactpy"
_WITH_CALLBACK = "includes_result_callback"

_calls_run: set[str] = set()


@overload
def called_from_reactpy(function: F, *, include_result_callback: bool = False) -> F: ...


@overload
def called_from_reactpy(  # noqa: F811  (ruff sees the run-time overload stand-in, not typing's)
    function: None = None, *, include_result_callback: bool = False
) -> Callable[[F], F]: ...


def called_from_reactpy(  # noqa: F811
    function: F | None = None, *, include_result_callback: bool = False
) -> F | Callable[[F], F]:
    """Mark a function as one the server may run in the page with ``brython_executor.call``.

    Plain use (``@called_from_reactpy``): the function's return value is its result. With
    ``@called_from_reactpy(include_result_callback=True)`` the function gets a
    ``report_result(value)`` callable as its first argument and calls it once, when the result is
    ready (after a timer, a promise or a user action). Annotate the return type (or the callback's
    value type): the server validates what the browser sends against it.
    """

    def mark(marked: F) -> F:
        setattr(marked, _MARK, True)
        setattr(marked, _WITH_CALLBACK, include_result_callback)
        return marked

    if function is None:
        return mark
    return mark(function)


def is_called_from_reactpy(function: object) -> bool:
    return getattr(function, _MARK, False) is True


def includes_result_callback(function: object) -> bool:
    return getattr(function, _WITH_CALLBACK, False) is True


def result_field_id(call_id: str) -> str:
    """The id of the hidden input that receives the outcome of call ``call_id``."""
    return RESULT_FIELD_ID_PREFIX + call_id


def run_call(call_id: str, function: Callable[..., Any], kwargs_json: str) -> None:
    """Run ``function(**kwargs)`` in the page and report its outcome to the server (Brython only).

    Runs each call once: ReactPy's client appends a script element again when it first re-renders
    it (its effect depends on a ref that is unset on the first render), so the same call's
    script can run twice.
    """
    from javascript import JSON

    if call_id in _calls_run:
        return
    _calls_run.add(call_id)

    def report_result(value: object = None) -> None:
        _report(call_id, {"result": value})

    try:
        kwargs = JSON.parse(kwargs_json)
        if includes_result_callback(function):
            function(report_result, **kwargs)
        else:
            report_result(function(**kwargs))
    except Exception as error:
        _report(call_id, {"error": type(error).__name__ + ": " + str(error)})


def _report(call_id: str, outcome: dict[str, object]) -> None:
    from browser import document, window
    from javascript import JSON

    try:
        payload = JSON.stringify(outcome)
    except Exception as error:  # Brython raises JavascriptError for values JSON cannot hold
        payload = JSON.stringify({"error": "the result is not JSON: " + str(error)})
    field = document.getElementById(result_field_id(call_id))
    if field is None:  # the server has dropped the call (its component is gone)
        return
    field.value = payload
    field.dispatchEvent(window.Event.new("input", {"bubbles": True}))
