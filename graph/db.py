"""The Neo4j connection: one driver, reads in read transactions, writes in write transactions."""

from __future__ import annotations

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
from govgraph.core.errors import AuthFailed, ConfigError, ConnectionFailed, Unavailable
from govgraph.core.settings import Settings
from govgraph.graph import server

T = TypeVar("T")


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
    paths = server.ServerPaths.of(settings)
    return ConnectionInfo(
        f"bolt://127.0.0.1:{live[1]}",
        "neo4j",
        server.read_password(paths),
        settings.neo4j_database,
        local=True,
    )


class Database:
    """A thin wrapper over the official driver that maps its errors onto govgraph's."""

    def __init__(self, info: ConnectionInfo) -> None:
        self.info = info
        try:
            self.driver: Driver = GraphDatabase.driver(
                info.uri,
                auth=(info.user, info.password),
                max_connection_pool_size=64,
                connection_acquisition_timeout=30,
                notifications_min_severity="OFF",
            )
        except (ConfigurationError, ValueError) as exc:
            raise ConfigError(
                f"Bad NEO4J_URI '{info.uri}': {exc}",
                fix="use bolt://host:port or neo4j://host:port.",
            ) from exc

    @classmethod
    def connect(cls, settings: Settings) -> Database:
        """Open a driver and check the server answers."""
        db = cls(connection_info(settings))
        try:
            db.verify()
        except BaseException:
            db.close()  # a failed check must not leave a driver (and its pool) behind
            raise
        return db

    def verify(self) -> None:
        """Fail with a clear message when the server is unreachable or refuses us."""
        with translate_errors(self.info.uri):
            self.driver.verify_connectivity()

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Any]:
        with translate_errors(self.info.uri), self.driver.session(database=self.info.database) as s:
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


@contextmanager
def translate_errors(uri: str) -> Iterator[None]:
    """Turn driver connection errors into govgraph errors with a fix."""
    try:
        yield
    except AuthError as exc:
        raise AuthFailed(
            f"Neo4j at {uri} rejected the credentials ({exc.code}).",
            fix="check NEO4J_USER and NEO4J_PASSWORD (for the local server: `govgraph db env`).",
        ) from exc
    except (SessionExpired, TransientError) as exc:
        raise Unavailable(
            f"Neo4j at {uri} is temporarily unavailable: {exc}", fix="retry in a moment."
        ) from exc
    except ServiceUnavailable as exc:
        raise ConnectionFailed(
            f"Neo4j at {uri} is unreachable: {exc}",
            fix="start it (`govgraph db start`) or check NEO4J_URI and the network.",
        ) from exc
