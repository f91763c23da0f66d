from __future__ import annotations

import logging

import orjson
import pytest

from heavy.realtime.stream_guard import StreamGuard, StreamLimits

EVENT = {"type": "layout-event", "target": "abc", "data": [{"x": 1}]}
TARGETS = {"abc"}  # the handlers on the page


class TestStreamGuard:
    def test_a_valid_event_passes(self) -> None:
        assert StreamGuard().accept(orjson.dumps(EVENT), TARGETS) == EVENT

    @pytest.mark.parametrize(
        ("raw", "kind"),
        [
            (b"{not json", "malformed"),
            (b"[1, 2]", "malformed"),
            (orjson.dumps({"type": "layout-update", "target": "x", "data": []}), "unknown-type"),
            (orjson.dumps({"type": "layout-event", "data": []}), "malformed-event"),
            (orjson.dumps({"type": "layout-event", "target": 5, "data": []}), "malformed-event"),
            (orjson.dumps({"type": "layout-event", "target": "x", "data": "not a list"}), "malformed-event"),
            (orjson.dumps({"type": "layout-event", "target": "x" * 500, "data": []}), "malformed-event"),
        ],
    )
    def test_bad_messages_are_refused_by_kind(self, raw: bytes, kind: str) -> None:
        guard = StreamGuard()

        assert guard.accept(raw, TARGETS) is None
        assert guard.refused == {kind: 1}

    def test_a_flood_is_cut_to_the_burst(self) -> None:
        guard = StreamGuard(StreamLimits(max_events_per_second=0.001, event_burst=10))

        accepted = [guard.accept(EVENT, TARGETS) for _ in range(100)]

        assert sum(event is not None for event in accepted) == 10
        assert guard.refused == {"flood": 90}

    def test_refusals_are_logged_once_per_interval(self, caplog: pytest.LogCaptureFixture) -> None:
        guard = StreamGuard()
        with caplog.at_level(logging.WARNING, logger="heavy.realtime.stream_guard"):
            for _ in range(50):
                guard.accept(b"garbage", TARGETS)

        assert len(caplog.records) == 1

    def test_an_event_for_a_handler_the_page_does_not_have_is_refused_and_logged_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        guard = StreamGuard()
        unknown = orjson.dumps({**EVENT, "target": "gone:on_click"})
        with caplog.at_level(logging.WARNING, logger="heavy.realtime.stream_guard"):
            accepted = [guard.accept(unknown, TARGETS) for _ in range(50)]

        assert accepted == [None] * 50
        assert guard.refused == {"unknown-target": 50}
        assert [record.getMessage() for record in caplog.records] == [
            "stream: dropped an event for a handler the page does not have (1 so far on this connection)"
        ]
