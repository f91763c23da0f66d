"""The replayable-ids patch: handler ids follow from the page, so recorded events work on new connections."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from reactpy import component, html, use_state
from reactpy.backend.sanic import configure
from sanic import Sanic

from heavy.realtime.stream_client import StreamClient, walk
from heavy.ui.types import Component
from tests.support.servers import serve_in_process

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("reactpy_patched")]

_app_names = itertools.count()


@component
def CounterPage() -> Component:
    count, set_count = use_state(0)
    return html.div(
        html.h1("Counter"),
        html.button({"id": "counter", "on_click": lambda _: set_count(lambda n: n + 1)}, f"{count}"),
    )


@component
def GrowingList() -> Component:
    """Keyed items; "grow" puts a new item first, so an old item moves off the place it was mounted at."""
    initial_keys: tuple[str, ...] = ("a", "b")
    keys, set_keys = use_state(initial_keys)
    clicked, set_clicked = use_state("")

    def click_handler(key: str) -> Any:
        return lambda _: set_clicked(key)

    return html.div(
        html.button({"id": "grow", "on_click": lambda _: set_keys(lambda old: ("c", *old))}, "grow"),
        html.p({"id": "clicked"}, clicked),
        html.ul(
            [
                html.li({"key": key}, html.button({"id": f"item-{key}", "on_click": click_handler(key)}, key))
                for key in keys
            ]
        ),
    )


def bare_app(root: Any) -> Sanic[Any, Any]:
    app = Sanic(f"replayable_ids_{next(_app_names)}")
    configure(app, root)
    return app


def targets_of(client: StreamClient) -> dict[str, str]:
    """Handler ids by element id."""
    return {
        node["attributes"]["id"]: handler["target"]
        for node in walk(client.model)
        for handler in node.get("eventHandlers", {}).values()
    }


async def click_with_target_of_another_connection(base_url: str) -> tuple[str, str, str]:
    """Learn the button's id on one connection; on a new one click with it, then with the new id.

    Returns both ids and the count shown once the page has settled.
    """
    async with StreamClient.open(base_url, with_router=False) as first:
        await first.wait_for_element("counter")
        recorded_target = targets_of(first)["counter"]
    async with StreamClient.open(base_url, with_router=False) as second:
        await second.wait_for_element("counter")
        own_target = targets_of(second)["counter"]
        await second.send_event(recorded_target, {"type": "onClick"})
        await second.send_event(own_target, {"type": "onClick"})
        await second.wait_for(lambda client: client.text_of("counter") != "0")
        with contextlib.suppress(TimeoutError):
            while True:  # until the page settles
                await second.receive_update(timeout=0.3)
        return recorded_target, own_target, second.text_of("counter")


class TestReplayableHandlerIds:
    async def test_a_handler_has_the_same_id_on_every_connection(self) -> None:
        async with serve_in_process(bare_app(CounterPage)) as base_url:
            first, second, _ = await click_with_target_of_another_connection(base_url)

        assert first == second == "0/0/0/1:on_click", "the element's place in the page, then the event"

    async def test_an_event_recorded_on_one_connection_works_on_another(self) -> None:
        async with serve_in_process(bare_app(CounterPage)) as base_url:
            _, _, count = await click_with_target_of_another_connection(base_url)

        assert count == "2"

    @pytest.mark.usefixtures("without_patches")
    async def test_without_the_patch_ids_are_random_and_a_recorded_event_is_ignored(self) -> None:
        async with serve_in_process(bare_app(CounterPage)) as base_url:
            first, second, text = await click_with_target_of_another_connection(base_url)

        assert first != second
        assert text == "1", "only the click with this connection's own id counted"

    async def test_an_element_mounted_where_a_moved_one_was_gets_a_distinct_id(self) -> None:
        async with (
            serve_in_process(bare_app(GrowingList)) as base_url,
            StreamClient.open(base_url, with_router=False) as client,
        ):
            await client.wait_for_element("item-a")
            before = targets_of(client)
            await client.click("grow")
            await client.wait_for_element("item-c")
            after = targets_of(client)
            for key in ("c", "a", "b"):
                await client.click(f"item-{key}")
                await client.wait_for_text("clicked", key)

        assert after["item-a"] == before["item-a"], "a moved element keeps its id"
        assert after["item-c"] == f"{before['item-a']}~2", "the newcomer's id is taken, so it gets a suffix"
        assert len(set(after.values())) == len(after)
