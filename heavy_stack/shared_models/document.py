"""Documents and search results, as pages show them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class Document(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID
    content: str
    created_at: datetime


class DocumentMatch(BaseModel):
    """A search hit: the document and how similar it is to the query (1.0 = same direction)."""

    model_config = ConfigDict(frozen=True)

    document: Document
    similarity: float
