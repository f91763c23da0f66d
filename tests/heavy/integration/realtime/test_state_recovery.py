"""UI state comes back after a reconnect, for the same tab of the same browser only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from reactpy import component, html, use_state
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from heavy.accounts.sessions import SESSION_COOKIE
from heavy.app_factory import create_app
from heavy.config import HeavySettings
from heavy.realtime.state_store import PostgresStateStore, SnapshotLimits, StateStore
from heavy.realtime.stream_client import StreamClient
from heavy.realtime.tab_identity import state_key
from heavy.ui.types import Component
from tests.heavy.integration.realtime.conftest import StatefulPage, Tab, change_state
from tests.support.accounts import signed_in_session
from tests.support.servers import serve_in_process

pytestmark = pytest.mark.slow


async def assert_recovered(client: StreamClient) -> None:
    await client.wait_for_text("count", "1")
    assert client.text_of("echo") == "typed value"
    assert client.text_of("expanded") == "True"
    assert client.text_of("note") == "first:1"


async def assert_fresh(client: StreamClient) -> None:
    await client.wait_for_element("count")
    assert client.text_of("count") == "0"
    assert client.text_of("echo") == ""
    assert client.text_of("note") == "first:0"


class TestRecovery:
    @pytest.mark.parametrize("store", ["postgres", "memory", "redis"])
    async def test_state_is_back_after_a_reconnect(
        self, serve_stateful: Callable[..., Any], store: str
    ) -> None:
        overrides: dict[str, Any] = {"state_store": store}
        if store == "redis":
            from tests.support.external_services import require_external_redis

            overrides["redis_url"] = require_external_redis()
        tab = Tab()
        async with serve_stateful(**overrides) as base_url:
            async with tab.open(base_url) as client:
                await change_state(client)

            async with tab.open(base_url) as client:
                await assert_recovered(client)

    async def test_server_only_and_unregistered_values_start_fresh(
        self, serve_stateful: Callable[..., Any]
    ) -> None:
        tab = Tab()
        async with serve_stateful() as base_url:
            async with tab.open(base_url) as client:
                await change_state(client)
                assert client.text_of("secret") == "server changed"
                assert client.text_of("thing") == "changed"

            async with tab.open(base_url) as client:
                await assert_recovered(client)
                assert client.text_of("secret") == "server initial"
                assert client.text_of("thing") == "initial"

    async def test_state_survives_a_server_restart(self, serve_stateful: Callable[..., Any]) -> None:
        tab = Tab()
        async with serve_stateful() as base_url, tab.open(base_url) as client:
            await change_state(client)
            await client.wait_for_text("count", "1")
        # A new app, a new server: only the PostgreSQL store connects the two.
        async with serve_stateful() as base_url, tab.open(base_url) as client:
            await assert_recovered(client)

    async def test_another_tab_starts_fresh(self, serve_stateful: Callable[..., Any]) -> None:
        tab = Tab()
        async with serve_stateful() as base_url:
            async with tab.open(base_url) as client:
                await change_state(client)

            async with Tab(browser_id=tab.browser_id).open(base_url) as client:
                await assert_fresh(client)

    async def test_another_browser_cannot_claim_the_tab(self, serve_stateful: Callable[..., Any]) -> None:
        tab = Tab()
        async with serve_stateful() as base_url:
            async with tab.open(base_url) as client:
                await change_state(client)

            async with Tab(tab_id=tab.tab_id).open(base_url) as client:
                await assert_fresh(client)

    async def test_without_recovery_state_is_lost(self, serve_stateful: Callable[..., Any]) -> None:
        tab = Tab()
        async with serve_stateful(state_recovery=False) as base_url:
            async with tab.open(base_url) as client:
                await change_state(client)

            async with tab.open(base_url) as client:
                await assert_fresh(client)


async def log_out(base_url: str, session_id: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post("/auth/logout", headers={"cookie": f"{SESSION_COOKIE}={session_id}"})
    assert response.status_code == 303


class TestSignedInUsers:
    async def test_after_logout_the_same_tab_starts_fresh(self, serve_stateful: Callable[..., Any]) -> None:
        tab = Tab()
        async with serve_stateful() as base_url:
            session_id = await signed_in_session(base_url)
            async with tab.open(base_url, session_id=session_id) as client:
                await change_state(client)
            async with tab.open(base_url, session_id=session_id) as client:
                await assert_recovered(client)  # the same user gets it back

            await log_out(base_url, session_id)

            async with tab.open(base_url, session_id=session_id) as client:  # the browser's stale cookie
                await assert_fresh(client)
            async with tab.open(base_url) as client:
                await assert_fresh(client)

    async def test_another_user_in_the_same_tab_starts_fresh(
        self, serve_stateful: Callable[..., Any]
    ) -> None:
        tab = Tab()
        async with serve_stateful() as base_url:
            first_user, second_user = await signed_in_session(base_url), await signed_in_session(base_url)
            async with tab.open(base_url, session_id=first_user) as client:
                await change_state(client)

            async with tab.open(base_url, session_id=second_user) as client:
                await assert_fresh(client)
            async with tab.open(base_url, session_id=first_user) as client:
                await assert_recovered(client)


class TestSnapshotWrites:
    async def test_typing_is_saved_a_few_times_not_once_per_keystroke(
        self, settings: HeavySettings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        typed = "twenty keys, quickly"
        saved: list[bytes] = []
        tab = Tab()
        app = create_app(settings, name="recovery_coalesced_writes", root=StatefulPage)
        async with serve_in_process(app) as base_url:
            store: StateStore = app.ctx.state_store
            save = store.save

            async def counted_save(key: str, payload: bytes) -> None:
                saved.append(payload)
                await save(key, payload)

            monkeypatch.setattr(store, "save", counted_save)
            async with tab.open(base_url) as client:
                await client.wait_for_element("text")
                for length in range(1, len(typed) + 1):  # a fast typist: 20 keys a second
                    await client.type_text("text", typed[:length])
                    await asyncio.sleep(0.05)
                await client.wait_for_text("echo", typed)
            async with tab.open(base_url) as client:  # waits for the closed connection's last save
                await client.wait_for_text("echo", typed)
            saves = len(saved)

        assert len(typed) == 20
        assert 1 <= saves <= 4, f"{saves} snapshot writes for 20 keystrokes"
        assert typed.encode() in saved[-1]


class TestRestoredValuesThatNoLongerFit:
    async def test_a_changed_component_starts_fresh(self, serve_stateful: Callable[..., Any]) -> None:
        @component
        def RewrittenPage() -> Component:
            label, _ = use_state("rewritten")
            return html.p({"id": "label"}, label)

        tab = Tab()
        async with serve_stateful() as base_url, tab.open(base_url) as client:
            await change_state(client)

        async with serve_stateful(root=RewrittenPage) as base_url, tab.open(base_url) as client:
            await client.wait_for_text("label", "rewritten")

    async def test_a_value_of_another_type_falls_back_to_the_initial_value(
        self, serve_stateful: Callable[..., Any]
    ) -> None:
        @component
        def Page() -> Component:
            value, set_value = use_state("text")
            return html.button({"id": "value", "on_click": lambda _: set_value("clicked")}, value)

        @component
        def PageWithAnInt() -> Component:  # same position, same name, the slot now holds an int
            value, _ = use_state(42)
            return html.p({"id": "value"}, str(value))

        PageWithAnInt.__qualname__ = Page.__qualname__
        tab = Tab()
        async with serve_stateful(root=Page) as base_url, tab.open(base_url) as client:
            await client.wait_for_element("value")
            await client.click("value")
            await client.wait_for_text("value", "clicked")

        async with serve_stateful(root=PageWithAnInt) as base_url, tab.open(base_url) as client:
            await client.wait_for_text("value", "42")


async def assert_a_second_connection_is_healthy(base_url: str) -> None:
    """After a refused snapshot the server goes on: another tab gets its page and its clicks."""
    async with Tab().open(base_url) as healthy:
        await healthy.wait_for_element("change")
        await healthy.click("change")
        await healthy.wait_for_text("count", "1")


async def saved_keys(sql_engine: AsyncEngine) -> set[str]:
    async with sql_engine.connect() as connection:
        return set((await connection.scalars(text("SELECT key FROM ui_state_snapshots"))).all())


async def new_saved_key(sql_engine: AsyncEngine, known: set[str]) -> str:
    """The key of the one snapshot saved since ``known`` was read (waits for the write)."""
    async with asyncio.timeout(10):
        while not (new := await saved_keys(sql_engine) - known):  # noqa: ASYNC110 (polling another system)
            await asyncio.sleep(0.05)
    [key] = new
    return key


class TestRefusedSnapshots:
    async def test_a_tampered_snapshot_is_refused_logged_once_and_the_tab_starts_fresh(
        self, serve_stateful: Callable[..., Any], sql_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
    ) -> None:
        tab = Tab()
        async with serve_stateful() as base_url:
            keys_before = await saved_keys(sql_engine)
            async with tab.open(base_url) as client:
                await change_state(client)
            key = await new_saved_key(sql_engine, keys_before)
            async with sql_engine.begin() as connection:
                await connection.execute(
                    text(
                        "UPDATE ui_state_snapshots "
                        "SET snapshot = overlay(snapshot placing '\\x58' from 60 for 1) WHERE key = :key"
                    ),
                    {"key": key},
                )

            with caplog.at_level(logging.WARNING, logger="heavy.realtime.state_recovery"):
                async with tab.open(base_url) as client:
                    await assert_fresh(client)
                await assert_a_second_connection_is_healthy(base_url)

        refusals = [r for r in caplog.records if "refused a stored snapshot" in r.getMessage()]
        assert len(refusals) == 1
        assert "authentication failed" in refusals[0].getMessage()

    async def test_a_snapshot_copied_to_another_tab_is_refused(
        self, serve_stateful: Callable[..., Any], sql_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
    ) -> None:
        victim, attacker = Tab(), Tab()
        async with serve_stateful() as base_url:
            before = await saved_keys(sql_engine)
            async with victim.open(base_url) as client:
                await change_state(client)
            victim_key = await new_saved_key(sql_engine, before)
            async with attacker.open(base_url) as client:
                await client.wait_for_element("change")
                await client.click("change")
                await client.wait_for_text("count", "1")
            attacker_key = await new_saved_key(sql_engine, before | {victim_key})
            async with sql_engine.begin() as connection:
                await connection.execute(
                    text(
                        "UPDATE ui_state_snapshots SET snapshot = "
                        "(SELECT snapshot FROM ui_state_snapshots WHERE key = :victim) WHERE key = :attacker"
                    ),
                    {"victim": victim_key, "attacker": attacker_key},
                )

            with caplog.at_level(logging.WARNING, logger="heavy.realtime.state_recovery"):
                async with attacker.open(base_url) as client:
                    await assert_fresh(client)
                await assert_a_second_connection_is_healthy(base_url)

        assert any("authentication failed" in r.getMessage() for r in caplog.records)

    async def test_an_expired_snapshot_is_refused_and_the_tab_starts_fresh(
        self, settings: HeavySettings, caplog: pytest.LogCaptureFixture
    ) -> None:
        tab = Tab()
        app = create_app(settings, name="recovery_expired_snapshot", root=StatefulPage)
        async with serve_in_process(app) as base_url:
            async with tab.open(base_url) as client:
                await change_state(client)
            # The same snapshot, sealed as if it had been written a day and a second ago.
            store: PostgresStateStore = app.ctx.state_store
            key = state_key(
                app.ctx.state_key_secret, browser_id=tab.browser_id, user_key="anonymous", tab_id=tab.tab_id
            )
            async with asyncio.timeout(10):  # the last write happens as the server sees the tab close
                while (payload := await store.load(key)) is None:  # noqa: ASYNC110 (polling the store)
                    await asyncio.sleep(0.05)
            expired = PostgresStateStore(
                store._sessionmaker, store._signing_key, SnapshotLimits(ttl=timedelta(seconds=-1))
            )
            await expired.save(key, payload)

            with caplog.at_level(logging.WARNING, logger="heavy.realtime.state_recovery"):
                async with tab.open(base_url) as client:
                    await assert_fresh(client)
                await assert_a_second_connection_is_healthy(base_url)

        assert [r for r in caplog.records if "refused a stored snapshot (expired)" in r.getMessage()]

    async def test_a_snapshot_over_a_lowered_cap_is_refused_and_the_tab_starts_fresh(
        self, serve_stateful: Callable[..., Any], caplog: pytest.LogCaptureFixture
    ) -> None:
        tab = Tab()
        async with serve_stateful() as base_url, tab.open(base_url) as client:
            await client.wait_for_element("text")
            await client.type_text("text", "x" * 2000)
            await client.wait_for_text("echo", "x" * 2000)

        with caplog.at_level(logging.WARNING, logger="heavy.realtime.state_recovery"):
            async with serve_stateful(state_max_bytes=1024) as base_url:
                async with tab.open(base_url) as client:
                    await assert_fresh(client)
                await assert_a_second_connection_is_healthy(base_url)

        refusals = [r.getMessage() for r in caplog.records if "refused a stored snapshot" in r.getMessage()]
        assert len(refusals) == 1
        assert "over the 1024-byte cap (STATE_MAX_BYTES)" in refusals[0]

    async def test_an_oversized_snapshot_is_not_kept(
        self, serve_stateful: Callable[..., Any], caplog: pytest.LogCaptureFixture
    ) -> None:
        tab = Tab()
        with caplog.at_level(logging.WARNING, logger="heavy.realtime.state_recovery"):
            async with serve_stateful(state_max_bytes=1024) as base_url:
                async with tab.open(base_url) as client:
                    await client.wait_for_element("text")
                    await client.type_text("text", "x" * 2000)
                    await client.wait_for_text("echo", "x" * 2000)

                async with tab.open(base_url) as client:
                    await assert_fresh(client)
                await assert_a_second_connection_is_healthy(base_url)

        assert [r for r in caplog.records if "STATE_MAX_BYTES" in r.getMessage()]
