"""The Neo4j connection: one driver, reads in read transactions, writes in write transactions."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, unit_of_work
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from govgraph.core.cypher import text
from govgraph.core.errors import (
    AuthFailed,
    ConfigError,
    ConnectionFailed,
    DatabaseUnavailable,
    GovGraphError,
    Unavailable,
)
from govgraph.core.settings import Settings
from govgraph.graph import server
from govgraph.graph.bulkhead import Bulkhead
from govgraph.graph.install import ServerPaths
from govgraph.graph.password import read_password

T = TypeVar("T")
log = logging.getLogger("govgraph.db")
# Pooled connections idle longer than this are pinged before reuse, so a restarted server's
# dead sockets are dropped instead of failing the next query.
LIVENESS_SECONDS = 2.0
DEFAULT_BOLT_TIMEOUT = 3.0
LOG_EVERY_SECONDS = 10.0
PUBLIC_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class ConnectionInfo:
    """Where and as whom to connect."""

    uri: str
    user: str
    password: str
    database: str | None
    local: bool

    def env_lines(self) -> list[str]:
        """Shell lines a user can eval to point other tools at this server."""
        lines = [
            f"NEO4J_URI={self.uri}",
            f"NEO4J_USER={self.user}",
            f"NEO4J_PASSWORD={self.password}",
        ]
        if self.database:
            lines.append(f"NEO4J_DATABASE={self.database}")
        return [f"export {_shell_quote(line)}" for line in lines]


def _shell_quote(assignment: str) -> str:
    key, _, value = assignment.partition("=")
    return f"{key}='" + value.replace("'", "'\"'\"'") + "'"


def connection_info(settings: Settings) -> ConnectionInfo:
    """The external server from NEO4J_URI, or the local one govgraph runs."""
    if settings.external:
        if settings.neo4j_password is None:
            raise ConfigError(
                "NEO4J_URI is set but NEO4J_PASSWORD is not.",
                fix="set NEO4J_PASSWORD to that server's password.",
            )
        return ConnectionInfo(
            str(settings.neo4j_uri),
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            local=False,
        )
    live = server.running_pid(settings)
    if not live:
        raise ConnectionFailed(
            "The local Neo4j server is not running.",
            fix="run `govgraph db start`, or set NEO4J_URI to use your own server.",
        )
    paths = ServerPaths.of(settings)
    return ConnectionInfo(
        f"bolt://127.0.0.1:{live[1]}",
        "neo4j",
        read_password(paths),
        settings.neo4j_database,
        local=True,
    )


class Database:
    """A thin wrapper over the official driver that maps its errors onto govgraph's.

    `public=True` (the web app) words connection errors without addresses or local commands,
    and retries a failed read for about a second only, so a client hears 503 quickly.
    """

    def __init__(
        self,
        info: ConnectionInfo,
        *,
        public: bool = False,
        bolt_timeout: float = DEFAULT_BOLT_TIMEOUT,
        bulkhead: Bulkhead | None = None,
    ) -> None:
        self.info = info
        self.public = public
        self.bulkhead = bulkhead or Bulkhead()
        self.failed_at: float | None = None  # when a connection last failed (None: healthy)
        # The driver has no read timeout of its own: it takes the server's hint, which is
        # server.bolt.connection_keep_alive times its probes (2 min by default).
        config: dict[str, Any] = {
            "max_connection_pool_size": 64,
            "connection_timeout": bolt_timeout,
            "connection_acquisition_timeout": 2 * bolt_timeout,
            "liveness_check_timeout": LIVENESS_SECONDS,
            "notifications_min_severity": "OFF",
        }
        if public:  # one quick retry, then the client hears 503 (it may retry itself)
            config["max_transaction_retry_time"] = min(PUBLIC_RETRY_SECONDS, bolt_timeout)
        try:
            self.driver: Driver = GraphDatabase.driver(
                info.uri, auth=(info.user, info.password), **config
            )
        except (ConfigurationError, ValueError) as exc:
            raise ConfigError(
                f"Bad NEO4J_URI '{info.uri}': {exc}",
                fix="use bolt://host:port or neo4j://host:port.",
            ) from exc

    @classmethod
    def connect(
        cls, settings: Settings, *, public: bool = False, bulkhead: Bulkhead | None = None
    ) -> Database:
        """Open a driver and check the server answers."""
        try:
            info = connection_info(settings)
        except GovGraphError as exc:
            if not public:
                raise
            raise unavailable(str(exc)) from None
        db = cls(info, public=public, bolt_timeout=settings.bolt_timeout, bulkhead=bulkhead)
        try:
            db.verify()
        except BaseException:
            db.close()  # a failed check must not leave a driver (and its pool) behind
            raise
        return db

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Driver errors as govgraph errors; a connection failure is remembered in failed_at."""
        try:
            with translate_errors(self.info.uri, public=self.public):
                yield
        except (ConnectionFailed, DatabaseUnavailable):
            self.failed_at = time.monotonic()
            raise

    def verify(self) -> None:
        """Fail with a clear message when the server is unreachable or refuses us."""
        with self.errors():
            self.driver.verify_connectivity()

    def close(self) -> None:
        """Close the driver; a connection another thread still writes to cannot fail this."""
        try:
            self.driver.close()
        except Exception as exc:  # the driver is not thread-safe: e.g. BufferError mid-message
            log.debug("closing the driver: %s: %s", type(exc).__name__, exc)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Any]:
        with self.errors(), self.driver.session(database=self.info.database) as s:
            yield s

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(tx, ...) in a retried read transaction."""
        with self.session() as s:
            return s.execute_read(fn, *args, **kwargs)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(tx, ...) in a retried write transaction; fn must be idempotent."""
        with self.session() as s:
            return s.execute_write(fn, *args, **kwargs)

    def rows(
        self, cypher: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """A read query's records as plain dicts."""

        @unit_of_work(timeout=timeout)
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(cypher, params or {})]

        return self.read(work)

    def version(self) -> str:
        """The server's Neo4j version."""
        rows = self.rows(text("server-version"))
        return str(rows[0]["v"])


_last_warning = [0.0]


def unavailable(detail: str) -> DatabaseUnavailable:
    """The public 503 for a database that cannot answer; the detail goes to the log only."""
    now = time.monotonic()
    if now - _last_warning[0] >= LOG_EVERY_SECONDS:  # one line per outage, not one per request
        _last_warning[0] = now
        log.warning("database unavailable: %s", detail)
    return DatabaseUnavailable(detail)


@contextmanager
def translate_errors(uri: str, *, public: bool = False) -> Iterator[None]:
    """Turn driver connection errors into govgraph errors with a fix (public: without details)."""
    try:
        yield
    except (AuthError, SessionExpired, TransientError, ServiceUnavailable) as exc:
        if public:
            raise unavailable(f"Neo4j at {uri}: {type(exc).__name__}: {exc}") from exc
        _raise_detailed(uri, exc)


def _raise_detailed(uri: str, exc: Exception) -> None:
    """The CLI's wording: where the server is and how to start it."""
    if isinstance(exc, AuthError):
        raise AuthFailed(
            f"Neo4j at {uri} rejected the credentials ({exc.code}).",
            fix="check NEO4J_USER and NEO4J_PASSWORD (for the local server: `govgraph db env`).",
        ) from exc
    if isinstance(exc, (SessionExpired, TransientError)):
        raise Unavailable(
            f"Neo4j at {uri} is temporarily unavailable: {exc}", fix="retry in a moment."
        ) from exc
    raise ConnectionFailed(
        f"Neo4j at {uri} is unreachable: {exc}",
        fix="start it (`govgraph db start`) or check NEO4J_URI and the network.",
    ) from exc
