"""SQLDocument -> Document, and (SQLDocument, distance) -> DocumentMatch."""

from __future__ import annotations

from heavy.data import ModelMunger, SQLModelMunger
from heavy_stack.backend.data.sql_models.document import SQLDocument
from heavy_stack.shared_models.document import Document, DocumentMatch


class DocumentModelMunger(ModelMunger[Document, SQLDocument]):
    def to_model(self, sql_model: SQLDocument | None) -> Document | None:
        if sql_model is None:
            return None
        return Document(id=sql_model.id, content=sql_model.content, created_at=sql_model.created_at)

    def to_match(self, sql_model: SQLDocument, cosine_distance: float) -> DocumentMatch:
        document = self.to_model(sql_model)
        assert document is not None
        return DocumentMatch(document=document, similarity=round(1.0 - cosine_distance, 6))


class DocumentSQLModelMunger(SQLModelMunger[SQLDocument]):
    pass
