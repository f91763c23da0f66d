"""Vector search, end to end: add short texts, then find the ones nearest to a query.

The pattern to copy: async handlers receive a HeavyContext, call a manager, commit explicitly
when they write, and put shared models (never SQL models) into state.
"""

from __future__ import annotations

from typing import Any

from reactpy import component, html, use_state

from heavy.ui import Component, HeavyContext, heavy_use_effect, use_settings
from heavy_stack.backend.data.model_managers.document_manager import DocumentManager
from heavy_stack.backend.data.model_mungers.document_mungers import DocumentModelMunger
from heavy_stack.backend.data.sql_models.document import MAX_DOCUMENT_LENGTH
from heavy_stack.frontend.components.forms import Form
from heavy_stack.frontend.components.inputs import Button, LineInput
from heavy_stack.frontend.components.layout import Section
from heavy_stack.frontend.components.text import paragraph
from heavy_stack.settings import Settings
from heavy_stack.shared_models.document import DocumentMatch

VECTOR_SEARCH_OFF = (
    "Vector search is off: the vector database has no pgvector extension. "
    "Leave the database URLs unset to use the embedded PostgreSQL, which has it."
)


def document_manager() -> DocumentManager:
    return DocumentManager(DocumentModelMunger())


@component
def VectorSearchSection() -> Component:
    results = use_settings(Settings).vector_search_results
    new_text, set_new_text = use_state("")
    query, set_query = use_state("")
    no_matches: tuple[DocumentMatch, ...] = ()
    matches, set_matches = use_state(no_matches)
    document_count, set_document_count = use_state(0)
    message, set_message = use_state("")
    available, set_available = use_state(True)

    async def load_count(context: HeavyContext) -> None:
        if not context.vector_search_available:
            set_available(False)
            return
        set_document_count(await document_manager().repository.count_documents())

    heavy_use_effect(load_count)

    async def add_document(context: HeavyContext, _event: dict[str, Any]) -> None:
        try:
            document = await document_manager().add_document(new_text)
        except ValueError as error:
            set_message(str(error))
            return
        await context.vector_db_session.commit()
        set_new_text("")
        set_document_count(lambda count: count + 1)
        set_message(f"Added: {document.content}")

    async def search(context: HeavyContext, _event: dict[str, Any]) -> None:
        set_matches(tuple(await document_manager().search(query, limit=results)))

    if not available:
        return Section(
            html.p({"id": "vector-search-off"}, VECTOR_SEARCH_OFF),
            title="Vector search",
            id="vector-search",
        )

    return Section(
        paragraph(
            f"""
            Store short texts, then search them by similarity (pgvector, HNSW index, cosine
            distance). {document_count} stored.
            """
        ),
        Form(
            LineInput(
                id="new-document",
                label="Text to store",
                value=new_text,
                max_length=MAX_DOCUMENT_LENGTH,
                on_change=lambda event: set_new_text(event["target"]["value"]),
            ),
            Button("Store", submit=True, id="add-document"),
            on_submit=add_document,
            id="add-document-form",
            class_name="inline-form",
        ),
        html.p({"id": "vector-search-message", "class_name": "muted", "role": "status"}, message),
        Form(
            LineInput(
                id="search-query",
                label="Search for",
                type="search",
                value=query,
                on_change=lambda event: set_query(event["target"]["value"]),
            ),
            Button("Search", submit=True, id="search-documents", variant="secondary"),
            on_submit=search,
            id="search-form",
            class_name="inline-form",
        ),
        html.ol(
            {"id": "search-results", "class_name": "search-results", "aria_label": "Search results"},
            [
                html.li(
                    {"key": str(match.document.id)},
                    html.span({"class_name": "search-result-text"}, match.document.content),
                    html.span({"class_name": "similarity"}, f" ({match.similarity:.2f})"),
                )
                for match in matches
            ],
        ),
        title="Vector search",
        id="vector-search",
    )
