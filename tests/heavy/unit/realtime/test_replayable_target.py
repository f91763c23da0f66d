"""Handler ids made from the element's place in the page and the event name."""

from __future__ import annotations

from heavy.realtime.reactpy_patches import replayable_target


def test_the_place_in_the_page_then_the_event() -> None:
    assert replayable_target("/children/0/children/12/children/3", "on_click", set()) == "0/12/3:on_click"


def test_the_root_element() -> None:
    assert replayable_target("", "on_submit", set()) == ":on_submit"


def test_an_id_held_by_another_live_handler_gets_the_next_free_suffix() -> None:
    taken = {"0/1:on_click", "0/1:on_click~2"}

    assert replayable_target("/children/0/children/1", "on_click", taken) == "0/1:on_click~3"
