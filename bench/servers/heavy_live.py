"""The live-updates fan-out benchmark's app: a page that follows one topic and shows what arrived.

Served by ``heavy run`` itself (``HEAVY_APP=bench.servers.heavy_live:heavy_app``), so the
benchmark measures the real server: its workers, its broker and the configured backend. Each tab
shows the worker serving it and every message of the last render as ``<seq>@<publish time>``;
the publish button publishes one message stamped with the time just before the publish.
Settings come from ``HEAVY_BENCH_*`` variables (the benchmark sets them).
"""

from __future__ import annotations

import os
import time
from typing import Any

from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict
from reactpy import component, html
from reactpy.core.types import VdomDict

from heavy.app import HeavyApp
from heavy.config import HeavySettings
from heavy.live import Topic, publish, use_topic
from heavy.ui.reactpy_util import heavy_event
from heavy.web.api_requests import HeavyContext

WORKER_ID = "worker"
RECEIVED_ID = "received"
PUBLISH_ID = "publish"


class LiveBenchSettings(HeavySettings):
    """The runtime's settings under ``HEAVY_BENCH_``: a developer's ``HEAVY_STACK_*`` never apply."""

    model_config = SettingsConfigDict(env_prefix="HEAVY_BENCH_")


class Tick(BaseModel):
    seq: int
    sent_at: float
    """``time.time()`` in the publishing worker just before the publish (one clock: one machine)."""


TICKS = Topic("bench_ticks", Tick)


def received_text(ticks: list[Tick]) -> str:
    """What a tab shows for the messages of one render; ``bench.live_fanout`` reads it back."""
    return " ".join(f"{tick.seq}@{tick.sent_at:.6f}" for tick in ticks)


@component
def LiveTicks() -> VdomDict:
    live = use_topic(TICKS)

    async def publish_tick(_context: HeavyContext, event: dict[str, Any]) -> None:
        # Through the process's broker, not ``live.publish``: the first render's LiveTopic has no
        # subscription yet (use_topic subscribes in an effect), and the per-tab rate limit would
        # be the benchmark's bottleneck.
        await publish(TICKS, Tick(seq=int(event["seq"]), sent_at=time.time()))

    return html.div(
        html.span({"id": WORKER_ID}, str(os.getpid())),
        html.span({"id": RECEIVED_ID}, received_text([message.data for message in live.messages])),
        html.button({"id": PUBLISH_ID, "on_click": heavy_event(publish_tick)}, "publish"),
    )


heavy_app = HeavyApp(
    package="bench",
    title="Heavy live fan-out bench",
    settings=LiveBenchSettings,
    root="bench.servers.heavy_live:LiveTicks",
    models="bench.servers.heavy_live",  # no tables of its own; the runtime registers its own
)
