"""Fixtures for integration suites that show what a ReactPy patch fixes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from heavy.realtime import reactpy_patches


@pytest.fixture
def reactpy_patched() -> None:
    """Every patch applied, as ``create_app()`` does (for tests that build bare ReactPy apps)."""
    reactpy_patches.apply_reactpy_patches()


@pytest.fixture
def without_patches(reactpy_patched: None) -> Iterator[None]:
    """ReactPy as shipped for one test, to show the defect a patch fixes; patched again afterwards."""
    reactpy_patches.remove_reactpy_patches()
    try:
        yield
    finally:
        reactpy_patches.apply_reactpy_patches()
