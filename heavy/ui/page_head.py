"""The ``<head>`` of every page: title (with the environment in DEV), viewport, stylesheets, Brython."""

from __future__ import annotations

from reactpy import html
from reactpy.core.types import VdomDict

from heavy.app import current_app
from heavy.config import HeavySettings
from heavy.dev.stylesheet_events import HOT_RELOAD_SCRIPT
from heavy.ui.brython_assets import brython_head_elements

TAB_SCRIPT = "/_heavy/static/js/heavy_tab.js"


def page_title(settings: HeavySettings) -> str:
    """The app's title (``HeavyApp.title``), with the environment in DEV."""
    title = current_app().title
    return f"{title} [{settings.environment.value}]" if settings.is_dev else title


def page_head(settings: HeavySettings, *, hot_reload: bool = False) -> VdomDict:
    """``hot_reload`` (``heavy dev`` only) adds the script that swaps changed stylesheets in."""
    return html.head(
        html.title(page_title(settings)),
        html.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        html.meta({"name": "color-scheme", "content": "light dark"}),
        html.link({"rel": "icon", "href": "/static/favicon.svg", "type": "image/svg+xml"}),
        *(
            html.link({"rel": "stylesheet", "href": f"/static/css/{name}"})
            for name in current_app().stylesheets
        ),
        # Before the ReactPy client opens its websocket: adds the tab's id (state recovery).
        html.script({"src": TAB_SCRIPT}),
        *brython_head_elements(settings),
        *([html.script({"src": HOT_RELOAD_SCRIPT})] if hot_reload else []),
    )
