"""Documents: store short texts with their embeddings, and find the nearest ones to a query."""

from __future__ import annotations

from heavy.data import BaseManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger
from heavy_stack.backend.data.repositories.document_repository import DocumentRepository
from heavy_stack.backend.data.sql_models.document import MAX_DOCUMENT_LENGTH, SQLDocument
from heavy_stack.backend.embeddings import Embedder, default_embedder
from heavy_stack.shared_models.document import Document, DocumentMatch

MAX_SEARCH_RESULTS = 20


class DocumentManager(BaseManager[Document, SQLDocument]):
    possible_mungers = (DocumentModelMunger,)
    munger: DocumentModelMunger

    def __init__(
        self,
        munger: DocumentModelMunger,
        repository: DocumentRepository | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        super().__init__(munger)
        self.repository = repository or DocumentRepository()
        self.embedder = embedder or default_embedder()

    async def add_document(self, content: str) -> Document:
        """Embed and store ``content`` (not committed). Raises ValueError for empty or long text."""
        text = content.strip()
        if not text:
            raise ValueError("a document needs some text")
        if len(text) > MAX_DOCUMENT_LENGTH:
            raise ValueError(f"a document has at most {MAX_DOCUMENT_LENGTH} characters")
        [embedding] = self.embedder.embed([text])
        document = self.munger.to_model(
            await self.repository.create_document(content=text, embedding=embedding)
        )
        assert document is not None
        return document

    async def search(self, query: str, *, limit: int = 5) -> list[DocumentMatch]:
        """The documents most similar to ``query``, most similar first."""
        if not query.strip():
            return []
        [embedding] = self.embedder.embed([query])
        nearest = await self.repository.nearest_documents(embedding, limit=min(limit, MAX_SEARCH_RESULTS))
        return [self.munger.to_match(document, distance) for document, distance in nearest]
