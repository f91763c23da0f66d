"""``heavy load-test --duration`` takes seconds or Locust's 1h30m form."""

from __future__ import annotations

import click
import pytest

from heavy.cli.load_test import Duration


@pytest.mark.parametrize(
    ("given", "seconds"), [("90", 90), ("90s", 90), ("5m", 300), ("1h30m", 5400), ("1h2m3s", 3723), (45, 45)]
)
def test_a_duration_in_seconds(given: str | int, seconds: int) -> None:
    assert Duration().convert(given, None, None) == seconds


@pytest.mark.parametrize("given", ["", "0", "soon", "5x", "-3"])
def test_anything_else_is_refused(given: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a duration"):
        Duration().convert(given, None, None)
