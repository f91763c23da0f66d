"""The in-process click path runs every handler and reports how each compares with a plain one."""

from __future__ import annotations

from bench import click_path


async def test_every_handler_is_clicked_and_compared_with_the_plain_one() -> None:
    results = await click_path.measure(clicks=30)

    for handler in click_path.HANDLERS:
        assert results[handler]["samples"] == 30
        assert results[handler]["p50_ms"] > 0
    assert results["ratios_p50_to_plain"]["plain"] == 1.0
    assert set(results["ratios_p50_to_plain"]) == set(click_path.HANDLERS)
