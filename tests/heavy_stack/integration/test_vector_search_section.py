"""The landing page's vector search over a real websocket: texts stored through the page come back
from a search nearest first, as the (deterministic) embedding says they should."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.realtime.stream_client import StreamClient, text_content, walk
from heavy_stack.backend.embeddings import HashingEmbedder
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.slow

QUERY = "amber falcon nest"
# Stored in an order unlike the nearest-first one, so the results cannot simply echo it.
TEXTS = (
    "falcon feathers drift",
    "quiet marmalade harbour",
    "an amber falcon nest on the cliff",
    "amber falcon at dawn",
)


def similarity(first: str, second: str) -> float:
    """Cosine similarity of the two texts' embeddings (unit vectors: their dot product)."""
    a, b = HashingEmbedder().embed([first, second])
    return sum(x * y for x, y in zip(a, b, strict=True))


def value_of(client: StreamClient, element_id: str) -> object:
    element = client.find(element_id)
    return None if element is None else element.get("attributes", {}).get("value")


def shown_results(client: StreamClient) -> list[tuple[str, str]]:
    """(text, similarity label) of each item of ``#search-results``, top to bottom."""
    results = client.find("search-results")
    assert results is not None
    shown = []
    for item in results.get("children", ()):
        spans = {
            span["attributes"]["class_name"]: text_content(span)
            for span in walk(item)
            if span.get("tagName") == "span"
        }
        shown.append((spans["search-result-text"], spans["similarity"].strip()))
    return shown


async def store(client: StreamClient, content: str) -> None:
    """Type ``content`` into the store field and submit it, as a visitor would."""
    await client.type_text("new-document", content)
    await client.wait_for(lambda page: value_of(page, "new-document") == content)
    await client.trigger("add-document-form", "onSubmit")
    await client.wait_for_text("vector-search-message", f"Added: {content}")


async def search(client: StreamClient, query: str) -> None:
    await client.type_text("search-query", query)
    await client.wait_for(lambda page: value_of(page, "search-query") == query)
    await client.trigger("search-form", "onSubmit")
    await client.wait_for(lambda page: bool(shown_results(page)))


@pytest.fixture
async def _remove_stored_texts(vector_engine: AsyncEngine) -> AsyncIterator[None]:
    """The live server shares this session's database: leave no trace of these texts for other suites."""

    async def remove() -> None:
        async with vector_engine.begin() as connection:
            await connection.execute(
                text("DELETE FROM documents WHERE content = ANY(:contents)"), {"contents": list(TEXTS)}
            )

    await remove()
    yield
    await remove()


@pytest.mark.usefixtures("_remove_stored_texts")
class TestVectorSearchSection:
    async def test_stored_texts_are_found_nearest_first(self, live_server: ServerProcess) -> None:
        related = sorted(
            (content for content in TEXTS if similarity(QUERY, content) > 0),
            key=lambda content: similarity(QUERY, content),
            reverse=True,
        )
        assert related[0] == "an amber falcon nest on the cliff", (
            "the embedding ranks the most shared words first"
        )
        assert "quiet marmalade harbour" not in related

        async with StreamClient.open(live_server.base_url) as client:
            await client.wait_for_element("add-document-form")
            for content in TEXTS:
                await store(client, content)
            await search(client, QUERY)

            shown = shown_results(client)

        assert [content for content, _ in shown[: len(related)]] == related
        assert [label for _, label in shown[: len(related)]] == [
            f"({similarity(QUERY, content):.2f})" for content in related
        ]
