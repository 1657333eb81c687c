"""The one settings object; no other module reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from govgraph import PROJECT_ROOT


class Settings(BaseSettings):
    """Every knob govgraph has, read from the environment (and an optional .env file)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # An external server: when neo4j_uri is set nothing is provisioned.
    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: SecretStr | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str | None = Field(default=None, alias="NEO4J_DATABASE")

    # The local server govgraph runs itself.
    state_dir: Path = Field(default=PROJECT_ROOT / ".govgraph", alias="GOVGRAPH_STATE_DIR")
    instance: str = Field(default="main", alias="GOVGRAPH_INSTANCE", pattern=r"^[a-z0-9-]{1,32}$")
    bolt_port: int = Field(default=7687, alias="GOVGRAPH_BOLT_PORT", ge=0, le=65535)
    heap_size: str = Field(default="1g", alias="GOVGRAPH_HEAP", pattern=r"^\d+[mg]$")
    pagecache_size: str = Field(default="512m", alias="GOVGRAPH_PAGECACHE", pattern=r"^\d+[mg]$")
    tx_timeout: str = Field(default="60s", alias="GOVGRAPH_TX_TIMEOUT", pattern=r"^\d+(ms|s|m)$")
    tx_memory_max: str = Field(default="512m", alias="GOVGRAPH_TX_MEMORY", pattern=r"^\d+[mg]$")
    start_timeout: float = Field(default=120.0, alias="GOVGRAPH_START_TIMEOUT", gt=0)
    java: str = Field(default="java", alias="GOVGRAPH_JAVA")
    mvn: str = Field(default="mvn", alias="GOVGRAPH_MVN")

    # The HTTP API.
    host: str = Field(default="127.0.0.1", alias="GOVGRAPH_HOST")
    port: int = Field(default=8000, alias="GOVGRAPH_PORT", ge=1, le=65535)
    api_key: SecretStr | None = Field(default=None, alias="GOVGRAPH_API_KEY")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="GOVGRAPH_CORS_ORIGINS"
    )
    cypher_timeout: float = Field(default=5.0, alias="GOVGRAPH_CYPHER_TIMEOUT", gt=0, le=300)
    cypher_row_cap: int = Field(default=1000, alias="GOVGRAPH_CYPHER_ROW_CAP", ge=1, le=100_000)
    cypher_max_chars: int = Field(default=20_000, alias="GOVGRAPH_CYPHER_MAX_CHARS", ge=100)
    cypher_concurrency: int = Field(default=4, alias="GOVGRAPH_CYPHER_CONCURRENCY", ge=1, le=64)
    cypher_max_bytes: int = Field(
        default=8 * 2**20, alias="GOVGRAPH_CYPHER_MAX_BYTES", ge=64 * 2**10, le=2**30
    )
    cache_seconds: float = Field(default=1.0, alias="GOVGRAPH_CACHE_SECONDS", ge=0, le=3600)
    cache_max_bytes: int = Field(default=64 * 2**20, alias="GOVGRAPH_CACHE_MAX_BYTES", ge=0)
    bolt_timeout: float = Field(default=3.0, alias="GOVGRAPH_BOLT_TIMEOUT", gt=0, le=120)
    graph_node_cap: int = Field(default=200, alias="GOVGRAPH_GRAPH_NODE_CAP", ge=10, le=5000)

    # Web hardening: which Host names the app answers to, and the console's CSRF tokens.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="GOVGRAPH_ALLOWED_HOSTS"
    )
    secret_key: SecretStr | None = Field(default=None, alias="GOVGRAPH_SECRET_KEY")
    csrf_seconds: int = Field(default=7200, alias="GOVGRAPH_CSRF_SECONDS", ge=60, le=604_800)

    # Proxies whose X-Forwarded-For/-Proto headers are believed (comma-separated addresses, or
    # "*"); unset: none, so a client cannot pick the address the login throttle counts.
    forwarded_allow_ips: str | None = Field(
        default=None, alias="GOVGRAPH_FORWARDED_ALLOW_IPS", max_length=1000
    )

    # Accounts: web sessions, login throttling and API tokens.
    session_hours: float = Field(default=12.0, alias="GOVGRAPH_SESSION_HOURS", gt=0, le=24 * 90)
    cookie_secure: bool | None = Field(default=None, alias="GOVGRAPH_COOKIE_SECURE")
    login_attempts: int = Field(default=5, alias="GOVGRAPH_LOGIN_ATTEMPTS", ge=1, le=1000)
    login_window: float = Field(default=900.0, alias="GOVGRAPH_LOGIN_WINDOW", gt=0, le=86_400)
    token_days: int = Field(default=90, alias="GOVGRAPH_TOKEN_DAYS", ge=1, le=3650)

    # History and follow: how far back as_recorded may rewind, and webhook delivery.
    as_recorded_max_changes: int = Field(
        default=50_000, alias="GOVGRAPH_AS_RECORDED_MAX_CHANGES", ge=1, le=10_000_000
    )
    webhook_allow_private: bool = Field(default=False, alias="GOVGRAPH_WEBHOOK_ALLOW_PRIVATE")
    webhook_timeout: float = Field(default=10.0, alias="GOVGRAPH_WEBHOOK_TIMEOUT", gt=0, le=120)
    webhook_retry_seconds: float = Field(
        default=2.0, alias="GOVGRAPH_WEBHOOK_RETRY_SECONDS", ge=0, le=3600
    )
    webhook_max_failures: int = Field(
        default=8, alias="GOVGRAPH_WEBHOOK_MAX_FAILURES", ge=1, le=1000
    )
    max_body_bytes: int = Field(
        default=1_048_576, alias="GOVGRAPH_MAX_BODY_BYTES", ge=1024, le=64 * 2**20
    )
    webhook_poll_seconds: float = Field(
        default=1.0, alias="GOVGRAPH_WEBHOOK_POLL_SECONDS", gt=0, le=3600
    )

    data_dir: Path = Field(default=PROJECT_ROOT / "data", alias="GOVGRAPH_DATA_DIR")
    batch_size: int = Field(default=5000, alias="GOVGRAPH_BATCH_SIZE", ge=1, le=50_000)

    # Live fetching from public sources (govgraph import --live).
    fetch_timeout: float = Field(default=30.0, alias="GOVGRAPH_FETCH_TIMEOUT", gt=0, le=600)
    fetch_retries: int = Field(default=5, alias="GOVGRAPH_FETCH_RETRIES", ge=0, le=20)
    fetch_interval: float = Field(default=1.0, alias="GOVGRAPH_FETCH_INTERVAL", ge=0, le=60)
    federal_register_url: str = Field(
        default="https://www.federalregister.gov/api/v1",
        alias="GOVGRAPH_FEDERAL_REGISTER_URL",
        pattern=r"^https?://\S+$",
    )
    wikidata_url: str = Field(
        default="https://www.wikidata.org", alias="GOVGRAPH_WIKIDATA_URL", pattern=r"^https?://\S+$"
    )
    contact: str | None = Field(default=None, alias="GOVGRAPH_CONTACT", max_length=200)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip().lower() for v in value.split(",") if v.strip()]
        return value

    @property
    def external(self) -> bool:
        """True when the user points govgraph at their own server."""
        return bool(self.neo4j_uri)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
