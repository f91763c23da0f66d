"""Building the attribute dict of a kit element: joined class names, and no attribute left unset."""

from __future__ import annotations

from typing import Any


def class_names(*names: str | None) -> str:
    """``class_names("section", extra)``: the non-empty names, space-separated."""
    return " ".join(name for name in names if name)


def element_attributes(**attributes: Any) -> dict[str, Any]:
    """The attributes whose value is set: ``None`` and ``False`` leave the attribute out, as in HTML."""
    return {name: value for name, value in attributes.items() if value is not None and value is not False}
