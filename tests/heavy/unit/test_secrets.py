from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from heavy.config import load_settings
from heavy.web import secrets
from heavy.web.secrets import (
    DevSecretProvider,
    MissingSecretError,
    env_var_name,
    get_secret,
    provider_for,
    set_secret_provider,
)


@pytest.fixture(autouse=True)
def fresh_provider() -> Iterator[None]:
    set_secret_provider(None)
    yield
    set_secret_provider(None)


def production(tmp_path: Path) -> secrets.SecretProvider:
    settings = load_settings(
        _env_file=None,
        environment="PRODUCTION",
        secret_key="s" * 40,
        sql_db_url="postgresql://db/app",
        vector_db_url="postgresql://db/vec",
        secrets_dir=tmp_path,
    )
    return provider_for(settings)


class TestDevProvider:
    def test_reads_local_values_and_versions(self, tmp_path: Path) -> None:
        path = tmp_path / "dev-secrets.json"
        path.write_text(json.dumps({"smtp-password": "dev-pw", "api-key": {"latest": "k2", "1": "k1"}}))
        set_secret_provider(DevSecretProvider(path))

        assert get_secret("smtp-password") == "dev-pw"
        assert get_secret("api-key") == "k2"
        assert get_secret("api-key", version="1") == "k1"

    def test_a_missing_secret_says_where_it_looked(self, tmp_path: Path) -> None:
        set_secret_provider(provider_for(load_settings(_env_file=None, data_dir=tmp_path)))

        with pytest.raises(MissingSecretError) as error:
            get_secret("smtp-password")

        message = str(error.value)
        assert "HEAVY_STACK_SECRET_SMTP_PASSWORD" in message
        assert str(tmp_path / "dev-secrets.json") in message
        assert "\n" not in message


class TestProductionProvider:
    def test_environment_variables_win(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "smtp-password").write_text("from-file\n")
        monkeypatch.setenv("HEAVY_STACK_SECRET_SMTP_PASSWORD", "from-env")
        set_secret_provider(production(tmp_path))

        assert get_secret("smtp-password") == "from-env"

    def test_files_are_read_by_name_and_version(self, tmp_path: Path) -> None:
        (tmp_path / "smtp-password").write_text("latest-value\n")
        (tmp_path / "smtp-password@2").write_text("version-2")
        set_secret_provider(production(tmp_path))

        assert get_secret("smtp-password") == "latest-value"
        assert get_secret("smtp-password", version="2") == "version-2"

    def test_versioned_environment_variable_names(self) -> None:
        assert env_var_name("api-key", "latest") == "HEAVY_STACK_SECRET_API_KEY"
        assert env_var_name("api-key", "2") == "HEAVY_STACK_SECRET_API_KEY__2"


class TestCache:
    def test_values_are_cached(self, tmp_path: Path) -> None:
        (tmp_path / "token").write_text("first")
        set_secret_provider(production(tmp_path))
        assert get_secret("token") == "first"

        (tmp_path / "token").write_text("second")

        assert get_secret("token") == "first"
        set_secret_provider(production(tmp_path))
        assert get_secret("token") == "second"


@pytest.mark.parametrize("name", ["", "UPPER", "../etc/passwd", "a b"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invalid secret name"):
        get_secret(name)
