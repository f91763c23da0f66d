"""The landing page: what a visitor sees first, and a working example of each piece of the stack.

Each stateful block is its own component, so a click re-renders that block only.
"""

from __future__ import annotations

import contextlib
import textwrap
from datetime import UTC, datetime
from typing import Any

from heavy_brython.navigate import open_new_tab
from heavy_brython.scrolling import scroll_to_element
from heavy_stack_brython.clipboard import copy_text
from reactpy import component, html, use_state

from heavy.accounts import AnonymousUser, User
from heavy.ui import (
    BrythonExecutorContext,
    Component,
    HeavyContext,
    heavy_use_context,
    heavy_use_effect,
    to_user_timezone,
    use_user_timezone,
)
from heavy_stack.frontend.components.forms import Form, get_input_by_id
from heavy_stack.frontend.components.inputs import Button, LineInput, NumberInput, TextInput
from heavy_stack.frontend.components.layout import CenteredColumn, ExpandableSection, FlexRow, Section, Spacer
from heavy_stack.frontend.components.links import NewTabLink, RouterLink
from heavy_stack.frontend.components.text import BulletedList, PageTitle, paragraph, preformatted
from heavy_stack.frontend.components.vector_search_section import VectorSearchSection

EXECUTOR_EXAMPLE = """
    from heavy_brython.scrolling import scroll_to_element

    brython_executor = heavy_use_context(BrythonExecutorContext)

    def scroll_to_clock(event):
        brython_executor.call(scroll_to_element, element_id="current-time")
"""


@component
def LandingPage() -> Component:
    return html.div(
        {"class_name": "page"},
        PageTitle(
            "Heavy Stack",
            "Full-stack web apps in Python, top to bottom: every block below runs on the server "
            "and updates over one websocket.",
        ),
        html.div(
            {"class_name": "page-grid"},
            ClockSection(),
            CounterSection(),
            GreetingSection(),
            CurrentUserSection(),
            OneWaySection(),
            BrythonSection(),
            ExpandableSection(
                paragraph(
                    "A click in the page reaches a Python handler on the server and comes back as a patch."
                ),
                title="How a click travels",
                id="click-flow",
                expanded_children=[
                    BulletedList(
                        ("Browser", "ReactPy's client sends the event over the websocket"),
                        (
                            "Server",
                            "heavy_event opens a database session",
                            "the handler calls a manager, which calls a repository",
                            "set_state schedules a re-render",
                        ),
                        ("Browser", "the changed part of the page is patched in place"),
                    )
                ],
                class_name="span-all",
            ),
            CodeExampleSection(),
            html.div({"class_name": "span-all"}, VectorSearchSection()),
            Section(
                paragraph("Pages change without a page load: the websocket and this page's state stay."),
                FlexRow(
                    RouterLink(
                        "Another page", to="/other", id="to-other-page", class_name="button button-primary"
                    ),
                    NewTabLink("https://reactpy.dev/docs/", "ReactPy documentation", id="reactpy-docs-link"),
                ),
                title="More",
                id="more",
                class_name="span-all",
            ),
        ),
    )


@component
def ClockSection() -> Component:
    """Live time: rendered in the visitor's zone (TimezoneProvider), refreshed by a button."""
    now, set_now = use_state(lambda: datetime.now(UTC))
    updates, set_updates = use_state(0)
    user_timezone = use_user_timezone()
    local = to_user_timezone(now)

    def update_time(_event: object) -> None:
        set_now(datetime.now(UTC))
        set_updates(lambda count: count + 1)

    zone_note = "from your browser" if user_timezone.from_browser else "until your browser reports its zone"
    return Section(
        html.p(
            {"class_name": "clock"},
            html.time(
                {"id": "current-time", "datetime": local.isoformat(timespec="milliseconds")},
                local.strftime("%H:%M:%S"),
            ),
        ),
        html.p({"class_name": "clock-date"}, f"{local:%A} {local.day} {local:%B %Y}"),
        html.p(
            {"class_name": "muted"},
            "Time zone: ",
            html.strong({"id": "timezone-name"}, user_timezone.name),
            f" ({zone_note})",
        ),
        FlexRow(
            Button("Update time", on_click=update_time, id="update-time-button"),
            html.span({"id": "time-updates", "class_name": "muted"}, f"Updated {updates} times"),
        ),
        title="Live time",
        id="clock",
    )


@component
def CounterSection() -> Component:
    count, set_count = use_state(0)

    def increment(_event: object) -> None:
        set_count(lambda current: current + 1)  # the functional form never loses a concurrent click

    return Section(
        paragraph("Each click is a round trip to the server; the count lives in this connection."),
        Button(f"Clicked {count} times", on_click=increment, id="counter-button"),
        title="Counter",
        id="click-counter",
    )


@component
def GreetingSection() -> Component:
    """A form read on submit with get_input_by_id: no state until the visitor presses the button."""
    greeting, set_greeting = use_state("Nobody has said hello yet.")

    def say_hello(event: dict[str, Any]) -> None:
        name = get_input_by_id(event, "name-input")["value"].strip() or "stranger"
        message = get_input_by_id(event, "message-input")["value"].strip()
        set_greeting(f"Hello, {name}!" + (f" You said: “{message}”" if message else ""))

    return Section(
        Form(
            LineInput(id="name-input", label="Your name", autocomplete="given-name", max_length=80),
            TextInput(id="message-input", label="A message (optional)", rows=2, max_length=280),
            Button("Say hello", submit=True, id="greeting-submit"),
            on_submit=say_hello,
            id="greeting-form",
        ),
        html.p({"id": "greeting", "class_name": "result", "role": "status"}, greeting),
        title="A form",
        id="greeting-section",
    )


@component
def CurrentUserSection() -> Component:
    """The user from HeavyContext, loaded by an async effect (the pattern for anything from the server)."""
    not_loaded: User | AnonymousUser | None = None
    user, set_user = use_state(not_loaded)

    async def load_user(context: HeavyContext) -> None:
        set_user(context.user)

    heavy_use_effect(load_user)
    if isinstance(user, User):
        text = f"Signed in as {user.display_name}."
    elif isinstance(user, AnonymousUser):
        text = (
            f"You are browsing as a guest ({type(user).__name__}): sign up or log in at the top of the page."
        )
    else:
        text = "Loading…"
    return Section(
        html.p({"id": "current-user"}, text),
        title="Current user",
        id="current-user-section",
    )


@component
def OneWaySection() -> Component:
    quantity, set_quantity = use_state(1.5)

    def change_quantity(event: dict[str, Any]) -> None:
        with contextlib.suppress(ValueError):  # an empty or half-typed number: keep the last good one
            set_quantity(float(event["target"]["value"]))

    return ExpandableSection(
        paragraph("Once open it stays open: for content that is costly to build, rendered on demand."),
        title="Open once",
        id="one-way-section",
        one_way=True,
        expanded_children=[
            Section(
                NumberInput(
                    id="quantity-input",
                    label="A number (steps of 0.1)",
                    value=quantity,
                    on_change=change_quantity,
                ),
                html.p({"id": "quantity-doubled"}, f"Twice that is {quantity * 2:g}."),
                class_name="nested-section",
            )
        ],
    )


@component
def CodeExampleSection() -> Component:
    """Preformatted text, and a Brython function whose result arrives later (a clipboard promise)."""
    brython_executor = heavy_use_context(BrythonExecutorContext)
    copy_status, set_copy_status = use_state("")

    def copy_example(_event: object) -> None:
        brython_executor.call(
            copy_text,
            lambda copied: set_copy_status("Copied." if copied else "Your browser refused to copy."),
            text=textwrap.dedent(EXECUTOR_EXAMPLE).strip("\n"),
        )

    return Section(
        paragraph(
            """
            Functions in brython/ run in the browser. Server code imports them for their name
            and signature, and the executor runs them in the page:
            """
        ),
        preformatted(EXECUTOR_EXAMPLE, id="executor-example", label="Example: calling Brython"),
        FlexRow(
            Button("Copy", on_click=copy_example, id="copy-example-button", variant="secondary"),
            html.span({"id": "copy-status", "class_name": "muted", "role": "status"}, copy_status),
        ),
        title="Python in the browser",
        id="preformatted-example",
        class_name="span-all",
    )


@component
def BrythonSection() -> Component:
    """Brython functions run in the page, one of them reporting a result back to the server."""
    brython_executor = heavy_use_context(BrythonExecutorContext)
    new_tab_status, set_new_tab_status = use_state("")

    def scroll_to_clock(_event: object) -> None:
        brython_executor.call(scroll_to_element, element_id="current-time")

    def report_new_tab(opened: bool) -> None:
        set_new_tab_status("Opened in a new tab." if opened else "Your browser blocked the new tab.")

    def open_other_page_in_new_tab(_event: object) -> None:
        brython_executor.call(open_new_tab, report_new_tab, url="/other")

    return Section(
        paragraph("These buttons ask the server, which runs a Python function in your browser with Brython."),
        CenteredColumn(
            Button(
                "Scroll to the clock",
                on_click=scroll_to_clock,
                id="scroll-to-clock-button",
                variant="secondary",
            ),
            Spacer("small"),
            Button(
                "Open a page in a new tab",
                on_click=open_other_page_in_new_tab,
                id="open-new-tab-button",
                variant="secondary",
            ),
            html.p({"id": "new-tab-status", "class_name": "muted", "role": "status"}, new_tab_status),
        ),
        title="Brython",
        id="brython-actions",
    )
