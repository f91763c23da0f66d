"""A second page, to show routing without a full page load."""

from reactpy import component, html

from heavy.ui import Component
from heavy_stack.frontend.components.layout import Section
from heavy_stack.frontend.components.links import RouterLink
from heavy_stack.frontend.components.text import BulletedList, PageTitle, paragraph


@component
def OtherPage() -> Component:
    return html.div(
        {"class_name": "page"},
        PageTitle("Another page", "Routed in the page: no reload, the websocket stays open."),
        Section(
            paragraph(
                "Going back keeps the landing page's connection; its blocks start fresh when shown again."
            ),
            BulletedList(
                """
                The address bar changed with the History API
                The server rendered this page for the new location
                The browser's back button works as usual
                """
            ),
            RouterLink(
                "Back to the landing page", to="/", id="to-landing-page", class_name="button button-primary"
            ),
            title="What just happened",
            id="routing-explained",
        ),
    )
