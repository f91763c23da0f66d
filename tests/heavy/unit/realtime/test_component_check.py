"""Rendering without needless work: text children and ReactPy's own components skip the slow
ComponentType Protocol check, and a hook's render guard is taken without a trip through the loop."""

from __future__ import annotations

import asyncio

import pytest
import reactpy.core._life_cycle_hook as life_cycle_hook_module
import reactpy.core.layout as reactpy_layout
from reactpy import component, html
from reactpy.config import REACTPY_CHECK_VDOM_SPEC, REACTPY_DEBUG_MODE
from reactpy.core._life_cycle_hook import LifeCycleHook
from reactpy.core.layout import Layout

from heavy.realtime import reactpy_patches
from tests.support.protocol_spy import spy_on_protocol


@pytest.fixture
def spied_protocol(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    return spy_on_protocol(monkeypatch, "_ORIGINAL_COMPONENT_TYPE")


@component
def Child(label: str) -> html.span:  # type: ignore[valid-type]
    return html.span(label)


@component
def Page() -> html.div:  # type: ignore[valid-type]
    return html.div("some text", html.p("more text"), Child("a component child"))


def test_the_patch_is_in_place() -> None:
    reactpy_patches.apply_reactpy_patches()

    assert vars(reactpy_layout)["ComponentType"] is reactpy_patches.FastComponentType


async def test_a_render_of_text_and_components_never_asks_the_protocol(spied_protocol: list[object]) -> None:
    async with Layout(Page()) as layout:
        update = await layout.render()

    assert "a component child" in str(update["model"])
    assert spied_protocol == []


def test_text_is_no_component_and_a_component_is_one() -> None:
    reactpy_patches.apply_reactpy_patches()

    assert not isinstance("text", reactpy_patches.FastComponentType)
    assert isinstance(Child("x"), reactpy_patches.FastComponentType)
    assert not isinstance(object(), reactpy_patches.FastComponentType)


class TestRenderGuard:
    def test_the_patch_is_in_place(self) -> None:
        reactpy_patches.apply_reactpy_patches()

        assert vars(life_cycle_hook_module)["Semaphore"] is reactpy_patches._render_lock

    async def test_a_free_render_guard_is_taken_without_yielding_to_the_event_loop(self) -> None:
        """anyio's Semaphore yields on every acquire (a checkpoint): one trip through the loop per
        component render, which fan-out to many tabs pays many times over."""
        reactpy_patches.apply_reactpy_patches()
        hook = LifeCycleHook(lambda: None)
        others_ran: list[bool] = []
        other = asyncio.get_running_loop().call_soon(others_ran.append, True)

        await hook.affect_component_will_render(Child("x"))
        ran_meanwhile = bool(others_ran)
        await hook.affect_component_did_render()
        other.cancel()

        assert not ran_meanwhile

    async def test_it_still_admits_one_render_at_a_time(self) -> None:
        reactpy_patches.apply_reactpy_patches()
        hook = LifeCycleHook(lambda: None)
        order: list[str] = []
        first_may_finish = asyncio.Event()

        async def render(label: str, finish: asyncio.Event) -> None:
            await hook.affect_component_will_render(Child(label))
            order.append(f"{label} starts")
            await finish.wait()
            order.append(f"{label} ends")
            await hook.affect_component_did_render()

        first = asyncio.create_task(render("first", first_may_finish))
        await asyncio.sleep(0)
        ready = asyncio.Event()
        ready.set()
        second = asyncio.create_task(render("second", ready))
        await asyncio.sleep(0.01)
        first_may_finish.set()
        await asyncio.wait_for(asyncio.gather(first, second), 1)

        assert order == ["first starts", "first ends", "second starts", "second ends"]


class TestRenderOptions:
    def test_options_read_on_every_render_have_values_of_their_own(self) -> None:
        reactpy_patches.apply_reactpy_patches()

        for option in reactpy_patches._RENDER_OPTIONS:
            assert option.is_set(), f"{option.name} answers through a caught AttributeError"
            assert option.current == option.default

    def test_setting_one_afterwards_still_takes_effect(self) -> None:
        reactpy_patches.apply_reactpy_patches()
        try:
            REACTPY_DEBUG_MODE.current = True
            assert REACTPY_CHECK_VDOM_SPEC.current is True  # a child option follows its parent
        finally:
            REACTPY_DEBUG_MODE.current = False
        assert REACTPY_CHECK_VDOM_SPEC.current is False
