"""``use_topic`` in a served page, over a real websocket, on each backend: a publish in one tab
re-renders the other, a refused topic follows nothing, a tab cannot flood, and a handler that
publishes after its tab closed gets a clear error."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from reactpy import component, html, use_ref, use_state

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.live import LiveError, TabClosedError, Topic, current_broker, signed_in, use_topic
from heavy.live.broker import LiveBroker
from heavy.realtime.stream_client import StreamClient
from heavy.ui.reactpy_util import heavy_event
from heavy.ui.types import Component
from heavy.web.api_requests import HeavyContext
from tests.heavy.integration.live.test_broker import kill_listening_connections
from tests.support.external_services import require_external_redis
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

_app_numbers = itertools.count()


class Ping(BaseModel):
    number: int


PINGS = Topic("test_hook_pings", Ping)
MEMBERS = Topic("test_hook_members", Ping, can_follow=signed_in)


@pytest.fixture(params=["postgres", "redis"])
def live_settings(request: pytest.FixtureRequest, settings: HeavySettings) -> HeavySettings:
    overrides: dict[str, Any] = {
        "live_updates": request.param,
        "live_publish_burst": 3,
        "live_publish_per_second": 0.5,
    }
    if request.param == "redis":
        overrides["redis_url"] = require_external_redis()
        overrides["state_store"] = "postgres"  # only the live updates go through Redis here
    return settings.model_copy(update=overrides)


@pytest.fixture
def serve(live_settings: HeavySettings) -> Callable[[Callable[[], Any]], Any]:
    def start(root: Callable[[], Any]) -> Any:
        app = create_app(live_settings, name=f"live_hook_{next(_app_numbers)}", root=root)
        return serve_in_process(app)

    return start


@component
def PingBoard() -> Component:
    live = use_topic(PINGS)
    last = use_ref("none")  # the newest number heard; messages arrive once, so it is kept here
    for message in live.messages:
        last.current = str(message.data.number)
    status, set_status = use_state("")

    async def ping(_context: HeavyContext, _event: dict[str, Any]) -> None:
        try:
            await live.publish(Ping(number=live.version + 100))
            set_status("sent")
        except LiveError as error:
            set_status(str(error))

    return html.div(
        html.button({"id": "ping", "on_click": heavy_event(ping)}, "ping"),
        html.p({"id": "last"}, last.current),
        html.p({"id": "status"}, status),
        html.p({"id": "version"}, str(live.version)),
    )


class TestUseTopic:
    async def test_a_publish_in_one_tab_re_renders_the_other(self, serve: Any) -> None:
        async with (
            serve(PingBoard) as base_url,
            StreamClient.open(base_url, with_router=False) as sender,
            StreamClient.open(base_url, with_router=False) as watcher,
        ):
            await sender.wait_for_element("ping")
            await watcher.wait_for_element("ping")
            await asyncio.sleep(0.2)  # both subscribed (the effect runs after the first render)

            await sender.click("ping")

            await watcher.wait_for_text("last", "100")
            await sender.wait_for_text("status", "sent")

    async def test_a_tab_that_publishes_too_fast_gets_a_clear_message(self, serve: Any) -> None:
        async with serve(PingBoard) as base_url, StreamClient.open(base_url, with_router=False) as sender:
            await sender.wait_for_element("ping")
            await asyncio.sleep(0.2)
            for _ in range(4):  # the burst is 3
                await sender.click("ping")
            await sender.wait_for(
                lambda client: "too many messages from this tab" in client.text_of("status")
            )

    async def test_a_guest_following_a_members_topic_follows_nothing_and_is_told_why(
        self, serve: Any, live_settings: HeavySettings
    ) -> None:
        @component
        def Members() -> Component:
            live = use_topic(MEMBERS)
            return html.p({"id": "refused"}, live.refused or "following")

        async with serve(Members) as base_url, StreamClient.open(base_url, with_router=False) as guest:
            await guest.wait_for_text("refused", "a guest may not follow 'test_hook_members'")


class TestPublishingAfterTheTabClosed:
    async def test_a_task_that_outlives_its_tab_gets_tab_closed_and_publishes_nothing(
        self, serve: Any
    ) -> None:
        """A tab's handlers are cancelled when it closes; work they handed to a task of its own is
        not, and its publish must neither reach anyone nor pass silently."""
        done = asyncio.Event()
        outcome: list[str] = []
        brokers: list[LiveBroker] = []
        tasks: set[asyncio.Task[None]] = set()

        @component
        def Slow() -> Component:
            live = use_topic(PINGS)

            async def publish_later() -> None:
                await asyncio.sleep(1.0)  # the tab closes meanwhile
                try:
                    await live.publish(Ping(number=1))
                    outcome.append("published")
                except TabClosedError as error:
                    outcome.append(str(error))
                finally:
                    done.set()

            async def start(_context: HeavyContext, _event: dict[str, Any]) -> None:
                assert live._broker is not None
                brokers.append(live._broker)
                task = asyncio.create_task(publish_later())
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            return html.button({"id": "later", "on_click": heavy_event(start)}, "later")

        async with serve(Slow) as base_url:
            async with StreamClient.open(base_url, with_router=False) as tab:
                await tab.wait_for_element("later")
                await asyncio.sleep(0.2)
                await tab.click("later")
                await asyncio.sleep(0.2)
            await asyncio.wait_for(done.wait(), 10)
            published = brokers[0].published

        assert outcome == ["this tab no longer follows 'test_hook_pings': nothing was published"]
        assert published == 0


class TestTheServerThroughALostListener:
    async def test_health_says_reconnecting_then_listening_and_stays_200(
        self, serve: Any, live_settings: HeavySettings
    ) -> None:
        async with serve(PingBoard) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            before = (await http.get("/healthz")).json()
            broker = current_broker()
            await kill_listening_connections(broker.backend)
            states: list[str] = []
            async with asyncio.timeout(20):
                while not states or states[-1] != "listening" or "reconnecting" not in states:
                    response = await http.get("/healthz")
                    assert response.status_code == 200
                    states.append(response.json()["live_updates"])
                    await asyncio.sleep(0.05)

            async with (
                StreamClient.open(base_url, with_router=False) as sender,
                StreamClient.open(base_url, with_router=False) as watcher,
            ):
                await watcher.wait_for_element("ping")
                await asyncio.sleep(0.2)
                await sender.click("ping")
                await watcher.wait_for_text("last", "100")

        assert before["live_updates"] == "listening"
        assert states[0] in ("listening", "reconnecting")
