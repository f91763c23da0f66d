"""``Component``: the return type of components and the element type of children lists.

ReactPy's own annotations are narrower than what a component may return (a VDOM dict, another
component, a string, or nothing), so mypy rejects common, correct code such as building a list of
children. One alias, used everywhere, keeps that code typed without casts.
"""

from typing import TypeAlias

from reactpy.core.types import ComponentType, VdomDict

Component: TypeAlias = ComponentType | VdomDict | str | None
