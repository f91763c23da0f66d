"""Helpers shared by the test suites of the runtime (tests/heavy/) and of the app (tests/heavy_stack/)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout: pyproject.toml, the two packages, docs/, tests/."""
