"""Text embeddings for vector search, behind one small interface so a real model can replace the default.

The default, :class:`HashingEmbedder`, needs no model download and runs offline: it hashes words
and word pairs into a fixed-size vector (the "hashing trick"). Texts that share words land near
each other, which is enough to demonstrate and test nearest-neighbour search; it knows nothing of
meaning ("car" and "automobile" are unrelated to it). Replace it with a real model for a product:
implement :class:`Embedder` and pass it to ``DocumentManager`` (keep ``dimensions`` equal to the
``documents.embedding`` column, or migrate the column).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Sequence
from typing import Protocol

from heavy_stack.backend.data.sql_models.document import EMBEDDING_DIMENSIONS

_WORD = re.compile(r"[\w']+")


class Embedder(Protocol):
    dimensions: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit-length vector of ``dimensions`` floats per text."""
        ...


class HashingEmbedder:
    """Feature hashing of lower-cased words and adjacent word pairs, L2-normalised."""

    def __init__(self, dimensions: int = EMBEDDING_DIMENSIONS) -> None:
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._embed_one(text) for text in texts]

    def _embed_one(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        words = _WORD.findall(text.lower())
        features = words + [f"{first} {second}" for first, second in itertools.pairwise(words)]
        for feature in features:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dimensions
            sign = 1.0 if digest[4] & 1 else -1.0  # signed hashing keeps collisions from piling up
            vector[index] += sign
        norm = math.sqrt(sum(value * value for value in vector))
        if norm == 0.0:
            return vector
        return [value / norm for value in vector]


def default_embedder() -> Embedder:
    return HashingEmbedder()
