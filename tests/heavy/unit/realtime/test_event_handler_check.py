"""ReactPy's own EventHandler objects in element attributes skip the slow runtime Protocol check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pytest
import reactpy.core.vdom as reactpy_vdom
from reactpy.core.events import EventHandler
from reactpy.core.vdom import separate_attributes_and_event_handlers

from heavy.realtime import reactpy_patches
from tests.support.protocol_spy import spy_on_protocol


@pytest.fixture
def spied_protocol(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    return spy_on_protocol(monkeypatch, "_ORIGINAL_EVENT_HANDLER_TYPE")


async def handle(data: Sequence[Any]) -> None:
    return None


class DuckTypedHandler:
    """Not ReactPy's class, but shaped like an event handler: still recognised."""

    function = staticmethod(handle)
    prevent_default = False
    stop_propagation = False
    target = None


def test_the_patch_is_in_place() -> None:
    reactpy_patches.apply_reactpy_patches()

    assert vars(reactpy_vdom)["EventHandlerType"] is reactpy_patches.FastEventHandlerType


def test_an_event_handler_is_recognised_without_the_protocol_check(spied_protocol: list[object]) -> None:
    handler = EventHandler(handle)

    _, handlers = separate_attributes_and_event_handlers({"on_click": handler, "id": "x"})

    assert handlers == {"on_click": handler}
    assert spied_protocol == []


def test_other_handler_shaped_objects_still_get_the_protocol_check(spied_protocol: list[object]) -> None:
    handler = DuckTypedHandler()

    attributes, handlers = separate_attributes_and_event_handlers({"on_click": handler})

    assert list(handlers) == ["on_click"]
    assert handlers["on_click"] is cast(object, handler)
    assert attributes == {}
    assert spied_protocol == [handler]
