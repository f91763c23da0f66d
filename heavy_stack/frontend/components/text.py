"""Text: the page title, paragraphs and preformatted blocks from indented source, bulleted lists."""

from __future__ import annotations

import textwrap
from typing import TypeAlias

from reactpy import html
from reactpy.core.types import VdomDict

from heavy.ui import Component
from heavy_stack.frontend.components.element_attributes import class_names, element_attributes

ListItem: TypeAlias = "Component | tuple[Component, *tuple[ListItem, ...]]"
"""A bullet: its content, or a tuple of its content followed by the bullets nested under it."""


def PageTitle(title: str, subtitle: str | None = None, *, id: str | None = None) -> VdomDict:
    """The page's one ``<h1>``, with an optional line under it."""
    return html.header(
        {"class_name": "page-title"},
        html.h1(element_attributes(id=id), title),
        *([html.p({"class_name": "page-subtitle"}, subtitle)] if subtitle else []),
    )


def paragraph(text: str, *, id: str | None = None, class_name: str = "") -> VdomDict:
    """A ``<p>`` from text written indented in source: dedented, stripped, lines joined by spaces."""
    return html.p(element_attributes(id=id, class_name=class_name or None), _flowing(text))


def preformatted(
    text: str, *, id: str | None = None, class_name: str = "", label: str | None = None
) -> VdomDict:
    """A ``<pre>`` block (code, logs, legal text) from indented source: dedented, line breaks kept.

    ``label`` names the block for screen readers; the block scrolls sideways on narrow screens
    and can be focused, so keyboard users can scroll it too.
    """
    return html.pre(
        element_attributes(
            id=id,
            class_name=class_names("preformatted", class_name),
            tab_index=0,
            aria_label=label,
            role="region" if label else None,
        ),
        textwrap.dedent(text).strip("\n"),
    )


def BulletedList(*items: ListItem, id: str | None = None, class_name: str = "") -> VdomDict:
    """A ``<ul>``. Each item is content, or a tuple: content, then the items nested under it.

    A single multi-line string is split into one item per non-blank line (after dedenting), so
    a list can be written as an indented block in source.
    """
    if len(items) == 1 and isinstance(items[0], str) and "\n" in items[0]:
        items = tuple(line.strip() for line in textwrap.dedent(items[0]).splitlines() if line.strip())
    return html.ul(
        element_attributes(id=id, class_name=class_names("bulleted-list", class_name)),
        *(_list_item(item) for item in items),
    )


def _list_item(item: ListItem) -> VdomDict:
    if isinstance(item, tuple):
        content, *nested = item
        return html.li(content, BulletedList(*nested)) if nested else html.li(content)
    return html.li(item)


def _flowing(text: str) -> str:
    return " ".join(textwrap.dedent(text).split())
