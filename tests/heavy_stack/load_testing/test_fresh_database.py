"""The CI recipe of docs/load-testing.md works on a freshly created database: ``heavy run``, then
``heavy load-test --recording tests/heavy_stack/load_testing/landing_page_session.jsonl ...``, with nothing
stored first. The demo session creates what it reads (it stores a document, then searches)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from heavy.data.embedded_postgres import EmbeddedPostgres
from heavy.load_testing.locust_report import read_summary
from heavy.load_testing.replay_plan import load_replay_plan
from heavy.migrations.scratch import drop_database
from tests.heavy_stack.load_testing.test_demo_recording import RE_RECORD, run_and_clean_up
from tests.support.servers import HEAVY, heavy_server

pytestmark = pytest.mark.slow

DEMO_RECORDING = Path(__file__).with_name("landing_page_session.jsonl")


@pytest.fixture
async def fresh_database_env(
    server_env: dict[str, str], embedded_server: EmbeddedPostgres
) -> AsyncIterator[dict[str, str]]:
    """``heavy`` settings naming two databases that do not exist yet (DEV start-up creates them)."""
    suffix = uuid.uuid4().hex[:10]
    urls = [embedded_server.url(f"heavy_stack_fresh{kind}_{suffix}") for kind in ("", "v")]
    yield {**server_env, "HEAVY_STACK_SQL_DB_URL": urls[0], "HEAVY_STACK_VECTOR_DB_URL": urls[1]}
    for url in urls:
        await drop_database(url)


class TestTheDocumentedCiRecipe:
    def test_passes_on_a_freshly_created_database(
        self, fresh_database_env: dict[str, str], tmp_path: Path
    ) -> None:
        report_dir = tmp_path / "report"
        with heavy_server(["run"], fresh_database_env, tmp_path / "server.log") as server:
            # docs/load-testing.md "In CI", shorter and with fewer users; the p95 limit is generous
            # because this machine is shared (the verdict that matters here is zero failures).
            command = [
                *HEAVY, "load-test", "--recording", str(DEMO_RECORDING), "--host", server.base_url,
                "--users", "4", "--spawn-rate", "4", "--duration", "5s", "--think-time", "0.1",
                "--max-p95-ms", "5000", "--max-error-rate", "0", "--report-dir", str(report_dir),
            ]  # fmt: skip
            result = run_and_clean_up(command, tmp_path)

        assert result.returncode == 0, result.stdout + result.stderr
        summary = read_summary(report_dir / "summary.json")
        assert summary.total.failures == 0
        assert summary.unmatched_steps(load_replay_plan(DEMO_RECORDING)) == [], RE_RECORD
