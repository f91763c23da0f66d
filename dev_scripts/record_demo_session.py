"""Re-record the demo recording with ``heavy record``
(``tests/heavy_stack/load_testing/landing_page_session.jsonl``).

Run it after changing the landing page (a test says when: ``tests/heavy_stack/load_testing/``)::

    .venv/bin/python dev_scripts/record_demo_session.py

It starts ``heavy record`` on a fresh, empty embedded database, clicks through the landing page
with a websocket client (the counter three times, stores a document, a vector search, to the other
page and back), stops the server and keeps the recording. The session creates what it reads: it
stores a document before it searches, so the search always finds something and the recording
replays on any database, a freshly created one included (docs/load-testing.md#data). Each replay
therefore stores one more document. The flow only uses element ids the demo app promises to keep:
``counter-button``, ``new-document``, ``add-document-form``, ``vector-search-message``,
``search-query``, ``search-form``, ``search-results``, ``to-other-page`` and ``to-landing-page``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx

from heavy.config import HeavySettings, env_prefix
from heavy.data.db_connection import open_database_connections
from heavy.data.embedded_postgres import stop_embedded_postgres
from heavy.load_testing.replay_plan import load_replay_plan
from heavy.realtime.stream_client import StreamClient, text_content, walk
from heavy.web.api_requests import open_heavy_context
from heavy_stack.backend.data.model_managers.document_manager import DocumentManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_RECORDING = PROJECT_ROOT / "tests" / "heavy_stack" / "load_testing" / "landing_page_session.jsonl"

COUNTER_CLICKS = 3
NEW_DOCUMENT = "Recorded sessions replay as load against websocket components"
SEARCH_QUERY = "websocket components"
DEMO_DOCUMENTS = (
    "Sanic serves ReactPy components over a websocket",
    "pgvector finds the nearest neighbours of an embedding",
    "Locust replays recorded websocket sessions as load",
)
QUIET_SECONDS = 0.3  # no update for this long: the page has settled


async def ensure_demo_documents(settings: HeavySettings) -> None:
    """Store :data:`DEMO_DOCUMENTS` unless already there: more for the search to find. The recorded
    flow does not need them (it stores the document it searches for); the benchmark and the tests
    use them to replay against a database that already holds data too."""
    connections = await open_database_connections(settings)
    request_ctx = SimpleNamespace(
        sessionmaker=connections.sessionmaker, vector_sessionmaker=connections.vector_sessionmaker
    )
    try:
        async with open_heavy_context(request_ctx) as context:
            manager = DocumentManager(DocumentModelMunger())
            existing = {match.document.content for match in await manager.search(SEARCH_QUERY, limit=20)}
            for content in DEMO_DOCUMENTS:
                if content not in existing:
                    await manager.add_document(content)
            await context.vector_db_session.commit()
    finally:
        await connections.close()


async def click_through_landing_page(base_url: str) -> None:
    """The demo flow, as a visitor would do it, waiting for each answer and for the page to settle."""
    async with StreamClient.open(base_url, "/") as client:
        await client.wait_for_element("counter-button")
        await settle(client)
        for clicks in range(1, COUNTER_CLICKS + 1):
            await client.click("counter-button")
            await client.wait_for_text("counter-button", f"Clicked {clicks} times")
            await settle(client)
        await client.type_text("new-document", NEW_DOCUMENT)
        await client.wait_for(lambda page: _value_of(page, "new-document") == NEW_DOCUMENT)
        await settle(client)
        await client.trigger("add-document-form", "onSubmit")
        added = f"Added: {NEW_DOCUMENT}"
        await client.wait_for(lambda page: _text_of(page, "vector-search-message") == added)
        await settle(client)
        await client.type_text("search-query", SEARCH_QUERY)
        await client.wait_for(lambda page: _value_of(page, "search-query") == SEARCH_QUERY)
        await settle(client)
        await client.trigger("search-form", "onSubmit")
        await client.wait_for(lambda page: bool(_children_of(page, "search-results")))
        await settle(client)
        await follow_link(client, "to-other-page")
        await client.wait_for_element("to-landing-page")
        await settle(client)
        await follow_link(client, "to-landing-page")
        await client.wait_for_element("counter-button")
        await settle(client)


async def follow_link(client: StreamClient, element_id: str) -> None:
    """Click a reactpy-router ``link``: its JavaScript reports the new location to the server."""
    anchor = client.find(element_id)
    if anchor is None:
        raise LookupError(f"no link with id {element_id!r} on the page")
    attributes = anchor.get("attributes", {})
    classes = str(attributes.get("className") or attributes.get("class_name") or "").split()
    router_link = next(
        (
            node
            for node in walk(client.model)
            if node.get("attributes", {}).get("linkClass") in classes
            and "onClickCallback" in node.get("eventHandlers", {})
        ),
        None,
    )
    if router_link is None:
        raise LookupError(f"element {element_id!r} is not a reactpy-router link")
    target = router_link["eventHandlers"]["onClickCallback"]["target"]
    await client.send_event(target, {"pathname": str(attributes["href"]), "search": ""})


async def settle(client: StreamClient, quiet: float = QUIET_SECONDS) -> None:
    """Receive updates until none has come for ``quiet`` seconds, so each step's updates stay with it."""
    with contextlib.suppress(TimeoutError):
        while True:
            await client.receive_update(timeout=quiet)


def _value_of(client: StreamClient, element_id: str) -> object:
    element = client.find(element_id)
    return None if element is None else element.get("attributes", {}).get("value")


def _text_of(client: StreamClient, element_id: str) -> str | None:
    element = client.find(element_id)
    return None if element is None else text_content(element)


def _children_of(client: StreamClient, element_id: str) -> list[object]:
    element = client.find(element_id)
    return [] if element is None else list(element.get("children", ()))


def record_demo_session(out: Path) -> None:
    """Record the demo flow into ``out`` with ``heavy record`` on a throwaway, empty database."""
    with tempfile.TemporaryDirectory(prefix="heavy-demo-recording-") as folder:
        data_dir = Path(folder)
        recording = data_dir / "session.jsonl"
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "heavy_stack", "record", "--out", str(recording), "--port", str(port)],
            cwd=data_dir,  # not the project: a developer's .env must not leak in
            env={**os.environ, f"{env_prefix()}DATA_DIR": str(data_dir), f"{env_prefix()}ENVIRONMENT": "DEV"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_healthy(base_url, server)
            asyncio.run(click_through_landing_page(base_url))
        finally:
            os.killpg(server.pid, signal.SIGINT)  # what Ctrl+C does: the recording is complete
            output, _ = server.communicate(timeout=30)
            stop_embedded_postgres(data_dir)
        if server.returncode != 0:
            raise RuntimeError(f"heavy record exited with {server.returncode}:\n{output}")
        plan = load_replay_plan(recording)  # fails here, not in the tests, if the flow left nothing to replay
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recording, out)
    print(f"recorded {plan.client_steps} client events into {out}")
    for step in plan.steps:
        print(f"  {step.name}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(base_url: str, server: subprocess.Popen[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"heavy record exited with {server.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"heavy record did not answer on {base_url} within {timeout:g} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEMO_RECORDING, help="where to write the recording")
    args = parser.parse_args(argv)
    record_demo_session(args.out)


if __name__ == "__main__":
    main()
