"""The component kit pages are built from, one module per concern.

- ``text``: PageTitle, paragraph, preformatted, BulletedList
- ``layout``: Section, ExpandableSection, CenteredColumn, FlexRow, Spacer
- ``links``: RouterLink, NewTabLink
- ``inputs``: LineInput, TextInput, NumberInput, Button
- ``forms``: Form, get_input_by_id
- ``outer_container``: OuterContainer, the frame around every page

Pieces without state are plain functions that return VDOM: cheap to render, and a ``Form`` can see
the inputs inside them. Pieces with state (ExpandableSection, RouterLink) are ``@component``.
See docs/frontend.md.
"""
