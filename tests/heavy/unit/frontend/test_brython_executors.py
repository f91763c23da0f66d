"""BrythonExecutor: what call() refuses, the script it writes, and how it checks what comes back."""

from __future__ import annotations

import ast
import logging
from typing import Any

import pytest
from heavy_brython.navigate import open_new_tab
from heavy_brython.scrolling import scroll_to_top
from heavy_brython.storage import get_local_storage
from heavy_brython.timezones import get_timezone_name_and_offset
from heavy_stack_brython.clipboard import copy_text
from reactpy import component, html, use_state
from reactpy_bridge import called_from_reactpy, result_field_id

from heavy.errors import BrythonCallError
from heavy.ui.brython_executors import (
    BrythonExecutor,
    BrythonExecutorContext,
    BrythonExecutorProvider,
    PendingBrythonCall,
)
from heavy.ui.reactpy_util import heavy_event, heavy_use_context
from heavy.ui.types import Component
from tests.support.layout import render_layout

LOGGER = "heavy.ui.brython_executors"


@called_from_reactpy
def not_in_a_served_module() -> None:
    """Marked, but the page cannot import this test module."""


def report(text: str) -> dict[str, Any]:
    """The input event the bridge fires: the report is the hidden field's value."""
    return {"type": "input", "target": {"tagName": "INPUT", "value": text}}


def only_call(executor: BrythonExecutor) -> PendingBrythonCall:
    (call,) = executor.pending_calls
    return call


def string_literals(script: str) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(script))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


class TestCall:
    def test_writes_a_script_that_imports_the_function_and_runs_it_with_the_arguments_as_json(self) -> None:
        executor = BrythonExecutor()

        executor.call(open_new_tab, url='https://example.com/?q="quoted"\n</script>é')

        call = only_call(executor)
        assert call.function_name == "heavy_brython.navigate.open_new_tab"
        lines = call.script.splitlines()
        assert lines[:2] == [
            "from reactpy_bridge import run_call",
            "from heavy_brython.navigate import open_new_tab",
        ]
        assert lines[2].startswith(f"run_call({call.call_id!r}, open_new_tab, ")
        call_id, kwargs_json = string_literals(call.script)
        assert call_id == call.call_id
        assert kwargs_json == '{"url":"https://example.com/?q=\\"quoted\\"\\n</script>\\u00e9"}'.replace(
            "\\u00e9", "é"
        )
        assert lines[2].isascii(), "non-ASCII text travels escaped"

    def test_each_call_gets_its_own_id(self) -> None:
        executor = BrythonExecutor()

        executor.call(scroll_to_top)
        executor.call(scroll_to_top)

        first, second = executor.pending_calls
        assert first.call_id != second.call_id
        assert len(first.call_id) == 32

    def test_refuses_positional_arguments(self) -> None:
        executor = BrythonExecutor()

        with pytest.raises(BrythonCallError, match="keywords only"):
            executor.call(open_new_tab, None, "https://example.com")
        with pytest.raises(BrythonCallError, match="keywords only"):
            executor.call(open_new_tab, "https://example.com")  # type: ignore[arg-type]
        assert executor.pending_calls == ()

    def test_refuses_arguments_the_function_does_not_take(self) -> None:
        executor = BrythonExecutor()

        with pytest.raises(
            BrythonCallError, match=r"open_new_tab\(url: str\) -> bool takes no argument 'ur'"
        ):
            executor.call(open_new_tab, ur="https://example.com")
        with pytest.raises(BrythonCallError, match="missing a required argument: 'url'"):
            executor.call(open_new_tab)

    def test_refuses_values_json_cannot_hold(self) -> None:
        with pytest.raises(BrythonCallError, match="must be JSON values"):
            BrythonExecutor().call(open_new_tab, url=object())

    def test_refuses_a_function_not_marked_called_from_reactpy(self) -> None:
        with pytest.raises(BrythonCallError, match="not marked @called_from_reactpy"):
            BrythonExecutor().call(print)

    def test_refuses_a_function_the_page_cannot_import(self) -> None:
        with pytest.raises(BrythonCallError, match="not in a served Brython module"):
            BrythonExecutor().call(not_in_a_served_module)

    async def test_outside_a_provider_says_where_the_provider_goes(self) -> None:
        errors: list[str] = []

        @component
        def Orphan() -> Component:
            try:
                heavy_use_context(BrythonExecutorContext).call(scroll_to_top)
            except BrythonCallError as error:
                errors.append(str(error))
            return html.p("orphan")

        async with render_layout(Orphan()):
            pass

        assert len(errors) == 1
        assert "no BrythonExecutorProvider above this component" in errors[0]

    def test_keeps_at_most_max_pending_calls_dropping_the_oldest_with_a_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        executor = BrythonExecutor(max_pending_calls=2)

        with caplog.at_level(logging.WARNING, logger=LOGGER):
            for _ in range(3):
                executor.call(scroll_to_top)

        assert len(executor.pending_calls) == 2
        assert "more than 2 calls wait for the browser" in caplog.text


class TestSettle:
    def test_a_valid_result_is_returned_validated_and_the_call_is_done(self) -> None:
        executor = BrythonExecutor()
        executor.call(get_timezone_name_and_offset)
        call = only_call(executor)

        settled = executor.settle(call.call_id, report('{"result": ["Europe/Paris", 60]}'))

        assert settled == (call, ("Europe/Paris", 60))
        assert executor.pending_calls == ()

    def test_a_callback_function_is_validated_against_its_callbacks_value_type(self) -> None:
        executor = BrythonExecutor()
        executor.call(copy_text, text="x")
        call_id = only_call(executor).call_id

        assert executor.settle(call_id, report('{"result": true}')) is not None

    def test_a_result_of_the_wrong_type_is_refused_and_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        executor = BrythonExecutor()
        executor.call(get_timezone_name_and_offset)
        call_id = only_call(executor).call_id

        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert executor.settle(call_id, report('{"result": ["Europe/Paris", "sixty"]}')) is None

        assert "refused the result of Brython call heavy_brython.timezones" in caplog.text
        assert "not a valid result: 1: Input should be a valid integer" in caplog.text

    def test_a_result_over_the_limit_is_refused_before_it_is_parsed(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        executor = BrythonExecutor(max_result_chars=100)
        executor.call(get_local_storage, key="big")
        call_id = only_call(executor).call_id
        big = '{"result": "' + "x" * 200 + '"}'

        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert executor.settle(call_id, report(big)) is None

        assert f"{len(big)} characters, over the limit of 100" in caplog.text
        assert executor.pending_calls == ()

    @pytest.mark.parametrize(
        ("event", "reason"),
        [
            (report("not json"), "not JSON"),
            (report('{"result": 1, "extra": 2}'), "not a report"),
            (report("[1]"), "not a report"),
            (report('{"error": "TypeError: boom"}'), "the function raised in the browser: 'TypeError: boom'"),
            ({"target": {"value": 5}}, "the event carries no text value"),
            ("junk", "the event carries no text value"),
        ],
    )
    def test_anything_else_is_refused_and_logged(
        self, event: Any, reason: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        executor = BrythonExecutor()
        executor.call(open_new_tab, url="/")
        call_id = only_call(executor).call_id

        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert executor.settle(call_id, event) is None

        assert reason in caplog.text

    def test_a_second_report_for_a_call_is_ignored(self) -> None:
        executor = BrythonExecutor()
        executor.call(open_new_tab, url="/")
        call_id = only_call(executor).call_id

        assert executor.settle(call_id, report('{"result": true}')) is not None
        assert executor.settle(call_id, report('{"result": false}')) is None


@component
def OpensATab() -> Component:
    """Asks the page to open a tab, and shows what the page answered."""
    brython_executor = heavy_use_context(BrythonExecutorContext)
    answer, set_answer = use_state("none")
    clicks, set_clicks = use_state(0)

    def open_tab(_event: object) -> None:
        brython_executor.call(open_new_tab, lambda opened: set_answer(repr(opened)), url="/other")

    return html.div(
        html.button({"id": "open", "on_click": heavy_event(open_tab)}, "open"),
        html.button(
            {"id": "rerender", "on_click": heavy_event(lambda _: set_clicks(clicks + 1))}, f"{clicks}"
        ),
        html.p({"id": "answer"}, answer),
    )


class TestBrythonExecutorProvider:
    async def test_renders_each_call_as_a_keyed_script_and_a_hidden_result_field(self) -> None:
        async with render_layout(BrythonExecutorProvider(OpensATab())) as page:
            await page.trigger("open", "on_click", {})
            await page.wait_for(lambda p: bool(p.get("brython-calls").get("children")))

            (slot,) = page.get("brython-calls")["children"]
            script, field = slot["children"]
            call_id = slot["key"]
            assert script["tagName"] == "script"
            assert script["attributes"] == {"type": "text/python"}
            assert "open_new_tab" in script["children"][0]
            assert field["attributes"] == {"type": "hidden", "id": result_field_id(call_id)}
            assert "on_input" in field["eventHandlers"]

    async def test_re_renders_keep_the_same_script_and_a_report_delivers_the_result_and_removes_it(
        self,
    ) -> None:
        async with render_layout(BrythonExecutorProvider(OpensATab())) as page:
            await page.trigger("open", "on_click", {})
            await page.wait_for(lambda p: bool(p.get("brython-calls").get("children")))
            slot_before = page.get("brython-calls")["children"][0]

            await page.trigger("rerender", "on_click", {})
            await page.wait_for(lambda p: p.text_of("rerender") == "1")
            assert page.get("brython-calls")["children"] == [slot_before], (
                "an app re-render leaves calls alone"
            )

            await page.trigger(result_field_id(slot_before["key"]), "on_input", report('{"result": true}'))
            await page.wait_for(lambda p: p.text_of("answer") == "True")
            await page.wait_for(lambda p: not p.get("brython-calls").get("children"))


class TestResultTypes:
    def test_an_annotation_the_server_cannot_resolve_is_a_clear_error(self) -> None:
        @called_from_reactpy
        def unresolvable() -> NoSuchType:  # type: ignore[name-defined]  # noqa: F821
            pass

        unresolvable.__module__ = "heavy_stack_brython.made_up"  # as if it were served
        unresolvable.__qualname__ = "unresolvable"

        with pytest.raises(
            BrythonCallError, match=r"cannot read the annotations of .*unresolvable: name 'NoSuchType'"
        ):
            BrythonExecutor().call(unresolvable)
