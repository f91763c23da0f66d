"""The running app serves Brython from the wheel and the app's Brython modules, with no CDN, and the
landing page's kit pieces work over the real websocket."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import brython
from heavy.realtime.stream_client import StreamClient
from heavy.ui.brython_assets import brython_module_path
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow

WHEEL_DATA = Path(brython.__file__).parent / "data"


class TestBrythonFiles:
    @pytest.mark.parametrize("name", ["brython.js", "brython_stdlib.js"])
    def test_the_runtime_comes_from_the_brython_wheel(self, live_server: ServerProcess, name: str) -> None:
        response = httpx.get(f"{live_server.base_url}/static/brython-runtime/{name}")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.content == (WHEEL_DATA / name).read_bytes()

    @pytest.mark.parametrize(
        ("url", "module"),
        [
            ("/static/brython/reactpy_bridge.py", "reactpy_bridge"),
            ("/static/brython/heavy_brython/navigate.py", "heavy_brython.navigate"),
            ("/static/brython/heavy_stack_brython/clipboard.py", "heavy_stack_brython.clipboard"),
        ],
    )
    def test_the_apps_brython_modules_are_served_as_source(
        self, live_server: ServerProcess, url: str, module: str
    ) -> None:
        response = httpx.get(f"{live_server.base_url}{url}")
        path = brython_module_path(module)
        source = path / "__init__.py" if path.is_dir() else path

        assert response.status_code == 200
        assert response.text == source.read_text()

    def test_the_modules_bundle_is_javascript_and_never_stale(self, live_server: ServerProcess) -> None:
        response = httpx.get(f"{live_server.base_url}/static/brython/modules.brython.js")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.headers["cache-control"] == "no-cache"
        assert response.text.startswith("__BRYTHON__.loadBrythonPackage(")

    @pytest.mark.parametrize(
        "url",
        [
            "/static/brython/heavy_stack_brython.py",
            "/static/brython/pyproject.toml",
            "/static/brython/heavy_stack_brython/%2e%2e/%2e%2e/pyproject.toml",
            "/static/brython/heavy_stack_brython/%2e%2e/reactpy_bridge.py",
            "/static/brython-runtime/demo.html",
        ],
    )
    def test_nothing_else_is_served_there(self, live_server: ServerProcess, url: str) -> None:
        assert httpx.get(f"{live_server.base_url}{url}").status_code == 404

    def test_the_page_loads_brython_through_one_script_and_only_from_this_server(
        self, live_server: ServerProcess
    ) -> None:
        html = httpx.get(f"{live_server.base_url}/").text

        assert '<script src="/_heavy/static/js/start_brython.js" defer' in html
        assert (
            'data-scripts="/static/brython-runtime/brython.js /static/brython-runtime/brython_stdlib.js '
            '/static/brython/modules.brython.js"'
        ) in html
        assert "http://" not in html.replace(live_server.base_url, "")
        assert "https://" not in html

    def test_the_start_script_is_served(self, live_server: ServerProcess) -> None:
        response = httpx.get(f"{live_server.base_url}/_heavy/static/js/start_brython.js")

        assert response.status_code == 200
        assert "brython(options)" in response.text


class TestLandingPageOverTheWebsocket:
    async def test_keeps_the_ids_other_tools_rely_on(self, live_server: ServerProcess) -> None:
        async with StreamClient.open(live_server.base_url) as client:
            await client.wait_for_element("counter-button")

            for element_id in (
                "counter-button",
                "to-other-page",
                "vector-search",
                "new-document",
                "add-document-form",
                "search-query",
                "search-form",
                "search-results",
                "vector-search-message",
            ):
                assert client.find(element_id) is not None, element_id
            assert client.text_of("counter-button") == "Clicked 0 times"
            link = client.find("to-other-page")
            assert link is not None
            assert (link["tagName"], link["attributes"]["href"]) == ("a", "/other")

    async def test_the_greeting_form_reads_its_fields_by_id_on_submit(
        self, live_server: ServerProcess
    ) -> None:
        form = {
            "tagName": "FORM",
            "elements": [
                {"tagName": "INPUT", "value": "Ada", "checked": False},
                {"tagName": "TEXTAREA", "value": "Hi there"},
                {"tagName": "BUTTON", "value": ""},
            ],
        }
        async with StreamClient.open(live_server.base_url) as client:
            await client.wait_for_element("greeting-form")
            await client.trigger("greeting-form", "onSubmit", {"type": "submit", "target": form})

            await client.wait_for_text("greeting", "Hello, Ada! You said: “Hi there”")

    async def test_the_other_page_links_back(self, live_server: ServerProcess) -> None:
        async with StreamClient.open(live_server.base_url, "/other") as client:
            link = await client.wait_for_element("to-landing-page")

            assert link["attributes"]["href"] == "/"
