"""A stand-in for a runtime-checkable Protocol that records what it was asked about, for tests
that show a ReactPy patch answers its common cases without the (slow) Protocol check."""

from __future__ import annotations

import pytest

from heavy.realtime import reactpy_patches


def spy_on_protocol(monkeypatch: pytest.MonkeyPatch, original_name: str) -> list[object]:
    """Replace ``reactpy_patches.<original_name>`` (the Protocol a patch falls back to) with a class
    whose instance check answers as the Protocol does and records each value it was asked about."""
    protocol = getattr(reactpy_patches, original_name)
    calls: list[object] = []

    class _Spy(type):
        def __instancecheck__(cls, value: object) -> bool:
            calls.append(value)
            return isinstance(value, protocol)

    class SpiedProtocol(metaclass=_Spy):
        pass

    reactpy_patches.apply_reactpy_patches()
    monkeypatch.setattr(reactpy_patches, original_name, SpiedProtocol)
    return calls
