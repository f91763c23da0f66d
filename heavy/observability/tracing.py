"""Optional OpenTelemetry traces: a span for each HTTP request, each stream event (a click, a
keystroke: the handler and everything it awaits) and each SQL statement run inside either,
exported over OTLP/HTTP to any collector (Jaeger, Tempo, Honeycomb, an OpenTelemetry Collector).

Off unless ``HEAVY_STACK_OTLP_ENDPOINT`` is set, and then *nothing* of it is installed: no signal
handlers, no SQLAlchemy listeners, no wrapper around event delivery. Tracing costs nothing when off.

The SQL spans are written here over SQLAlchemy's engine events (rather than pulling in the
opentelemetry-instrumentation packages): they are only made inside a traced request or event,
so background work (state snapshots, start-up checks) does not flood the collector with lone spans.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.propagate import extract
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.semconv.attributes import db_attributes, http_attributes, url_attributes
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from reactpy.core.types import LayoutEventMessage
from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext, ExecutionContext
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.app import current_app
from heavy.config import HeavySettings
from heavy.observability.request_ids import request_id_of

TRACER_NAME = "heavy"
REQUEST_ID_ATTRIBUTE = "heavy.request_id"
EVENT_HANDLER_ATTRIBUTE = "heavy.event.handler"
EVENT_TARGET_ATTRIBUTE = "heavy.event.target"
_SPAN_ON_EXECUTION = "_heavy_span"

DeliverEvent = Callable[[LayoutEventMessage], Coroutine[Any, Any, None]]


def otlp_tracer_provider(settings: HeavySettings) -> TracerProvider:
    """Spans batched and sent to ``HEAVY_STACK_OTLP_ENDPOINT`` (a base URL; ``/v1/traces`` is added).

    The service is named by ``OTEL_SERVICE_NAME`` (default: the app's package name, with dashes:
    ``heavy-stack`` for the demo); ``OTEL_RESOURCE_ATTRIBUTES`` and the exporter's
    ``OTEL_EXPORTER_OTLP_*`` variables (headers, timeout) work as usual.
    """
    assert settings.otlp_endpoint is not None
    endpoint = settings.otlp_endpoint.rstrip("/")
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    attributes = (
        {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: current_app().package.replace("_", "-")}
    )
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def register_tracing(app: Sanic[Any, Any], new_provider: Callable[[], TracerProvider]) -> None:
    """Trace ``app``'s HTTP requests, stream events and SQL into the provider ``new_provider()`` makes.

    The provider is made in each server process as it starts (a worker exports its own spans) and
    shut down, flushing what is left, when it stops. Register after the database lifecycle: the
    engines must be open when the SQL listeners are attached.
    """

    async def start_tracing(app: Sanic[Any, Any]) -> None:
        provider = new_provider()
        app.ctx.tracer_provider = provider
        app.ctx.tracer = provider.get_tracer(TRACER_NAME)
        for engine in {app.ctx.db.sql_engine, app.ctx.db.vector_engine}:
            trace_sql(engine, app.ctx.tracer)

    async def stop_tracing(app: Sanic[Any, Any]) -> None:
        provider: TracerProvider | None = getattr(app.ctx, "tracer_provider", None)
        if provider is not None:
            provider.shutdown()

    app.register_listener(start_tracing, "before_server_start")
    app.register_listener(stop_tracing, "after_server_stop")
    app.signal("http.lifecycle.request")(_start_request_span)
    app.signal("http.lifecycle.exception")(_record_request_exception)
    app.signal("http.lifecycle.response")(_end_request_span)


def connection_tracer(request: Request | None) -> Tracer | None:
    """The tracer of the app serving ``request``; None when tracing is off."""
    return getattr(request.app.ctx, "tracer", None) if request is not None else None


# --- HTTP requests ---------------------------------------------------------------------------------


async def _start_request_span(request: Request) -> None:
    if request.headers.get("upgrade", "").lower() == "websocket":
        return  # a connection lives for minutes: its events get spans of their own instead
    tracer: Tracer | None = getattr(request.app.ctx, "tracer", None)
    if tracer is None:
        return
    span = tracer.start_span(
        request.method,
        context=extract(request.headers),  # a caller's traceparent, else a new trace
        kind=SpanKind.SERVER,
        attributes={
            http_attributes.HTTP_REQUEST_METHOD: request.method,
            url_attributes.URL_PATH: request.path,
            REQUEST_ID_ATTRIBUTE: request_id_of(request),
        },
    )
    request.ctx.trace_span = span
    request.ctx.trace_token = otel_context.attach(trace.set_span_in_context(span))


async def _record_request_exception(request: Request, exception: BaseException) -> None:
    span: trace.Span | None = getattr(request.ctx, "trace_span", None)
    if span is not None:
        span.record_exception(exception)


async def _end_request_span(request: Request, response: BaseHTTPResponse) -> None:
    span: trace.Span | None = getattr(request.ctx, "trace_span", None)
    if span is None:
        return
    request.ctx.trace_span = None
    route = getattr(request, "route", None)
    if route is not None:
        route_path = "/" + route.path.lstrip("/")
        span.set_attribute(http_attributes.HTTP_ROUTE, route_path)
        span.update_name(f"{request.method} {route_path}")
    status = response.status
    span.set_attribute(http_attributes.HTTP_RESPONSE_STATUS_CODE, status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()
    otel_context.detach(request.ctx.trace_token)


# --- Stream events -----------------------------------------------------------------------------------


def trace_event_delivery(
    tracer: Tracer,
    deliver: DeliverEvent,
    handler_name: Callable[[str], str],
    connection_id: str | None,
) -> DeliverEvent:
    """``deliver`` in a span named after the event's handler (``event Counter.<locals>.increment``)."""

    async def deliver_in_span(message: LayoutEventMessage) -> None:
        target = message["target"]
        name = handler_name(target)
        attributes = {EVENT_HANDLER_ATTRIBUTE: name, EVENT_TARGET_ATTRIBUTE: target}
        if connection_id is not None:
            attributes[REQUEST_ID_ATTRIBUTE] = connection_id
        with tracer.start_as_current_span(f"event {name}", kind=SpanKind.SERVER, attributes=attributes):
            await deliver(message)

    return deliver_in_span


# --- SQL ---------------------------------------------------------------------------------------------


class SqlSpans:
    """SQLAlchemy engine listeners: a client span around each statement of a traced request or event."""

    def __init__(self, tracer: Tracer, engine: Engine) -> None:
        self.tracer = tracer
        self.system = engine.dialect.name  # "postgresql" or "cockroachdb", as the conventions name them
        self.database = engine.url.database or ""

    def before_cursor_execute(
        self,
        connection: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        if context is None or not trace.get_current_span().is_recording():
            return
        operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        span = self.tracer.start_span(
            f"{operation} {self.database}".strip(),
            kind=SpanKind.CLIENT,
            attributes={
                db_attributes.DB_SYSTEM_NAME: self.system,
                db_attributes.DB_NAMESPACE: self.database,
                db_attributes.DB_OPERATION_NAME: operation,
                db_attributes.DB_QUERY_TEXT: statement,  # parameters are never recorded
            },
        )
        setattr(context, _SPAN_ON_EXECUTION, span)

    def after_cursor_execute(
        self,
        connection: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        span: trace.Span | None = getattr(context, _SPAN_ON_EXECUTION, None)
        if span is not None:
            setattr(context, _SPAN_ON_EXECUTION, None)
            span.end()

    def handle_error(self, exception_context: ExceptionContext) -> None:
        span: trace.Span | None = getattr(exception_context.execution_context, _SPAN_ON_EXECUTION, None)
        if span is not None:
            setattr(exception_context.execution_context, _SPAN_ON_EXECUTION, None)
            span.record_exception(exception_context.original_exception)
            span.set_status(Status(StatusCode.ERROR))
            span.end()


def trace_sql(engine: AsyncEngine, tracer: Tracer) -> SqlSpans:
    """Attach :class:`SqlSpans` listeners to ``engine``."""
    spans = SqlSpans(tracer, engine.sync_engine)
    event.listen(engine.sync_engine, "before_cursor_execute", spans.before_cursor_execute)
    event.listen(engine.sync_engine, "after_cursor_execute", spans.after_cursor_execute)
    event.listen(engine.sync_engine, "handle_error", spans.handle_error)
    return spans
