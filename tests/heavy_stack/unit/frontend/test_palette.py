"""The palette meets WCAG AA contrast in both colour schemes, for every pair the stylesheets use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PALETTE = Path(__file__).resolve().parents[4] / "static" / "css" / "palette.css"
COLOUR = re.compile(r"--color-(?P<name>[\w-]+):\s*#(?P<hex>[0-9a-fA-F]{6})\s*;")

TEXT_PAIRS = [  # (foreground, background) of text: 4.5:1 (WCAG 1.4.3)
    ("text", "background"),
    ("text", "surface"),
    ("text", "surface-sunken"),
    ("text", "primary-soft"),
    ("heading", "background"),
    ("heading", "surface"),
    ("heading", "primary-soft"),
    ("text-muted", "background"),
    ("text-muted", "surface"),
    ("text-muted", "surface-sunken"),
    ("primary", "background"),
    ("primary", "surface"),
    ("primary", "surface-sunken"),
    ("primary-hover", "surface"),
    ("primary-text", "primary"),
    ("primary-text", "primary-hover"),
    ("success", "surface"),
    ("danger", "surface"),
    ("danger", "surface-sunken"),
]
UI_PAIRS = [  # input borders and the focus ring against what they sit on: 3:1 (WCAG 1.4.11)
    ("border-strong", "surface"),
    ("border-strong", "background"),
    ("focus", "background"),
    ("focus", "surface"),
    ("focus", "surface-sunken"),
    ("primary", "surface"),
]


def schemes() -> dict[str, dict[str, str]]:
    light, _, dark = PALETTE.read_text().partition("@media (prefers-color-scheme: dark)")
    return {
        scheme: {match["name"]: match["hex"] for match in COLOUR.finditer(block)}
        for scheme, block in (("light", light), ("dark", dark))
    }


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class TestPalette:
    def test_both_schemes_define_the_same_colours(self) -> None:
        light, dark = schemes().values()

        assert set(light) == set(dark)
        assert {name for pair in TEXT_PAIRS + UI_PAIRS for name in pair} <= set(light)

    @pytest.mark.parametrize("scheme", ["light", "dark"])
    @pytest.mark.parametrize(("minimum", "pairs"), [(4.5, TEXT_PAIRS), (3.0, UI_PAIRS)])
    def test_every_pair_meets_wcag_aa(
        self, scheme: str, minimum: float, pairs: list[tuple[str, str]]
    ) -> None:
        colours = schemes()[scheme]

        too_low = {
            f"{foreground} on {background}": round(ratio, 2)
            for foreground, background in pairs
            if (ratio := contrast(colours[foreground], colours[background])) < minimum
        }

        assert too_low == {}

    def test_the_contrast_formula_matches_known_values(self) -> None:
        assert contrast("000000", "ffffff") == pytest.approx(21.0)
        assert contrast("767676", "ffffff") == pytest.approx(4.54, abs=0.01)
