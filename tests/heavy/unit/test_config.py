from __future__ import annotations

from pathlib import Path

import pytest

from heavy.config import (
    DEFAULT_DEV_SECRET_KEY,
    Environment,
    env_prefix,
    load_settings,
    mask_url,
    settings_class,
)
from heavy.errors import ConfigurationError
from tests.support import PROJECT_ROOT

STRONG_SECRET = "x" * 48
SETTING_NAMES = [f"{env_prefix()}{name.upper()}" for name in settings_class().model_fields]


class TestLoadSettings:
    def test_defaults_are_a_local_dev_setup(self) -> None:
        settings = load_settings(_env_file=None)

        assert settings.environment is Environment.DEV
        assert (settings.host, settings.port) == ("127.0.0.1", 8000)
        assert settings.sql_db_url is None
        assert settings.vector_db_url is None
        assert settings.secret_key.get_secret_value() == DEFAULT_DEV_SECRET_KEY
        assert settings.data_dir == Path(".heavy")

    def test_reads_prefixed_environment_variables(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HEAVY_STACK_PORT", "9123")
        monkeypatch.setenv("HEAVY_STACK_ENVIRONMENT", "dev")

        settings = load_settings(_env_file=None)

        assert settings.port == 9123
        assert settings.environment is Environment.DEV

    def test_reads_a_dotenv_file(self, tmp_path: Path) -> None:
        env_file = tmp_path / ".env"
        env_file.write_text(
            "# comment\nHEAVY_STACK_HOST=0.0.0.0\nHEAVY_STACK_CORS_HEADER=https://a.example, https://b.example\n"
        )

        settings = load_settings(_env_file=env_file)

        assert settings.host == "0.0.0.0"
        assert settings.cors_origins == ["https://a.example", "https://b.example"]

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("postgresql://u:p@db.example:5432/app", "postgresql+asyncpg://u:p@db.example:5432/app"),
            ("postgres://u@localhost/app", "postgresql+asyncpg://u@localhost/app"),
            ("postgresql+asyncpg://u@localhost/app", "postgresql+asyncpg://u@localhost/app"),
            ("cockroachdb://root@localhost:26257/app", "cockroachdb+asyncpg://root@localhost:26257/app"),
            (
                "postgresql://u@localhost/app?sslmode=disable",
                "postgresql+asyncpg://u@localhost/app?ssl=disable",
            ),
        ],
    )
    def test_database_urls_are_normalised_to_asyncpg(self, given: str, expected: str) -> None:
        assert load_settings(_env_file=None, sql_db_url=given).sql_db_url == expected


class TestConfigurationErrors:
    def test_unknown_environment_names_the_variable_and_the_choices(self) -> None:
        with pytest.raises(ConfigurationError) as error:
            load_settings(_env_file=None, environment="staging")

        message = str(error.value)
        assert "\n" not in message
        assert "HEAVY_STACK_ENVIRONMENT" in message
        assert "'DEV' or 'PRODUCTION'" in message

    def test_malformed_database_url_is_one_line_without_the_password(self) -> None:
        with pytest.raises(ConfigurationError) as error:
            load_settings(_env_file=None, sql_db_url="mysql://admin:hunter2@db/app")

        message = str(error.value)
        assert "\n" not in message
        assert "HEAVY_STACK_SQL_DB_URL" in message
        assert "hunter2" not in message
        assert "postgresql://" in message

    def test_url_that_is_not_a_url_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match="HEAVY_STACK_VECTOR_DB_URL: not a database URL"):
            load_settings(_env_file=None, vector_db_url="localhost:5432")

    def test_unparseable_database_url_is_not_echoed(self) -> None:
        with pytest.raises(ConfigurationError) as error:
            load_settings(_env_file=None, sql_db_url="postgresql//u:secretpw@host/db")

        message = str(error.value)
        assert "HEAVY_STACK_SQL_DB_URL: not a database URL" in message
        assert "secretpw" not in message

    @pytest.mark.parametrize("port", ["abc", "0", "65536"])
    def test_database_url_port_must_be_a_valid_number(self, port: str) -> None:
        with pytest.raises(ConfigurationError) as error:
            load_settings(_env_file=None, vector_db_url=f"postgresql://u:secretpw@host:{port}/db")

        message = str(error.value)
        assert "HEAVY_STACK_VECTOR_DB_URL: the port is not a number from 1 to 65535" in message
        assert "postgresql://user:password@host:5432/database" in message
        assert "secretpw" not in message
        assert "int()" not in message

    def test_port_out_of_range_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match=r"HEAVY_STACK_PORT: .*65535.*\(got 70000\)"):
            load_settings(_env_file=None, port=70000)

    def test_redis_url_must_be_a_redis_url(self) -> None:
        with pytest.raises(ConfigurationError, match="HEAVY_STACK_REDIS_URL: not a Redis URL"):
            load_settings(_env_file=None, redis_url="http://localhost:6379")

    def test_a_presence_ttl_shorter_than_two_heartbeats_is_refused(self) -> None:
        with pytest.raises(
            ConfigurationError,
            match=r"HEAVY_STACK_LIVE_PRESENCE_TTL_SECONDS \(3\) must be at least twice "
            r"HEAVY_STACK_LIVE_PRESENCE_HEARTBEAT_SECONDS \(2\)",
        ):
            load_settings(_env_file=None, live_presence_ttl_seconds=3, live_presence_heartbeat_seconds=2)

    def test_production_refuses_the_default_secret_key(self) -> None:
        with pytest.raises(ConfigurationError, match="HEAVY_STACK_SECRET_KEY must be set"):
            load_settings(
                _env_file=None,
                environment="PRODUCTION",
                sql_db_url="postgresql://u@db/app",
                vector_db_url="postgresql://u@db/vectors",
            )

    def test_production_refuses_to_run_without_database_urls(self) -> None:
        with pytest.raises(ConfigurationError, match="HEAVY_STACK_SQL_DB_URL and HEAVY_STACK_VECTOR_DB_URL"):
            load_settings(_env_file=None, environment="PRODUCTION", secret_key=STRONG_SECRET)

    def test_production_with_everything_explicit_is_accepted(self) -> None:
        settings = load_settings(
            _env_file=None,
            environment="PRODUCTION",
            secret_key=STRONG_SECRET,
            sql_db_url="postgresql://u@db/app",
            vector_db_url="postgresql://u@db/vectors",
        )

        assert not settings.is_dev


def test_mask_url_hides_the_password() -> None:
    assert (
        mask_url("postgresql+asyncpg://user:secret@db:5432/app")
        == "postgresql+asyncpg://user:***@db:5432/app"
    )


class TestEverySettingIsDocumented:
    """template.env and docs/configuration.md both claim to list every setting."""

    @pytest.mark.parametrize("name", SETTING_NAMES)
    def test_template_env_has_a_commented_example(self, name: str) -> None:
        lines = (PROJECT_ROOT / "template.env").read_text().splitlines()

        assert any(line.startswith(f"# {name}=") for line in lines)

    @pytest.mark.parametrize("name", SETTING_NAMES)
    def test_configuration_doc_has_a_table_row(self, name: str) -> None:
        lines = (PROJECT_ROOT / "docs" / "configuration.md").read_text().splitlines()

        assert any(line.startswith(f"| `{name}` |") for line in lines)
