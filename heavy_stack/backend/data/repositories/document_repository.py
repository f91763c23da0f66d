"""All SQL about documents in the vector database, nearest-neighbour search included."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import func, select

from heavy.data import VectorSQLRepositoryBase
from heavy_stack.backend.data.sql_models.document import SQLDocument


class DocumentRepository(VectorSQLRepositoryBase):
    async def create_document(self, *, content: str, embedding: Sequence[float]) -> SQLDocument:
        document = SQLDocument(content=content, embedding=list(embedding))
        self.session.add(document)
        await self.session.flush()
        return document

    async def nearest_documents(
        self, embedding: Sequence[float], *, limit: int
    ) -> list[tuple[SQLDocument, float]]:
        """The ``limit`` documents closest to ``embedding`` by cosine distance, nearest first.

        ``ORDER BY embedding <=> :query LIMIT n`` is the shape the HNSW index answers.
        """
        distance = SQLDocument.embedding.cosine_distance(list(embedding)).label("distance")
        statement = select(SQLDocument, distance).order_by(distance).limit(limit)
        rows = await self.session.exec(statement)
        return [(document, float(document_distance)) for document, document_distance in rows.all()]

    async def count_documents(self) -> int:
        result = await self.session.exec(select(func.count()).select_from(SQLDocument))
        return int(result.one())
