"""bench.guestbook_latency measures what it says: one sample per entry, each entry shown in the
other tab (the figures themselves are in docs/performance.md, never asserted)."""

from __future__ import annotations

import pytest

from bench.guestbook_latency import measure
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow


async def test_every_entry_signed_in_one_tab_is_timed_until_the_other_shows_it(
    live_server: ServerProcess,
) -> None:
    samples = await measure(live_server.base_url, entries=3)

    assert len(samples) == 3
    assert all(sample > 0 for sample in samples)
