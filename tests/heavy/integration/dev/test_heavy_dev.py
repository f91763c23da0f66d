"""``heavy dev`` on a copy of the project: saved changes reach open sessions with their state kept;
what cannot be patched is refused or restarts the server; stylesheets and Brython modules too.

The tests share one server and run in file order; each saves the page version it needs first.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from playwright.async_api import Page
from websockets.exceptions import ConnectionClosed

from heavy.dev.stylesheet_events import HOT_RELOAD_SCRIPT, STYLESHEET_EVENTS_PATH
from heavy.realtime.stream_client import StreamClient, StreamClientContext
from tests.heavy.integration.dev.conftest import DevApp
from tests.heavy.integration.realtime.conftest import Tab
from tests.support.probe_app import probe_page
from tests.support.project_copy import write_source

pytestmark = pytest.mark.slow

UPDATE_TIMEOUT = 30.0  # from a save to the re-rendered page, on a busy machine
RESTART_TIMEOUT = 120.0


def open_page(dev_app: DevApp) -> StreamClientContext:
    return StreamClient.open(dev_app.base_url, with_router=False)


async def click(client: StreamClient, times: int) -> None:
    before = int(client.text_of("count"))
    for _ in range(times):
        await client.click("add")
    await client.wait_for_text("count", str(before + times), timeout=UPDATE_TIMEOUT)


async def show(dev_app: DevApp, client: StreamClient, text: str, **page: str) -> None:
    """Save the probe page with ``text`` and wait until the session shows it."""
    dev_app.save_page(probe_page(text, **page))
    await client.wait_for_text("text", text, timeout=UPDATE_TIMEOUT)


BADGE_MODULE = """
    from reactpy import component, html


    @component
    def Badge():
        return html.span({"id": "badge"}, "new module")
"""


def with_badge(page_source: str) -> str:
    """The probe page, importing and showing the Badge of a module that did not exist before."""
    page_source = page_source.replace(
        "from heavy.ui import heavy_event",
        "from heavy_stack.frontend.pages.probe_badge import Badge\n    from heavy.ui import heavy_event",
    )
    assert "probe_badge" in page_source, "the probe page's import line changed: update this anchor"
    return page_source.replace(
        'html.p({"id": "count"}, str(count)),', 'html.p({"id": "count"}, str(count)),\n        Badge(),'
    )


class TestCodeIsPatchedInPlace:
    async def test_a_saved_component_reaches_the_open_session_with_its_state(self, dev_app: DevApp) -> None:
        async with open_page(dev_app) as client:
            await show(dev_app, client, "before the edit")
            await click(client, 2)
            lines_before = len(dev_app.dev_lines())

            await show(dev_app, client, "after the edit")

            assert client.text_of("count") == "2"
            line = await dev_app.wait_for_log("probe_page.py applied in", after=lines_before)
            assert "(probe_page.ProbePage); re-rendering 1 open session" in line

    async def test_an_event_handler_that_captures_more_takes_effect_with_state_kept(
        self, dev_app: DevApp
    ) -> None:
        async with open_page(dev_app) as client:
            await show(dev_app, client, "handler")
            await click(client, 1)

            await show(dev_app, client, "handler steps by ten", handler_step="10")
            await client.click("add")

            await client.wait_for_text("count", "11", timeout=UPDATE_TIMEOUT)

    async def test_a_new_module_imported_by_a_saved_component_is_loaded(self, dev_app: DevApp) -> None:
        widget = dev_app.page_path.with_name("probe_badge.py")
        async with open_page(dev_app) as client:
            await show(dev_app, client, "no badge yet")
            await click(client, 1)
            lines_before = len(dev_app.dev_lines())

            write_source(widget, BADGE_MODULE)
            await dev_app.wait_for_log("probe_badge.py is not used by the running server", after=lines_before)
            dev_app.save_page(with_badge(probe_page("with a badge")))

            await client.wait_for_text("badge", "new module", timeout=UPDATE_TIMEOUT)
            assert client.text_of("count") == "1"

    async def test_a_syntax_error_keeps_the_old_code_serving_until_it_is_fixed(self, dev_app: DevApp) -> None:
        async with open_page(dev_app) as client:
            await show(dev_app, client, "steady")
            await click(client, 1)
            lines_before = len(dev_app.dev_lines())

            dev_app.save_page(probe_page("broken").replace("str(count))", "str(count) +)"))
            line = await dev_app.wait_for_log("SyntaxError", after=lines_before)

            assert line == (
                "heavy dev: heavy_stack/frontend/pages/probe_page.py line 19: SyntaxError: invalid syntax; "
                "still serving the previous code (fix it and save)"
            )
            await click(client, 1)  # the session works, on the old code
            assert client.text_of("text") == "steady"
            async with open_page(dev_app) as newcomer:
                await newcomer.wait_for_text("text", "steady", timeout=UPDATE_TIMEOUT)

            await show(dev_app, client, "fixed")

            assert client.text_of("count") == "2"


class TestStaticFiles:
    async def test_pages_load_the_hot_reload_script(self, dev_app: DevApp) -> None:
        async with httpx.AsyncClient(base_url=dev_app.base_url, timeout=UPDATE_TIMEOUT) as http:
            page = await http.get("/")
            script = await http.get(HOT_RELOAD_SCRIPT)

        assert f'src="{HOT_RELOAD_SCRIPT}"' in page.text
        assert script.status_code == 200
        assert STYLESHEET_EVENTS_PATH in script.text

    async def test_a_saved_stylesheet_is_announced_to_open_tabs(self, dev_app: DevApp) -> None:
        stylesheet = dev_app.root / "static" / "css" / "common.css"
        lines_before = len(dev_app.dev_lines())
        async with (
            httpx.AsyncClient(base_url=dev_app.base_url, timeout=UPDATE_TIMEOUT) as http,
            http.stream("GET", STYLESHEET_EVENTS_PATH) as events,
        ):
            assert events.headers["content-type"] == "text/event-stream"
            lines = events.aiter_lines()
            assert await anext(lines) == "retry: 500"

            write_source(stylesheet, stylesheet.read_text() + "\n.probe { color: rgb(1, 2, 3); }\n")

            received = [await anext(lines) for _ in range(3)]

        assert received == ["", "event: stylesheet", "data: /static/css/common.css"]
        line = await dev_app.wait_for_log("common.css", after=lines_before)
        assert line == "heavy dev: static/css/common.css swapped into 1 open tab"

    @pytest.mark.browser
    async def test_a_saved_stylesheet_restyles_the_open_page_without_a_reload(
        self, dev_app: DevApp, browser_page: Page
    ) -> None:
        dev_app.save_page(probe_page("styled"))
        await browser_page.goto(dev_app.base_url)
        await browser_page.click("#add")
        await browser_page.wait_for_selector("#count:text-is('1')")
        await browser_page.evaluate("window.heavyProbe = 'loaded once'")
        stylesheet = dev_app.root / "static" / "css" / "inputs.css"

        write_source(stylesheet, stylesheet.read_text() + "\n#greeting { color: rgb(10, 20, 30); }\n")

        await browser_page.wait_for_function(
            "getComputedStyle(document.getElementById('greeting')).color === 'rgb(10, 20, 30)'",
            timeout=UPDATE_TIMEOUT * 1000,
        )
        assert await browser_page.evaluate("window.heavyProbe") == "loaded once"  # no reload
        assert await browser_page.text_content("#count") == "1"

    async def test_a_saved_brython_module_is_served_from_the_next_reload(self, dev_app: DevApp) -> None:
        lines_before = len(dev_app.dev_lines())

        write_source(dev_app.root / "brython" / "probe_widget.py", "def greet():\n    return 'hello'\n")

        line = await dev_app.wait_for_log("probe_widget.py", after=lines_before)
        assert line == (
            "heavy dev: brython/probe_widget.py changed: open tabs get it on their next reload "
            "(it runs in the browser)"
        )


class TestRestart:
    async def test_a_change_that_cannot_be_patched_restarts_and_the_tab_gets_its_state_back(
        self, dev_app: DevApp
    ) -> None:
        tab = Tab()
        postgres_before = dev_app.postgres_pid()
        async with tab.open(dev_app.base_url) as client:
            await show(dev_app, client, "before the restart")
            await click(client, 3)
            lines_before = len(dev_app.dev_lines())

            dev_app.save_page(probe_page("after the restart", greeting="Bonjour"))

            with pytest.raises(ConnectionClosed):  # the server closes the session as it stops
                await client.drain(quiet_seconds=RESTART_TIMEOUT)
        line = await dev_app.wait_for_log("restarting", after=lines_before)
        assert line.startswith(
            "heavy dev: restarting: heavy_stack/frontend/pages/probe_page.py: "
            "a statement in the module body changed (GREETING = 'Bonjour')"
        )

        await wait_until_healthy(dev_app)
        async with tab.open(dev_app.base_url) as client:
            await client.wait_for_text("greeting", "Bonjour", timeout=UPDATE_TIMEOUT)
            assert client.text_of("text") == "after the restart"
            await client.wait_for_text("count", "3", timeout=UPDATE_TIMEOUT)  # recovered
        assert dev_app.postgres_pid() == postgres_before  # the database kept running

    async def test_a_server_that_cannot_start_waits_for_the_fix_then_the_tab_gets_its_state_back(
        self, dev_app: DevApp
    ) -> None:
        tab = Tab()
        greeting = {"greeting": "Bonjour"}  # as the previous test left it: no restart for that
        async with tab.open(dev_app.base_url) as client:
            await show(dev_app, client, "steady", **greeting)
            await click(client, 2)
            lines_before = len(dev_app.dev_lines())

            dev_app.save_page(with_missing_import(probe_page("broken", **greeting)))
            failed = await dev_app.wait_for_log("ModuleNotFoundError", after=lines_before)
            await click(client, 1)  # still serving

            dev_app.save_page(with_missing_import(probe_page("still broken", **greeting)))
            with pytest.raises(ConnectionClosed):
                await client.drain(quiet_seconds=RESTART_TIMEOUT)
        stopped = await dev_app.wait_for_log("the server stopped", after=lines_before)

        dev_app.save_page(probe_page("fixed", **greeting))
        await wait_until_healthy(dev_app)
        async with tab.open(dev_app.base_url) as client:
            await client.wait_for_text("text", "fixed", timeout=UPDATE_TIMEOUT)
            await client.wait_for_text("count", "3", timeout=UPDATE_TIMEOUT)

        assert failed == (
            "heavy dev: heavy_stack/frontend/pages/probe_page.py line 1: ModuleNotFoundError: "
            "No module named 'no_such_module_for_probe'; the change is not fully applied: "
            "the server restarts at your next save"
        )
        assert (
            "restarting: heavy_stack/frontend/pages/probe_page.py saved after a change that did not apply"
            in ("\n".join(dev_app.dev_lines()[lines_before:]))
        )
        assert (
            stopped == "heavy dev: the server stopped (exit code 1); it starts again when you save a change"
        )


def with_missing_import(page_source: str) -> str:
    return page_source.replace(
        "    from reactpy import component",
        "    import no_such_module_for_probe\n    from reactpy import component",
    )


async def wait_until_healthy(dev_app: DevApp) -> None:
    """The new server process answers (a request made meanwhile waits in the socket's queue)."""
    async with httpx.AsyncClient(base_url=dev_app.base_url, timeout=RESTART_TIMEOUT) as http:
        async with asyncio.timeout(RESTART_TIMEOUT):
            while (await http.get("/healthz")).status_code != 200:  # noqa: ASYNC110 (another process)
                await asyncio.sleep(0.1)
