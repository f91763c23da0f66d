"""The ``documents`` table of the vector database: short texts and their embeddings.

The HNSW index answers nearest-neighbour queries by cosine distance without scanning the table;
:data:`EMBEDDING_DIMENSIONS` must match the embedder (see ``backend/embeddings.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NewType
from uuid import UUID, uuid4

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Index, Uuid
from sqlmodel import Field

from heavy.data import VectorHeavyModel, timestamp_field

DocumentId = NewType("DocumentId", UUID)

EMBEDDING_DIMENSIONS = 256
MAX_DOCUMENT_LENGTH = 500


class SQLDocument(VectorHeavyModel, table=True):
    __tablename__ = "documents"
    __table_args__ = (
        Index(
            "ix_documents_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    id: DocumentId = Field(default_factory=lambda: DocumentId(uuid4()), primary_key=True, sa_type=Uuid)
    created_at: datetime = timestamp_field()
    content: str = Field(max_length=MAX_DOCUMENT_LENGTH)
    embedding: Any = Field(sa_column=Column(Vector(EMBEDDING_DIMENSIONS), nullable=False))
