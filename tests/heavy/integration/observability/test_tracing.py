"""Tracing: a click is an event span whose SQL statements are its children; HTTP requests are spans
too, continuing a caller's trace; spans reach an OTLP collector when one is configured; and with
no collector configured nothing of tracing is installed at all."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sanic import Sanic
from sqlalchemy.engine import make_url

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.observability import tracing
from heavy.observability.tracing import register_tracing
from heavy.realtime.stream_client import StreamClient
from tests.heavy.integration.observability.conftest import LookupPage, app_numbers
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow

CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"


def traced_app(settings: HeavySettings, exporter: InMemorySpanExporter) -> Sanic[Any, Any]:
    app = create_app(settings, name=f"tracing_{next(app_numbers)}", root=LookupPage)
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    register_tracing(app, lambda: provider)
    return app


def children_of(span: ReadableSpan, spans: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return [
        child for child in spans if child.parent is not None and child.parent.span_id == span.context.span_id
    ]


def tracing_hooks(app: Sanic[Any, Any]) -> list[Any]:
    """Signal handlers and middleware of ``app`` that belong to tracing."""
    handlers = [route.handler for route in app.signal_router.routes]
    middleware = [*app.request_middleware, *app.response_middleware]
    return [
        hook for hook in [*handlers, *middleware] if getattr(hook, "__module__", None) == tracing.__name__
    ]


def sql_listener_count(app: Sanic[Any, Any]) -> int:
    """Listeners on the statements of ``app``'s engine (the app itself adds none)."""
    dispatch = app.ctx.db.sql_engine.sync_engine.dispatch
    return len(dispatch.before_cursor_execute) + len(dispatch.after_cursor_execute)


class CollectorStub:
    """An OTLP/HTTP endpoint on this machine that keeps the spans it is sent (protobuf, decoded)."""

    def __init__(self) -> None:
        self.spans: list[ProtoSpan] = []
        received = self.spans

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                for resource_spans in request.resource_spans:
                    for scope_spans in resource_spans.scope_spans:
                        received.extend(scope_spans.spans)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CollectorStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def collector() -> Iterator[CollectorStub]:
    with CollectorStub() as stub:
        yield stub


class TestTracing:
    async def test_a_click_makes_an_event_span_with_a_child_sql_span(self, settings: HeavySettings) -> None:
        exporter = InMemorySpanExporter()
        app = traced_app(settings, exporter)

        async with (
            serve_in_process(app) as base_url,
            StreamClient.open(base_url, with_router=False) as client,
        ):
            await client.wait_for_element("look-up")
            await client.click("look-up")
            await client.wait_for_text("look-up", "not found")

        spans = exporter.get_finished_spans()
        [event_span] = [span for span in spans if span.name == "event LookupPage.<locals>.look_up"]
        assert event_span.parent is None, "each event is a trace of its own"
        assert event_span.attributes is not None
        assert event_span.attributes["heavy.event.handler"] == "LookupPage.<locals>.look_up"
        [sql_span] = children_of(event_span, spans)
        assert sql_span.kind is SpanKind.CLIENT
        assert sql_span.name == f"SELECT {make_url(app.ctx.db.urls.sql).database}"
        assert sql_span.attributes is not None
        assert "FROM users" in str(sql_span.attributes["db.query.text"])
        assert sql_span.attributes["db.system.name"] == "postgresql"
        assert sql_span.context.trace_id == event_span.context.trace_id

    async def test_an_http_request_continues_the_callers_trace_with_its_sql_as_children(
        self, settings: HeavySettings
    ) -> None:
        exporter = InMemorySpanExporter()
        app = traced_app(settings, exporter)

        async with serve_in_process(app) as base_url, httpx.AsyncClient() as client:
            response = await client.get(
                f"{base_url}/healthz", headers={"traceparent": f"00-{CALLER_TRACE_ID}-{CALLER_SPAN_ID}-01"}
            )
        assert response.status_code == 200

        spans = exporter.get_finished_spans()
        [request_span] = [span for span in spans if span.name == "GET /healthz"]
        assert request_span.kind is SpanKind.SERVER
        assert format(request_span.context.trace_id, "032x") == CALLER_TRACE_ID
        assert request_span.parent is not None
        assert format(request_span.parent.span_id, "016x") == CALLER_SPAN_ID
        assert request_span.attributes is not None
        assert request_span.attributes["http.response.status_code"] == 200
        assert [span.name.split()[0] for span in children_of(request_span, spans)] == ["SELECT", "SELECT"]

    async def test_with_an_otlp_endpoint_set_spans_reach_the_collector(
        self, settings: HeavySettings, collector: CollectorStub
    ) -> None:
        app = create_app(
            settings.model_copy(update={"otlp_endpoint": collector.url}),
            name=f"tracing_{next(app_numbers)}",
            root=LookupPage,
        )

        async with serve_in_process(app) as base_url, httpx.AsyncClient() as client:
            assert (await client.get(f"{base_url}/healthz")).status_code == 200
        # stopping the server shut the provider down, which sent what was batched

        names = [span.name for span in collector.spans]
        assert "GET /healthz" in names
        [request_span] = [span for span in collector.spans if span.name == "GET /healthz"]
        sql_children = [span for span in collector.spans if span.parent_span_id == request_span.span_id]
        assert len(sql_children) == 2

    async def test_without_an_endpoint_nothing_of_tracing_is_installed(self, settings: HeavySettings) -> None:
        assert settings.otlp_endpoint is None
        untraced = create_app(settings, name=f"tracing_{next(app_numbers)}", root=LookupPage)
        traced = traced_app(settings, InMemorySpanExporter())

        async with serve_in_process(untraced), serve_in_process(traced):
            assert tracing_hooks(untraced) == []
            assert sql_listener_count(untraced) == 0
            assert not hasattr(untraced.ctx, "tracer")  # so stream events are delivered unwrapped
            # the same checks see tracing where it is installed
            assert len(tracing_hooks(traced)) == 3
            assert sql_listener_count(traced) == 2
            assert hasattr(traced.ctx, "tracer")
