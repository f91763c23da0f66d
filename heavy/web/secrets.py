"""Named secrets (credentials of other services, API keys), by name and version.

``get_secret("smtp-password")`` asks the provider for the environment: in DEV, local values in
``DATA_DIR/dev-secrets.json`` (git-ignored) or environment variables; in PRODUCTION, environment
variables or files (Docker and Kubernetes mount secrets as files, by default in ``/run/secrets``).
Values are cached for a few minutes, as the original stack did with its secret manager, so a hot
path can call ``get_secret`` freely; a rotated secret is picked up when its entry expires.
A secret that is nowhere to be found is a :class:`MissingSecretError` naming where it looked.

To use a cloud secret manager instead, implement :class:`SecretProvider` and pass it to
:func:`set_secret_provider` at start-up.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Protocol

from heavy.config import HeavySettings, env_prefix, get_settings
from heavy.errors import ConfigurationError, HeavyError

LATEST = "latest"
CACHE_SECONDS = 300.0
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_VERSION = re.compile(r"^(latest|[A-Za-z0-9_.-]{1,50})$")


class MissingSecretError(HeavyError):
    exit_code = 2


class SecretProvider(Protocol):
    def read(self, name: str, version: str) -> str | None:
        """The secret's value, or None if this provider does not have it."""
        ...

    def where(self, name: str, version: str) -> str:
        """Where :meth:`read` looked, for the error message."""
        ...


def env_var_name(name: str, version: str) -> str:
    base = f"{env_prefix()}SECRET_{name.upper().replace('-', '_')}"
    return base if version == LATEST else f"{base}__{version.upper().replace('.', '_').replace('-', '_')}"


class EnvironmentSecretProvider:
    """``HEAVY_STACK_SECRET_<NAME>`` (latest) or ``HEAVY_STACK_SECRET_<NAME>__<VERSION>``."""

    def read(self, name: str, version: str) -> str | None:
        return os.environ.get(env_var_name(name, version))

    def where(self, name: str, version: str) -> str:
        return f"environment variable {env_var_name(name, version)}"


class FileSecretProvider:
    """``<dir>/<name>`` (latest) or ``<dir>/<name>@<version>``, trailing newline stripped."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str, version: str) -> Path:
        return self.directory / (name if version == LATEST else f"{name}@{version}")

    def read(self, name: str, version: str) -> str | None:
        path = self._path(name, version)
        try:
            return path.read_text().rstrip("\n")
        except FileNotFoundError:
            return None

    def where(self, name: str, version: str) -> str:
        return f"file {self._path(name, version)}"


class DevSecretProvider:
    """Local values for development: ``{"name": "value"}`` or ``{"name": {"1": "...", "latest": "..."}}``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, name: str, version: str) -> str | None:
        try:
            values = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except ValueError as error:
            raise ConfigurationError(f"{self.path} is not valid JSON: {error}") from None
        value = values.get(name) if isinstance(values, dict) else None
        if isinstance(value, dict):
            value = value.get(version)
        elif version != LATEST:
            value = None
        return value if isinstance(value, str) else None

    def where(self, name: str, version: str) -> str:
        return f"{self.path} (key {name!r}" + ("" if version == LATEST else f", version {version!r}") + ")"


class ChainedSecretProvider:
    """Asks each provider in turn; the first that has the secret wins."""

    def __init__(self, *providers: SecretProvider) -> None:
        self.providers = providers

    def read(self, name: str, version: str) -> str | None:
        for provider in self.providers:
            value = provider.read(name, version)
            if value is not None:
                return value
        return None

    def where(self, name: str, version: str) -> str:
        return " or ".join(provider.where(name, version) for provider in self.providers)


def provider_for(settings: HeavySettings) -> SecretProvider:
    if settings.is_dev:
        return ChainedSecretProvider(
            EnvironmentSecretProvider(), DevSecretProvider(settings.data_dir / "dev-secrets.json")
        )
    return ChainedSecretProvider(EnvironmentSecretProvider(), FileSecretProvider(settings.secrets_dir))


_provider: SecretProvider | None = None
_cache: dict[tuple[str, str], tuple[float, str]] = {}


def set_secret_provider(provider: SecretProvider | None) -> None:
    """Use ``provider`` from now on (None: back to the default for the settings); clears the cache."""
    global _provider
    _provider = provider
    _cache.clear()


def get_secret(name: str, version: str = LATEST) -> str:
    """The value of secret ``name`` at ``version``, cached for :data:`CACHE_SECONDS`."""
    if not _NAME.match(name):
        raise ValueError(f"invalid secret name {name!r}: use lower-case letters, digits, '-' and '_'")
    if not _VERSION.match(version):
        raise ValueError(f"invalid secret version {version!r}")
    cached = _cache.get((name, version))
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    provider = _provider or provider_for(get_settings())
    value = provider.read(name, version)
    if value is None:
        raise MissingSecretError(
            f"secret {name!r} (version {version}) not found: set {provider.where(name, version)}"
        )
    _cache[(name, version)] = (time.monotonic() + CACHE_SECONDS, value)
    return value
