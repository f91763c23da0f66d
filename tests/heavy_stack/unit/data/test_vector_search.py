"""Nearest-neighbour search over a small fixed corpus, on the real pgvector HNSW index."""

from __future__ import annotations

import math

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from heavy_stack.backend.data.model_managers.document_manager import DocumentManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger
from heavy_stack.backend.embeddings import HashingEmbedder
from tests.factories import create_documents

CORPUS = (
    "the cat sat on the mat",
    "a dog barked at the mailman",
    "stock markets fell sharply today",
    "the cat chased a mouse across the mat",
    "interest rates and stock prices",
)


class TestHashingEmbedder:
    def test_vectors_have_the_configured_size_and_unit_length(self) -> None:
        [vector] = HashingEmbedder(dimensions=64).embed(["hello world"])

        assert len(vector) == 64
        assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0)

    def test_same_text_same_vector(self) -> None:
        embedder = HashingEmbedder()

        assert embedder.embed(["Same Words"]) == embedder.embed(["same words"])

    def test_text_without_words_is_the_zero_vector(self) -> None:
        assert set(HashingEmbedder(dimensions=8).embed(["!!!"])[0]) == {0.0}


class TestDocumentSearch:
    async def test_returns_the_nearest_documents_in_order(self, vector_db_session: AsyncSession) -> None:
        await create_documents(*CORPUS)

        matches = await DocumentManager(DocumentModelMunger()).search("a cat sat on a mat", limit=5)

        contents = [match.document.content for match in matches]
        assert contents[:3] == [
            "the cat sat on the mat",
            "the cat chased a mouse across the mat",
            "a dog barked at the mailman",
        ]
        similarities = [match.similarity for match in matches]
        assert similarities == sorted(similarities, reverse=True)
        assert similarities[-1] == 0.0, "documents sharing no word with the query are orthogonal to it"

    async def test_a_finance_query_finds_the_finance_documents(self, vector_db_session: AsyncSession) -> None:
        await create_documents(*CORPUS)

        matches = await DocumentManager(DocumentModelMunger()).search("stock prices", limit=2)

        assert {match.document.content for match in matches} == {
            "interest rates and stock prices",
            "stock markets fell sharply today",
        }

    async def test_the_query_uses_the_hnsw_index(self, vector_db_session: AsyncSession) -> None:
        connection = await vector_db_session.connection()
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        [embedding] = HashingEmbedder().embed(["cat"])

        plan = await connection.execute(
            text("EXPLAIN SELECT id FROM documents ORDER BY embedding <=> CAST(:q AS vector) LIMIT 3"),
            {"q": str(embedding)},
        )

        assert "ix_documents_embedding_hnsw" in "\n".join(row[0] for row in plan)
