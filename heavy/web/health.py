"""``GET /healthz``: answers 200 ``{"status": "ok", ...}`` when both databases answer, 503 otherwise.

Load balancers, the Docker ``HEALTHCHECK`` and ``make run`` users all read this one endpoint. It
also says whether live updates are listening (``"live_updates": "listening"``, ``"reconnecting"``
or ``"off"``), without failing on it: a host whose listener is reconnecting still serves pages,
and taking every host out of the proxy when Redis blinks would be worse.
"""

from __future__ import annotations

import os

from sanic import Blueprint, Request
from sanic.response import JSONResponse, json

from heavy.data.db_connection import DatabaseConnections
from heavy.live.broker import LiveBroker

health_blueprint = Blueprint("health")


@health_blueprint.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    db: DatabaseConnections = request.app.ctx.db
    checks = await db.ping()
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        **checks,
        "vector_search": "on" if db.vector_search_available else "off",
        "live_updates": _live_updates_state(request),
        "environment": request.app.ctx.settings.environment.value,
        "worker": os.getpid(),  # which process answered (with --workers N)
    }
    return json(body, status=200 if healthy else 503)


def _live_updates_state(request: Request) -> str:
    broker: LiveBroker | None = getattr(request.app.ctx, "live", None)
    if broker is None:
        return "off"
    return "listening" if broker.backend.listening else "reconnecting"
