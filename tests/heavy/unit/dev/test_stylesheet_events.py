"""The stylesheet swap exists only under heavy dev, and never with PRODUCTION settings."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from reactpy.core.types import VdomDict
from sanic import Sanic

from heavy.app_factory import create_app
from heavy.config import load_settings
from heavy.dev.stylesheet_events import HOT_RELOAD_SCRIPT, STYLESHEET_EVENTS_PATH
from heavy.errors import ConfigurationError
from heavy.ui.page_head import page_head

_app_numbers = itertools.count()
DEV = load_settings(_env_file=None)


def script_sources(head: VdomDict) -> list[str]:
    return [
        str(child["attributes"]["src"])
        for child in head.get("children", [])
        if isinstance(child, dict) and child.get("tagName") == "script"
    ]


class TestHotReloadInThePage:
    def test_the_head_loads_the_script_only_with_hot_reload(self) -> None:
        assert HOT_RELOAD_SCRIPT not in script_sources(page_head(DEV))
        assert HOT_RELOAD_SCRIPT in script_sources(page_head(DEV, hot_reload=True))

    def test_the_event_stream_is_served_only_with_hot_reload(self) -> None:
        plain = create_app(DEV, name=f"plain_{next(_app_numbers)}")
        hot = create_app(DEV, name=f"hot_{next(_app_numbers)}", hot_reload=True)

        def paths(app: Sanic[Any, Any]) -> set[str]:
            return {"/" + route.path for route in app.router.routes}

        assert STYLESHEET_EVENTS_PATH not in paths(plain)
        assert STYLESHEET_EVENTS_PATH in paths(hot)

    def test_production_settings_refuse_hot_reload(self) -> None:
        production = load_settings(
            _env_file=None,
            environment="PRODUCTION",
            secret_key="a-long-enough-production-secret-key-0123456789",
            sql_db_url="postgresql://app@db.example/app",
            vector_db_url="postgresql://app@db.example/vectors",
        )

        with pytest.raises(ConfigurationError, match="hot reload is for development"):
            create_app(production, name=f"production_{next(_app_numbers)}", hot_reload=True)
