"""Which database URLs count as this machine: pave-db's guard against destroying a remote server."""

from __future__ import annotations

import pytest

from heavy.data.database_setup import DatabaseUrls

EMBEDDED = "postgresql+asyncpg://postgres@/heavy_stack?host=/tmp/heavy/pgdata"
REMOTE = "postgresql+asyncpg://u:pw@prod.example.com:5432/vectors"


class TestDatabaseUrls:
    class TestIsLocal:
        @pytest.mark.parametrize(
            "url",
            [
                EMBEDDED,
                "postgresql+asyncpg://u@/app",
                "postgresql+asyncpg://u@/app?host=/var/run/postgresql",
                "postgresql+asyncpg://u@localhost/app",
                "postgresql+asyncpg://u@127.0.0.1:5432/app",
                "postgresql+asyncpg://u@[::1]:5432/app",
                "postgresql+asyncpg://u@/app?host=localhost:5432&host=127.0.0.1:5433",
            ],
        )
        def test_this_machine_is_local(self, url: str) -> None:
            assert DatabaseUrls(sql=url, vector=url, embedded=False).is_local()

        @pytest.mark.parametrize(
            "url",
            [
                REMOTE,
                "postgresql+asyncpg://u@/app?host=prod.example.com",
                "postgresql+asyncpg://u@localhost/app?host=prod.example.com",
                "postgresql+asyncpg://u@/app?host=localhost:5432&host=prod.example.com:5432",
                "postgresql+asyncpg://u@/app?host=/var/run/postgresql,prod.example.com",
                "postgresql+asyncpg://u@10.0.0.5/app",
            ],
        )
        def test_another_machine_is_not_local(self, url: str) -> None:
            assert not DatabaseUrls(sql=url, vector=url, embedded=False).is_local()

        def test_a_remote_vector_database_beside_the_embedded_one_is_not_local(self) -> None:
            urls = DatabaseUrls(sql=EMBEDDED, vector=REMOTE, embedded=True)

            assert not urls.is_local()
            assert urls.remote_urls() == [REMOTE]
