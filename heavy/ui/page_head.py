"""The ``<head>`` of every page: title (with the environment in DEV), viewport, stylesheets, Brython."""

from __future__ import annotations

from reactpy import html
from reactpy.core.types import VdomDict

from heavy_stack.config import Settings
from heavy_stack.dev.stylesheet_events import HOT_RELOAD_SCRIPT
from heavy_stack.frontend.brython_assets import brython_head_elements

APP_TITLE = "Heavy Stack"
STYLESHEETS = ("palette.css", "fonts.css", "common.css", "inputs.css")


def page_title(settings: Settings) -> str:
    return f"{APP_TITLE} [{settings.environment.value}]" if settings.is_dev else APP_TITLE


def page_head(settings: Settings, *, hot_reload: bool = False) -> VdomDict:
    """``hot_reload`` (``heavy dev`` only) adds the script that swaps changed stylesheets in."""
    return html.head(
        html.title(page_title(settings)),
        html.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        html.meta({"name": "color-scheme", "content": "light dark"}),
        html.link({"rel": "icon", "href": "/static/favicon.svg", "type": "image/svg+xml"}),
        *(html.link({"rel": "stylesheet", "href": f"/static/css/{name}"}) for name in STYLESHEETS),
        # Before the ReactPy client opens its websocket: adds the tab's id (state recovery).
        html.script({"src": "/static/js/heavy_tab.js"}),
        *brython_head_elements(settings),
        *([html.script({"src": HOT_RELOAD_SCRIPT})] if hot_reload else []),
    )
