"""The login and sign-up pages over the real stream: ``next`` travels encoded, and only as a local path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.realtime.stream_client import Model, StreamClient, walk
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def base_url(settings: HeavySettings) -> AsyncIterator[str]:
    async with serve_in_process(create_app(settings, name="account_pages")) as url:
        yield url


async def page_with_next(base_url: str, pathname: str, next_path: str) -> tuple[str, str]:
    """The page at ``pathname?next=<next_path>``: its link to the other form, and the next it posts."""
    link_id = "to-signup" if pathname == "/login" else "to-login"
    async with StreamClient.open(base_url, pathname) as client:
        await client.wait_for_element(link_id)
        await client.report_location(pathname, "?" + urlencode({"next": next_path}))
        await client.drain()
        link = client.find(link_id)
        assert link is not None
        return str(link["attributes"]["href"]), str(hidden_next(client.model)["attributes"]["value"])


def hidden_next(model: Model) -> Model:
    return next(node for node in walk(model) if node.get("attributes", {}).get("name") == "next")


class TestNextOnTheAccountPages:
    @pytest.mark.parametrize(("pathname", "other_form"), [("/login", "/signup"), ("/signup", "/login")])
    async def test_a_next_with_its_own_query_string_reaches_the_other_form_whole(
        self, base_url: str, pathname: str, other_form: str
    ) -> None:
        href, posted = await page_with_next(base_url, pathname, "/account?tab=keys&page=2")

        assert href == f"{other_form}?next=/account%3Ftab%3Dkeys%26page%3D2"
        assert posted == "/account?tab=keys&page=2"

    @pytest.mark.parametrize(
        "elsewhere", ["//evil.example/phish", "https://evil.example/", "/\\evil.example"]
    )
    async def test_a_next_leading_off_the_site_becomes_the_home_page(
        self, base_url: str, elsewhere: str
    ) -> None:
        href, posted = await page_with_next(base_url, "/login", elsewhere)

        assert href == "/signup"
        assert posted == "/"
