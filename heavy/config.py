"""Typed settings of the runtime, read from environment variables and an optional ``.env`` file.

:class:`HeavySettings` holds every setting the runtime reads. An app subclasses it (for its own
settings, and to choose the prefix of every variable: ``HEAVY_STACK_`` in the demo) and names the
subclass in its :class:`~heavy.app.HeavyApp`; :func:`load_settings` builds that class. Every value
is validated at start-up; a bad one stops the process with one line naming the variable and what
it accepts. ``template.env`` documents each one.
"""

from __future__ import annotations

import enum
import functools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from heavy.errors import ConfigurationError

DEFAULT_ENV_PREFIX = "HEAVY_"
DEFAULT_DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"

_DRIVER_BY_BACKEND = {"postgresql": "asyncpg", "postgres": "asyncpg", "cockroachdb": "asyncpg"}
_NEVER_ECHOED = frozenset(
    {"sql_db_url", "vector_db_url", "redis_url", "secret_key", "smtp_url"}
)  # may hold secrets
_URL_HINT = "expected postgresql://user:password@host:5432/database or cockroachdb://user@host:26257/database"


class Environment(enum.StrEnum):
    """Where the app runs. DEV is forgiving and chatty; PRODUCTION insists on real secrets."""

    DEV = "DEV"
    PRODUCTION = "PRODUCTION"


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def normalise_database_url(value: str) -> str:
    """Return ``value`` as an async SQLAlchemy URL (``postgresql+asyncpg://...``).

    Accepts the plain ``postgresql://`` / ``postgres://`` / ``cockroachdb://`` forms people copy
    from their provider, and the explicit ``+asyncpg`` forms.
    """
    # An unparseable URL is never echoed: it cannot be masked and may hold a password.
    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(f"not a database URL; {_URL_HINT}") from None
    except ValueError:  # SQLAlchemy's int() of a non-numeric port
        raise ValueError(f"the port is not a number from 1 to 65535; {_URL_HINT}") from None
    if url.port is not None and not 1 <= url.port <= 65535:
        raise ValueError(f"the port is not a number from 1 to 65535 in {mask_url(url)}; {_URL_HINT}")
    backend = url.get_backend_name()
    if backend not in _DRIVER_BY_BACKEND:
        raise ValueError(f"unsupported database {backend!r} in {mask_url(value)}; {_URL_HINT}")
    if url.drivername.partition("+")[2] not in ("", "asyncpg"):
        raise ValueError(f"unsupported driver {url.drivername!r}; use postgresql+asyncpg:// or postgresql://")
    if not url.database:
        raise ValueError(f"no database name in {mask_url(value)}; {_URL_HINT}")
    if backend == "postgres":
        backend = "postgresql"
    if "sslmode" in url.query:  # libpq's name (in every provider's URL); asyncpg calls it ssl
        url = url.difference_update_query(["sslmode"]).update_query_dict({"ssl": url.query["sslmode"]})
    return url.set(drivername=f"{backend}+asyncpg").render_as_string(hide_password=False)


def mask_url(url: str | URL) -> str:
    """Render a database or Redis URL with its password replaced by ``***``, for messages and logs."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<unparseable URL>"
    return parsed.render_as_string(hide_password=True)


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _check_redis_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"not a Redis URL ({mask_url(value)}); expected redis://host:6379/0")
    return value


def _check_otlp_endpoint(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"not an OTLP/HTTP endpoint ({value!r}); expected http://collector:4318")
    return value.strip()


def _check_smtp_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not value.strip().startswith(("smtp://", "smtps://", "smtp+starttls://")):
        raise ValueError(
            f"not an SMTP URL ({mask_url(value)}); expected smtp://host:25, "
            "smtp+starttls://user:password@host:587 or smtps://user:password@host:465"
        )
    return value.strip()


def _check_public_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"not a site address ({value!r}); expected https://app.example.com")
    return value.strip().rstrip("/")


DatabaseUrl = Annotated[str, AfterValidator(normalise_database_url)]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class HeavySettings(BaseSettings):
    """All configuration the runtime reads. Build it with :func:`load_settings`, which builds the
    app's subclass; a subclass sets ``model_config = SettingsConfigDict(env_prefix="MY_APP_")``."""

    model_config = SettingsConfigDict(
        env_prefix=DEFAULT_ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    environment: Annotated[Environment, BeforeValidator(_upper)] = Environment.DEV
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    cors_header: str = Field(
        default="",
        description="Origins allowed to call the app cross-site: '*' or a comma-separated list; empty: off",
    )
    sql_db_url: DatabaseUrl | None = None
    vector_db_url: DatabaseUrl | None = None
    redis_url: Annotated[str | None, AfterValidator(_check_redis_url)] = None
    secret_key: SecretStr = SecretStr(DEFAULT_DEV_SECRET_KEY)
    data_dir: Path = Path(".heavy")
    secrets_dir: Path = Field(default=Path("/run/secrets"), description="where PRODUCTION reads secret files")
    state_recovery: bool = Field(default=True, description="recover tabs' UI state after reconnects")
    state_store: Literal["auto", "memory", "postgres", "redis"] = "auto"
    state_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    state_max_bytes: int = Field(default=64 * 1024, ge=1024)
    stream_max_message_bytes: int = Field(default=256 * 1024, ge=1024)
    stream_max_events_per_second: float = Field(default=50.0, gt=0)
    stream_event_burst: int = Field(default=100, ge=1)
    session_ttl_seconds: int = Field(default=14 * 24 * 3600, ge=60, description="how long a login lasts")
    # Live updates between tabs, workers and hosts (docs/live-updates.md)
    live_updates: Literal["auto", "postgres", "redis", "memory", "off"] = Field(
        default="auto", description="auto: Redis when REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY"
    )
    live_max_message_bytes: int = Field(default=4096, ge=256, le=7900, description="largest message, as JSON")
    live_publish_per_second: float = Field(
        default=5.0, gt=0, description="publishes one tab may make a second"
    )
    live_publish_burst: int = Field(default=10, ge=1)
    live_queue_limit: int = Field(default=64, ge=1, description="undelivered messages a tab may fall behind")
    live_presence_heartbeat_seconds: float = Field(
        default=1.0, ge=0.2, le=30, description="how often a process renews its tabs' presence"
    )
    live_presence_ttl_seconds: float = Field(
        default=4.0, ge=1, le=120, description="how long presence lasts without a heartbeat (a dead host)"
    )
    record_file: Annotated[Path | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, description="Append every stream message to this recording (docs/load-testing.md)"
    )
    # Mail (docs/accounts-and-security.md#mail)
    mail_backend: Literal["console", "smtp"] = Field(
        default="console", description="console: log each mail (development); smtp: send it via SMTP_URL"
    )
    smtp_url: Annotated[str | None, AfterValidator(_check_smtp_url)] = None
    mail_from: str = Field(default="noreply@localhost", description="the From of every mail")
    public_url: Annotated[str | None, AfterValidator(_check_public_url)] = Field(
        default=None, description="the site's address for links in mails; unset: http://HOST:PORT"
    )
    # Observability (docs/observability.md)
    log_level: Annotated[LogLevel, BeforeValidator(_upper)] = "INFO"
    access_log: bool = Field(default=True, description="a line per HTTP request and per stream connection")
    otlp_endpoint: Annotated[str | None, AfterValidator(_check_otlp_endpoint)] = Field(
        default=None, description="OTLP/HTTP collector for traces; unset: tracing off"
    )

    @model_validator(mode="after")
    def _smtp_has_a_server(self) -> HeavySettings:
        if self.mail_backend == "smtp" and self.smtp_url is None:
            raise ValueError(
                f"{type(self).env_name('mail_backend')}=smtp needs {type(self).env_name('smtp_url')} "
                "(for example smtp://localhost:25)"
            )
        return self

    @model_validator(mode="after")
    def _presence_outlives_two_heartbeats(self) -> HeavySettings:
        if self.live_presence_ttl_seconds < 2 * self.live_presence_heartbeat_seconds:
            ttl, heartbeat = (
                self.env_name("live_presence_ttl_seconds"),
                self.env_name("live_presence_heartbeat_seconds"),
            )
            raise ValueError(
                f"{ttl} ({self.live_presence_ttl_seconds:g}) must be at least twice {heartbeat} "
                f"({self.live_presence_heartbeat_seconds:g}), or a late heartbeat makes a tab blink out"
            )
        return self

    @model_validator(mode="after")
    def _production_is_explicit(self) -> HeavySettings:
        if self.environment is not Environment.PRODUCTION:
            return self
        prefix = type(self).env_prefix()
        secret = self.secret_key.get_secret_value()
        if secret == DEFAULT_DEV_SECRET_KEY or len(secret) < 32:
            raise ValueError(
                f"{prefix}SECRET_KEY must be set to a random value of 32+ characters in PRODUCTION "
                "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        missing = [name for name in ("sql_db_url", "vector_db_url") if getattr(self, name) is None]
        if missing:
            names = " and ".join(f"{prefix}{name.upper()}" for name in missing)
            raise ValueError(f"{names} must be set in PRODUCTION (the embedded database is for development)")
        return self

    @classmethod
    def env_prefix(cls) -> str:
        """The prefix of every variable of this settings class (``HEAVY_STACK_`` in the demo)."""
        return str(cls.model_config.get("env_prefix", ""))

    @classmethod
    def env_name(cls, field_name: str) -> str:
        """The environment variable of a setting: ``env_name("redis_url")`` -> ``HEAVY_STACK_REDIS_URL``."""
        return f"{cls.env_prefix()}{field_name.upper()}"

    @property
    def is_dev(self) -> bool:
        return self.environment is Environment.DEV

    @property
    def site_url(self) -> str:
        """Where the site is, for links in mails: PUBLIC_URL, never a request's Host header (which
        anyone can set, and would then be the link in a mail to someone else)."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def cors_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_header.split(",") if origin.strip()]


def settings_class() -> type[HeavySettings]:
    """The settings class of the app this process serves (its :class:`~heavy.app.HeavyApp`)."""
    from heavy.app import current_app  # the registration imports the app's settings module

    return current_app().settings


def env_prefix() -> str:
    """The prefix of every setting of the app this process serves."""
    return settings_class().env_prefix()


def load_settings(**overrides: Any) -> HeavySettings:
    """Build the app's settings from the environment (and ``overrides``), or raise ConfigurationError.

    The error message is one line: the variable, what is wrong, and what it accepts.
    """
    cls = settings_class()
    try:
        return cls(**overrides)
    except ValidationError as error:
        raise ConfigurationError(describe_validation_error(error, cls.env_prefix())) from None


def describe_validation_error(error: ValidationError, prefix: str) -> str:
    """Turn pydantic's multi-line report into one line naming each variable."""
    problems = []
    for detail in error.errors(include_url=False):
        message = str(detail["msg"]).removeprefix("Value error, ")
        if detail["loc"]:
            field = str(detail["loc"][0])
            shown = detail.get("input")
            echo = field not in _NEVER_ECHOED and isinstance(shown, str | int | float)
            got = f" (got {shown!r})" if echo else ""
            problems.append(f"{prefix}{field.upper()}: {message}{got}")
        else:
            problems.append(message)
    return "invalid configuration: " + "; ".join(problems)


@functools.cache
def get_settings() -> HeavySettings:
    """The process-wide settings, loaded once."""
    return load_settings()
