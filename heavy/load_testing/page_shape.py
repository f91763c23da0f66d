"""The shape of a page model: what a replay compares, leaving out what changes from run to run.

Two renders of the same page have the same shape when they have the same elements (tag, ``id``,
event names, render error or not) in the same order. Text, other attribute values and keyed
children are left out: they hold counters, clocks, database rows (search results) and
reactpy-router's random ``link-<uuid>`` class names, which differ on every run without the page
being any different.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from heavy.realtime.stream_client import Model, walk


class ElementShape(NamedTuple):
    tag: str
    id: str | None
    events: tuple[str, ...]
    failed_to_render: bool
    children: tuple[ElementShape, ...]

    def label(self) -> str:
        """``<section#vector-search>``: how messages name an element."""
        return f"<{self.tag or 'fragment'}{f'#{self.id}' if self.id else ''}>"


def shape_of(node: Model) -> ElementShape:
    return ElementShape(
        tag=str(node.get("tagName", "")),
        id=_id_of(node),
        events=tuple(sorted(node.get("eventHandlers", {}))),
        failed_to_render="error" in node,
        children=tuple(
            shape_of(child)
            for child in node.get("children", ())
            if isinstance(child, dict) and "key" not in child
        ),
    )


def first_difference(expected: ElementShape, actual: ElementShape) -> str:
    """Where two shapes first differ, in words: the nearest named element above, the child indexes, what."""
    return _first_difference(expected, actual, within=None, indexes=[])


def _first_difference(
    expected: ElementShape, actual: ElementShape, within: ElementShape | None, indexes: list[int]
) -> str:
    if expected[:4] != actual[:4]:
        where = f"child {'/'.join(map(str, indexes))}" if indexes else "the top element"
        inside = f"inside {within.label()}, " if within is not None else ""
        return f"{inside}at {where}: expected {_describe(expected)}, got {_describe(actual)}"
    if expected.tag:  # a named element: report positions from here on
        within, indexes = expected, []
    pairs = zip(expected.children, actual.children, strict=False)
    for index, (expected_child, actual_child) in enumerate(pairs):
        if expected_child != actual_child:
            return _first_difference(expected_child, actual_child, within, [*indexes, index])
    count, recorded = len(actual.children), len(expected.children)
    return f"{expected.label()} has {count} child element(s) where the recording has {recorded}"


def _describe(shape: ElementShape) -> str:
    if shape.failed_to_render:
        return "a component that failed to render"
    events = f" handling {', '.join(shape.events)}" if shape.events else ""
    return f"{shape.label()}{events}"


def node_at(model: Model, path: str) -> Model | None:
    """The element at a layout-update path (a JSON pointer such as ``/children/0/children/2``)."""
    node: Any = model
    for part in path.split("/")[1:]:
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return node if isinstance(node, dict) else None


def covers(update_path: str, path: str) -> bool:
    """Whether an update at ``update_path`` replaces the part at ``path`` (the same part or an ancestor)."""
    return path == update_path or path.startswith(update_path + "/")


def handler_targets(model: Model) -> set[str]:
    return {
        str(handler["target"]) for node in walk(model) for handler in node.get("eventHandlers", {}).values()
    }


def find_handler(model: Model, target: str) -> tuple[str, list[Model]] | None:
    """The event name and the element path (root first, the element last) of the handler ``target``."""
    for event, handler_target, lineage in _handlers_with_lineage(model, []):
        if handler_target == target:
            return event, lineage
    return None


def _handlers_with_lineage(node: Model, ancestors: list[Model]) -> Iterator[tuple[str, str, list[Model]]]:
    lineage = [*ancestors, node]
    for event, handler in node.get("eventHandlers", {}).items():
        yield event, str(handler["target"]), lineage
    for child in node.get("children", ()):
        if isinstance(child, dict):
            yield from _handlers_with_lineage(child, lineage)


def describe_part(node: Model | None) -> str:
    """A part of the page by its id (``#vector-search``), else by the first id inside it, else a tag."""
    if node is None:
        return "a part of the page that is not there"
    for element in walk(node):
        element_id = _id_of(element)
        if element_id:
            return f"#{element_id}" if element is node else f"the part holding #{element_id}"
    tags = [str(element.get("tagName")) for element in walk(node) if element.get("tagName")]
    return f"<{tags[0]}>" if tags else "an empty part of the page"


def describe_lineage(lineage: list[Model]) -> str:
    """An element by its id, else by its tag and the nearest ancestor with an id."""
    element = lineage[-1]
    element_id = _id_of(element)
    if element_id:
        return f"#{element_id}"
    tag = f"<{element.get('tagName') or 'fragment'}>"
    for ancestor in reversed(lineage[:-1]):
        ancestor_id = _id_of(ancestor)
        if ancestor_id:
            return f"{tag} in #{ancestor_id}"
    return tag


def _id_of(node: Model) -> str | None:
    value = node.get("attributes", {}).get("id")
    return None if value is None else str(value)
